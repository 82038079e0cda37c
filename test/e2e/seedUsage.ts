// Seeds what the usage dashboard e2e test shows: a Night Pilot database with 90 days of runs of
// three jobs (their usage records, and the daily roll-ups of the oldest, as retention leaves them),
// one run held by a budget, and Claude Code transcripts with an active 5-hour block.
//   node --import tsx test/e2e/seedUsage.ts <database file> <claude config folder>
import fs from 'node:fs';
import path from 'node:path';
import { NightPilotDatabase } from '../../src/storage/database';
import { assistantLine, generateTranscripts } from '../fixtures/transcripts';

const [dbPath, claudeDir] = process.argv.slice(2);
if (!dbPath || !claudeDir) throw new Error('usage: seedUsage.ts <database file> <claude config folder>');

const DAY = 86_400_000;
const now = Date.now();

async function main(): Promise<void> {
  fs.mkdirSync(path.dirname(dbPath!), { recursive: true });
  const db = await NightPilotDatabase.open(dbPath!);
  await db.write((tx) => {
    const jobs = [
      { name: 'Nightly review', model: 'claude-sonnet-4-5-20250929', cost: 0.42 },
      { name: 'Dependency bump', model: 'claude-haiku-4-5-20251001', cost: 0.08 },
      { name: 'Weekly refactor', model: 'claude-opus-4-1-20250805', cost: 2.1 },
    ].map((j) => ({
      ...j,
      job: tx.jobs.insert({
        name: j.name,
        promptId: tx.prompts.insert({ title: j.name, content: 'Do the work.' }).id,
        cronExpression: '0 2 * * *',
        timezone: 'UTC',
        nextRunTime: new Date(now + DAY).toISOString(),
        options: j.name === 'Weekly refactor' ? { dailyBudgetUsd: 1 } : {},
      }),
    }));
    for (let d = 89; d >= 0; d--) {
      for (const [i, j] of jobs.entries()) {
        if (j.name === 'Weekly refactor' && d % 7 !== 0) continue;
        const at = new Date(now - d * DAY - (i + 2) * 3_600_000).toISOString();
        const cost = j.cost * (0.6 + ((d * 7 + i * 13) % 10) / 10);
        const tokens = Math.round(cost * 250_000);
        if (d >= 30) {
          // Pruned by retention: what is left is the day's roll-up.
          tx.sql.run(
            `INSERT INTO usage_daily (day, job_id, job_name, model, input_tokens, output_tokens, cost_usd, reported_cost_usd, runs)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
            [at.slice(0, 10), j.job.id, j.name, j.model, tokens, Math.round(tokens / 10), cost, cost],
          );
          continue;
        }
        const run = tx.runs.claim({
          jobId: j.job.id,
          trigger: 'schedule',
          scheduledFor: at,
          status: 'succeeded',
        })!;
        tx.runs.update(run.id, { startedAt: at, endedAt: at, sessionId: `s-${run.id}` });
        tx.usage.insert({
          runId: run.id,
          jobId: j.job.id,
          sessionId: `s-${run.id}`,
          model: j.model,
          inputTokens: tokens,
          outputTokens: Math.round(tokens / 10),
          cacheCreationTokens: 0,
          cacheReadTokens: tokens * 3,
          costUsd: cost,
          costSource: 'reported',
          recordedAt: at,
        });
      }
    }
    const refactor = jobs[2]!.job;
    const held = tx.runs.claim({
      jobId: refactor.id,
      trigger: 'manual',
      scheduledFor: new Date(now).toISOString(),
    })!;
    tx.runs.update(held.id, {
      resumeAt: new Date(now + DAY).toISOString(),
      waitReason: "Waiting: the job's daily budget of $1.00 is spent ($2.10 today).",
    });
  });
  db.close();

  generateTranscripts({
    dir: claudeDir!,
    seed: 5,
    sessions: 12,
    messagesPerSession: 40,
    start: new Date(now - 10 * DAY),
    days: 9,
  });
  // Claude Code in use right now: the active 5-hour block.
  const folder = path.join(claudeDir!, 'projects', '-home-dev-app');
  fs.mkdirSync(folder, { recursive: true });
  const lines = [50, 30, 10].map((minutes, i) =>
    assistantLine({
      sessionId: '9b1c2d3e-4f50-4a61-8b72-c3d4e5f60718',
      cwd: '/home/dev/app',
      timestamp: new Date(now - minutes * 60_000).toISOString(),
      model: 'claude-sonnet-4-5-20250929',
      messageId: `msg_now_${i}`,
      requestId: `req_now_${i}`,
      input: 40_000,
      output: 3000,
      cacheCreation: 2000,
      cacheRead: 150_000,
    }),
  );
  fs.writeFileSync(path.join(folder, '9b1c2d3e-4f50-4a61-8b72-c3d4e5f60718.jsonl'), `${lines.join('\n')}\n`);
}

void main();
