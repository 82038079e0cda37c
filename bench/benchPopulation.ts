// The history the storage and scheduler benches measure against: jobs, and finished runs with
// their phases and usage, written through the repositories as the executor writes them.

import crypto from 'node:crypto';
import path from 'node:path';
import type { ProcessType } from '../src/core/model';
import type { NightPilotDatabase, Tx } from '../src/storage/database';

export const BENCH_JOBS = 50;
/** Runs inserted per write transaction while populating. */
const RUNS_PER_BATCH = 2_500;
const PHASES: ProcessType[] = ['setup', 'execution', 'cleanup'];

/** About 200 bytes of the kind of text Claude ends a run with. */
function outputTail(runIndex: number, phase: ProcessType): string {
  const text =
    `[${phase}] run ${runIndex}: updated src/feature${runIndex % 97}.ts and test/feature${runIndex % 97}.test.ts; ` +
    `all 42 tests pass. Summary: refactored the parser, fixed the off-by-one in the range check, ` +
    `session ${crypto.randomUUID()}.`;
  return text.padEnd(200, '.').slice(0, 200);
}

/** Inside a write: `count` finished runs (from number `from`), each with 3 phases and a usage record. */
export function addRuns(tx: Tx, dir: string, jobIds: string[], from: number, count: number): void {
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = from; i < from + count; i++) {
    const jobId = jobIds[i % jobIds.length]!;
    const at = new Date(base + i * 60_000);
    const end = new Date(at.getTime() + 45_000).toISOString();
    const sessionId = crypto.randomUUID();
    const run = tx.runs.claim({
      jobId,
      trigger: 'schedule',
      scheduledFor: at.toISOString(),
      status: 'succeeded',
      owner: 'bench',
      startedAt: at.toISOString(),
      endedAt: end,
      heartbeatAt: end,
      sessionId,
    })!;
    for (const processType of PHASES) {
      const p = tx.processes.insert({
        runId: run.id,
        jobId,
        processType,
        status: 'running',
        startTime: at.toISOString(),
        logFile: path.join(dir, 'logs', jobId, run.id, `${processType}.log`),
      });
      tx.processes.update(p.id, {
        status: 'completed',
        endTime: end,
        exitCode: 0,
        outputTail: outputTail(i, processType),
      });
    }
    tx.usage.insert({
      runId: run.id,
      jobId,
      sessionId,
      model: 'claude-sonnet-4-5-20250929',
      inputTokens: 1_200 + (i % 500),
      outputTokens: 800 + (i % 300),
      cacheCreationTokens: 5_000,
      cacheReadTokens: 20_000 + i,
      costUsd: 0.0123,
      costSource: 'reported',
      recordedAt: end,
    });
  }
}

/** `count` jobs, each with its prompt, none due in the bench's lifetime. */
export async function createJobs(db: NightPilotDatabase, count = BENCH_JOBS): Promise<string[]> {
  return db.write((tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const prompt = tx.prompts.insert({
        title: `Prompt ${i}`,
        content: `Review the open pull requests, batch ${i}.`,
      });
      const job = tx.jobs.insert({
        name: `Nightly job ${i}`,
        promptId: prompt.id,
        cronExpression: `${i % 60} 2 * * *`,
        timezone: 'UTC',
        nextRunTime: '2027-01-01T02:00:00.000Z',
      });
      ids.push(job.id);
    }
    return ids;
  });
}

/**
 * Adds runs until `stored` reaches `target`, then folds the page log into the file, as a database
 * that has lived for a while looks (the history in the file, a short log over it).
 */
export async function populateRuns(
  db: NightPilotDatabase,
  jobIds: string[],
  stored: number,
  target: number,
): Promise<number> {
  const dir = path.dirname(db.path);
  while (stored < target) {
    const count = Math.min(RUNS_PER_BATCH, target - stored);
    const from = stored;
    await db.write((tx) => addRuns(tx, dir, jobIds, from, count));
    stored += count;
  }
  await db.checkpoint();
  return stored;
}
