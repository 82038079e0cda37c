// Worktree benchmark (run by `npm run bench`; see bench/README.md). Prints figures, asserts nothing.
//
// A repository of 10,000 committed files. Set-up: what delays a worktree run's first phase, as the
// executor does it (openRunWorktree: look at the repository, the base branch and the free branch
// name, record the row, `git worktree add`, submodules, record it active), beside git's own
// `git worktree add -b` of the same commit. Tear-down: what follows a run that changed nothing
// (settleRunWorktree: commit what is there, find nothing, remove worktree and branch, record it),
// beside git's own `git add -A`, `git diff --cached --quiet`, `git worktree remove`, `git branch -D`.
// Ours and git's alternate, each on a fresh worktree; medians, and the ratio and the difference.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Job, Run } from '../src/core/model';
import { DEFAULT_EXECUTION_OPTIONS } from '../src/core/model';
import type { GitDeps } from '../src/git/gitCommand';
import { runSupervisedProcess } from '../src/scheduler/processSupervisor';
import type { WorktreeWork } from '../src/scheduler/worktreeRun';
import { openRunWorktree, settleRunWorktree } from '../src/scheduler/worktreeRun';
import { NightPilotDatabase } from '../src/storage/database';
import { QUICK, percentile } from './benchSupport';

const FILES = 10_000;
const ROUNDS = QUICK ? 4 : 10;
/** The set-up may add at most this to git's own time (the lookups and two small writes). */
const TARGET_RATIO = 1.5;

const ms = (v: number): string => `${v.toFixed(0)} ms`.padStart(8);
const env = { ...process.env, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function makeRepository(dir: string): string {
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(repo, { recursive: true });
  git(repo, 'init', '--quiet', '-b', 'main');
  git(repo, 'config', 'user.name', 'Bench');
  git(repo, 'config', 'user.email', 'bench@example.com');
  for (let d = 0; d < FILES / 100; d++) {
    const folder = path.join(repo, `src${d}`);
    fs.mkdirSync(folder);
    for (let f = 0; f < 100; f++)
      fs.writeFileSync(
        path.join(folder, `file${f}.ts`),
        `export const v${d}_${f} = ${d * 100 + f};\n`.repeat(8),
      );
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'ten thousand files');
  return repo;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(
    path.join(process.env.NIGHT_PILOT_BENCH_DIR ?? os.tmpdir(), 'np-bench-worktree-'),
  );
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const t0 = performance.now();
    const repo = makeRepository(dir);
    const base = git(repo, 'rev-parse', 'main');
    console.log(
      `  repository: ${FILES} files, made in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${ROUNDS} rounds, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const db = await NightPilotDatabase.open(path.join(dir, 'night-pilot.db'));
    const gitDeps: GitDeps = { runner: runSupervisedProcess, gitPath: 'git', env };
    const job: Job = await db.write((tx) => {
      const prompt = tx.prompts.insert({ title: 'bench', content: 'bench' });
      return tx.jobs.insert({
        name: 'Bench',
        promptId: prompt.id,
        cronExpression: '0 2 * * *',
        timezone: 'UTC',
        options: { workingDirectory: repo, isolation: 'worktree' },
      });
    });
    const owner = 'bench';
    const work: WorktreeWork = { git: gitDeps, owner, write: (fn) => db.write(fn) };
    const samples = {
      oursUp: [] as number[],
      gitUp: [] as number[],
      oursDown: [] as number[],
      gitDown: [] as number[],
    };

    for (let round = 0; round < ROUNDS + 1; round++) {
      const warm = round === 0;
      // Ours: the executor's set-up and the no-changes tear-down.
      const run: Run = await db.write((tx) =>
        tx.runs.claim({
          jobId: job.id,
          trigger: 'manual',
          scheduledFor: new Date(Date.UTC(2026, 10, 27, 2, round)).toISOString(),
          status: 'queued',
        })!,
      );
      let start = performance.now();
      const opened = await openRunWorktree(work, db.path, run, job, {
        ...DEFAULT_EXECUTION_OPTIONS,
        ...job.options,
      });
      const up = performance.now() - start;
      if (!opened.ok) throw new Error(opened.message);
      start = performance.now();
      const settled = await settleRunWorktree(work, opened.worktree, 'bench', { states: ['active'], owner });
      const down = performance.now() - start;
      if (settled.worktree?.state !== 'no_changes') throw new Error(`not removed: ${settled.summary}`);

      // Git's own: the same commands, nothing around them.
      const target = path.join(dir, 'plain', String(round));
      const branch = `plain/${round}`;
      start = performance.now();
      git(repo, 'worktree', 'add', '--quiet', '-b', branch, target, base);
      const gitUp = performance.now() - start;
      start = performance.now();
      git(target, 'add', '-A');
      git(target, 'diff', '--cached', '--quiet');
      git(repo, 'worktree', 'remove', '--force', target);
      git(repo, 'branch', '-D', branch);
      const gitDown = performance.now() - start;
      if (warm) continue;
      samples.oursUp.push(up);
      samples.gitUp.push(gitUp);
      samples.oursDown.push(down);
      samples.gitDown.push(gitDown);
    }
    db.close();

    const med = (xs: number[]) => percentile(xs, 50);
    const row = (label: string, ours: number[], theirs: number[]) =>
      console.log(
        `  ${label.padEnd(10)} ours ${ms(med(ours))}  git ${ms(med(theirs))}  ratio ${(med(ours) / med(theirs)).toFixed(2)}  difference ${ms(med(ours) - med(theirs))}  (p90 ours ${ms(percentile(ours, 90))}, git ${ms(percentile(theirs, 90))})`,
      );
    row('set-up', samples.oursUp, samples.gitUp);
    row('tear-down', samples.oursDown, samples.gitDown);
    const ratio = med(samples.oursUp) / med(samples.gitUp);
    console.log(
      `  target set-up ours <= ${TARGET_RATIO} x git's own worktree add (median): ${ratio.toFixed(2)} ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'}`,
    );
  } finally {
    cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
