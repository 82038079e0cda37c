// Seeds what the Jobs view e2e tests show, into the database the workbench's extension will open:
//   node --import tsx test/e2e/seedJobs.ts <database file> <workspace folder>        the jobs
//   node --import tsx test/e2e/seedJobs.ts <database file> <workspace folder> hold   a usage-limit hold
// Written through NightPilotDatabase (its lock and atomic save), so the open window sees it.
import fs from 'node:fs';
import path from 'node:path';
import { USAGE_LIMIT_MESSAGE } from '../../src/core/phases';
import { extendLimitHold } from '../../src/scheduler/limitHold';
import { NightPilotDatabase } from '../../src/storage/database';
import type { Tx } from '../../src/storage/database';
import type { NewJob } from '../../src/storage/jobRepository';

const [dbPath, workspace, step] = process.argv.slice(2);
if (!dbPath || !workspace) throw new Error('usage: seedJobs.ts <database file> <workspace folder> [hold]');

const HOUR = 3_600_000;
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

function job(tx: Tx, name: string, prompt: string, fields: Partial<NewJob>) {
  return tx.jobs.insert({
    name,
    promptId: tx.prompts.insert({ title: name, content: prompt }).id,
    cronExpression: '0 2 * * *',
    timezone: 'UTC',
    nextRunTime: iso(now + 12 * HOUR),
    ...fields,
  });
}

function finishedRun(
  tx: Tx,
  jobId: string,
  at: number,
  status: 'succeeded' | 'failed',
  cost: number,
  error?: string,
) {
  const run = tx.runs.claim({ jobId, trigger: 'schedule', scheduledFor: iso(at), status })!;
  tx.runs.update(run.id, { startedAt: iso(at), endedAt: iso(at + 95_000), error: error ?? null });
  const p = tx.processes.insert({
    runId: run.id,
    jobId,
    processType: 'execution',
    status: status === 'succeeded' ? 'completed' : 'failed',
    startTime: iso(at),
  });
  tx.processes.update(p.id, {
    endTime: iso(at + 95_000),
    exitCode: status === 'succeeded' ? 0 : 1,
    errorMessage: error ?? null,
  });
  tx.usage.insert({
    runId: run.id,
    jobId,
    sessionId: null,
    model: 'claude-sonnet-4-5',
    inputTokens: Math.round(cost * 250_000),
    outputTokens: Math.round(cost * 20_000),
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    costUsd: cost,
    costSource: 'reported',
    recordedAt: iso(at + 95_000),
  });
  return run;
}

async function main(): Promise<void> {
  fs.mkdirSync(path.dirname(dbPath!), { recursive: true });
  const db = await NightPilotDatabase.open(dbPath!);
  if (step === 'hold') {
    await db.write((tx) => {
      const docs = tx.jobs.list().find((j) => j.name === 'Docs refresh')!;
      const run = tx.runs.claim({
        jobId: docs.id,
        trigger: 'schedule',
        scheduledFor: iso(now - 10 * 60_000),
        status: 'waiting_for_limit',
      })!;
      const until = iso(now + 90 * 60_000);
      tx.runs.update(run.id, {
        startedAt: iso(now - 10 * 60_000),
        resumeAt: until,
        error: `${USAGE_LIMIT_MESSAGE} (You've hit your 5-hour limit)`,
      });
      const p = tx.processes.insert({
        runId: run.id,
        jobId: docs.id,
        processType: 'execution',
        status: 'failed',
        startTime: iso(now - 10 * 60_000),
      });
      tx.processes.update(p.id, {
        endTime: iso(now - 9 * 60_000),
        exitCode: 1,
        errorMessage: `${USAGE_LIMIT_MESSAGE} (You've hit your 5-hour limit); waiting until ${until}.`,
      });
      extendLimitHold(tx, { until, runId: run.id, jobId: docs.id, message: "You've hit your 5-hour limit" });
      // For the test that checks how the hold's end is shown.
      process.stdout.write(`${JSON.stringify({ holdUntil: until })}\n`);
    });
  } else {
    await db.write((tx) => {
      job(
        tx,
        'Nightly review',
        'Review the changes committed in the last 24 hours and list anything risky.',
        {
          options: { workingDirectory: workspace, model: 'claude-sonnet-4-5' },
        },
      );
      const broken = job(tx, 'Broken build check', 'Run the build and report what breaks.', {
        options: { workingDirectory: workspace, model: 'claude-sonnet-4-5' },
        nextRunTime: iso(now + HOUR),
      });
      finishedRun(tx, broken.id, now - 26 * HOUR, 'succeeded', 0.31);
      finishedRun(
        tx,
        broken.id,
        now - 2 * HOUR,
        'failed',
        0.12,
        'Claude exited with code 1: API Error: 500 Internal server error.',
      );
      job(tx, 'Docs refresh', "Update the docs for yesterday's changes.", {
        nextRunTime: iso(now + 5 * HOUR),
      });
      job(tx, 'Weekly refactor', 'Pick one module and simplify it.', {
        status: 'paused',
        cronExpression: '0 3 * * 6',
      });
      job(tx, 'Flaky job', 'Say hello.', {
        options: { workingDirectory: workspace, model: 'claude-sonnet-4-5' },
        nextRunTime: iso(now + 20 * HOUR),
      });
    });
  }
  db.close();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
