// Writes the jobs and runs the Jobs view bench shows, through NightPilotDatabase (one transaction per
// 2,500 runs): `jobs` jobs, `runs` runs spread over them (succeeded, failed, cancelled, every tenth
// with a phase row and every run with a usage record) over the last 29 days.
//   node --import tsx bench/jobsViewSeed.ts <database file> <jobs> <runs>
import fs from 'node:fs';
import path from 'node:path';
import type { RunStatus } from '../src/core/model';
import { NightPilotDatabase } from '../src/storage/database';

const [file, jobsArg, runsArg] = process.argv.slice(2);
const JOBS = Number(jobsArg);
const RUNS = Number(runsArg);
if (!file || !(JOBS > 0) || !(RUNS >= 0))
  throw new Error('usage: jobsViewSeed.ts <database file> <jobs> <runs>');

const OUTCOMES: RunStatus[] = ['succeeded', 'succeeded', 'succeeded', 'failed', 'cancelled'];

async function main(): Promise<void> {
  fs.mkdirSync(path.dirname(file!), { recursive: true });
  const db = await NightPilotDatabase.open(file!);
  // Within the last 29 days: retention (30 days by default) must not prune them at the first start.
  const span = 29 * 86_400_000;
  const start = Date.now() - span;
  const jobIds = await db.write((tx) =>
    Array.from({ length: JOBS }, (_, i) => {
      const prompt = tx.prompts.insert({ title: `Prompt ${i}`, content: `Do task number ${i}.` });
      return tx.jobs.insert({
        name: `Job ${String(i).padStart(4, '0')}`,
        promptId: prompt.id,
        cronExpression: `${i % 60} ${i % 24} * * *`,
        timezone: 'UTC',
        status: i % 7 === 0 ? 'paused' : 'active',
        nextRunTime: new Date(Date.UTC(2099, 0, 1, i % 24, i % 60)).toISOString(),
        options: { model: 'claude-sonnet-4-5', workingDirectory: `/srv/repos/project-${i % 13}` },
      }).id;
    }),
  );
  for (let from = 0; from < RUNS; from += 2_500) {
    await db.write((tx) => {
      for (let i = from; i < Math.min(RUNS, from + 2_500); i++) {
        const jobId = jobIds[i % JOBS]!;
        const at = new Date(start + Math.floor((i * span) / Math.max(1, RUNS))).toISOString();
        const status = OUTCOMES[i % OUTCOMES.length]!;
        const run = tx.runs.claim({
          jobId,
          trigger: 'schedule',
          scheduledFor: at,
          status,
          startedAt: at,
          endedAt: at,
        })!;
        if (i % 10 === 0)
          tx.processes.insert({
            runId: run.id,
            jobId,
            processType: 'execution',
            status: 'completed',
            startTime: at,
          });
        tx.usage.insert({
          runId: run.id,
          jobId,
          sessionId: null,
          model: 'claude-sonnet-4-5',
          inputTokens: 1_000 + (i % 900),
          outputTokens: 200 + (i % 300),
          cacheCreationTokens: 0,
          cacheReadTokens: 10_000,
          costUsd: 0.01 + (i % 50) / 1_000,
          costSource: 'reported',
          recordedAt: at,
        });
      }
    });
  }
  db.close();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
