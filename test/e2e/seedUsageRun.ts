// Records one finished run with its usage in the usage dashboard e2e test's database while the
// window is open, the way a scheduler in another process (the CLI's) would: the extension sees
// the files change and the open dashboard redraws with it.
//   node --import tsx test/e2e/seedUsageRun.ts <database file> <job name> <cost in USD>
import { NightPilotDatabase } from '../../src/storage/database';

const [dbPath, jobName, costText] = process.argv.slice(2);
const cost = Number(costText);
if (!dbPath || !jobName || !Number.isFinite(cost))
  throw new Error('usage: seedUsageRun.ts <database file> <job name> <cost in USD>');

async function main(): Promise<void> {
  const db = await NightPilotDatabase.open(dbPath!);
  await db.write((tx) => {
    const job = tx.jobs.list().find((j) => j.name === jobName);
    if (!job) throw new Error(`no job named ${jobName}`);
    const at = new Date().toISOString();
    const run = tx.runs.claim({ jobId: job.id, trigger: 'manual', scheduledFor: at, status: 'succeeded' })!;
    tx.runs.update(run.id, { startedAt: at, endedAt: at, sessionId: `s-${run.id}` });
    const tokens = Math.round(cost * 250_000);
    tx.usage.insert({
      runId: run.id,
      jobId: job.id,
      sessionId: `s-${run.id}`,
      model: 'claude-sonnet-4-5-20250929',
      inputTokens: tokens,
      outputTokens: Math.round(tokens / 10),
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
      costUsd: cost,
      costSource: 'reported',
      recordedAt: at,
    });
  });
  db.close();
}

void main();
