// What both worktree seeds (seedReview.ts, seedWorktrees.ts) start from: a folder made a git
// repository with a test identity and one commit, and a job of it that runs in worktrees, with the
// executor's own worktree code ready to make and settle its runs.
import { execFileSync } from 'node:child_process';
import type { Job, Run } from '../../src/core/model';
import type { WorktreeWork } from '../../src/scheduler/worktreeRun';
import { runSupervisedProcess } from '../../src/scheduler/processSupervisor';
import type { NightPilotDatabase } from '../../src/storage/database';

export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** `git init` on `main` with the test identity, and everything in the folder committed. */
export function initRepository(repo: string): void {
  gitIn(repo, 'init', '--quiet', '-b', 'main');
  gitIn(repo, 'config', 'user.name', 'Ada Tester');
  gitIn(repo, 'config', 'user.email', 'ada@example.com');
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '--quiet', '-m', 'initial');
}

/** A daily job of `repo` whose runs work in worktrees, and what the worktree code needs to run it. */
export async function insertWorktreeJob(
  db: NightPilotDatabase,
  repo: string,
  name: string,
  prompt: string,
): Promise<{ job: Job; work: WorktreeWork }> {
  const job = await db.write((tx) =>
    tx.jobs.insert({
      name,
      promptId: tx.prompts.insert({ title: name, content: prompt }).id,
      cronExpression: '0 2 * * *',
      timezone: 'UTC',
      nextRunTime: new Date(Date.now() + 12 * 3_600_000).toISOString(),
      options: { workingDirectory: repo, isolation: 'worktree', permissionMode: 'acceptEdits' },
    }),
  );
  const work: WorktreeWork = {
    git: { runner: runSupervisedProcess, gitPath: 'git', env: process.env },
    owner: 'seed',
    write: (fn) => db.write(fn),
  };
  return { job, work };
}

/** A scheduled run of `job` at `at`, running under the seeds' owner, as the queue would start it. */
export function startSeedRun(db: NightPilotDatabase, job: Job, at: string): Promise<Run> {
  return db.write((tx) => {
    const claimed = tx.runs.claim({
      jobId: job.id,
      trigger: 'schedule',
      scheduledFor: at,
      status: 'queued',
    })!;
    return tx.runs.update(claimed.id, { status: 'running', startedAt: at, owner: 'seed' });
  });
}
