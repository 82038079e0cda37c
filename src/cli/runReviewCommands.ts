// `night-pilot run diff | merge | discard` and `run list --to-review`: the morning review of the
// runs that worked in a git worktree of their own, from a terminal.

import type { RunWorktree } from '../core/model';
import { PENDING_REVIEW_STATES } from '../core/model';
import { describeWorktreeState, describeWorktreeStats } from '../core/runBranch';
import { changedFiles, streamDiff } from '../git/diff';
import type { GitDeps } from '../git/gitCommand';
import { GitError } from '../git/gitCommand';
import { branchCommit } from '../git/repository';
import { runSupervisedProcess } from '../scheduler/processSupervisor';
import { ReviewRefused, discardRunWorktree, mergeRunWorktree } from '../scheduler/worktreeReview';
import type { PositionalSpec } from './args';
import type { CommandContext } from './context';
import { CliError, ExitCode, UsageError } from './exitCodes';
import type { CommandSpec } from './registry';
import { resolveRun } from './runDetail';
import { formatInZone, table } from './textOutput';

const RUN_ID: PositionalSpec = {
  name: 'RUN_ID',
  description: 'The run: its id or a unique prefix of it of at least 4 characters.',
};

function cliGit(ctx: CommandContext): GitDeps {
  return { runner: runSupervisedProcess, gitPath: 'git', env: ctx.io.env };
}

/** The worktree row of the run `reference` names; a run without one is a usage error. */
async function worktreeOf(ctx: CommandContext, reference: string): Promise<RunWorktree> {
  return ctx.store.read((tx) => {
    // A run pruned by retention, or of a deleted job, is still found by its worktree.
    const orphans =
      tx.runs.resolve(reference.trim()).length === 0 ? tx.worktrees.resolve(reference.trim()) : [];
    if (orphans.length === 1) return orphans[0]!;
    const run = resolveRun(tx, reference);
    const row = tx.worktrees.get(run.id);
    if (row === undefined)
      throw new UsageError(`run ${run.id} did not run in a worktree (its job's isolation was none)`);
    return row;
  });
}

/** The runs waiting for review, newest first (`run list --to-review`). */
export async function listToReview(
  ctx: CommandContext,
  jobId: string | undefined,
  limit: number,
): Promise<void> {
  const rows = await ctx.store.read((tx) => tx.worktrees.list(PENDING_REVIEW_STATES, jobId).slice(0, limit));
  ctx.print(rows, () =>
    rows.length === 0
      ? 'No runs to review.'
      : table(
          ['RUN', 'JOB', 'BRANCH', 'CHANGES', 'STARTED', 'NOTE'],
          rows.map((r) => [
            r.runId.slice(0, 8),
            r.jobName,
            r.branch,
            r.stats === null
              ? r.state === 'failed'
                ? 'not committed'
                : '-'
              : describeWorktreeStats(r.stats),
            formatInZone(r.createdAt, 'UTC'),
            r.state === 'failed' ? (r.detail ?? 'failed') : '',
          ]),
        ),
  );
}

const diff: CommandSpec = {
  path: ['run', 'diff'],
  summary: "Print what a worktree run changed: git's diff from its base commit to its branch.",
  positionals: [RUN_ID],
  options: [{ name: 'stat', description: 'Only the files changed and their line counts (git diff --stat).' }],
  examples: [
    'night-pilot run diff c0ffee00',
    'night-pilot run diff c0ff --stat',
    'night-pilot --json run diff c0ff',
  ],
  async run(ctx, args) {
    const row = await worktreeOf(ctx, args.positionals[0]!);
    const git = cliGit(ctx);
    // The branch as it is now (the user may have committed in the worktree), else as recorded.
    const live = await branchCommit(git, row.repository, row.branch).catch(() => null);
    const head = live ?? row.headCommit;
    if (head === null)
      throw new CliError(
        `run ${row.runId}'s worktree is ${describeWorktreeState(row)}: it has no commits to show`,
        ExitCode.failure,
      );
    try {
      if (ctx.globals.json) {
        const files = await changedFiles(git, row.repository, row.baseCommit, head);
        ctx.print({ ...row, headCommit: head, files }, () => '');
        return;
      }
      await streamDiff(git, row.repository, row.baseCommit, head, {
        stat: args.flag('stat'),
        onLine: (line) => ctx.io.stdout(`${line}\n`),
      });
    } catch (err) {
      if (err instanceof GitError)
        throw new CliError(
          `the diff of run ${row.runId} could not be read from ${row.repository}: ${err.message}`,
          ExitCode.failure,
        );
      throw err;
    }
  },
};

const merge: CommandSpec = {
  path: ['run', 'merge'],
  summary: "Merge a worktree run's branch into its base branch, then remove its worktree and branch.",
  description:
    'A fast-forward when the base branch has not moved since the run, else a merge commit. Conflicts stop the merge ' +
    'before anything changes (exit 1): resolve them in the worktree it prints, then merge again. Your working tree ' +
    'is only ever fast-forwarded, and git refuses when your uncommitted changes are in the way.',
  positionals: [RUN_ID],
  examples: ['night-pilot run merge c0ffee00'],
  async run(ctx, args) {
    const row = await worktreeOf(ctx, args.positionals[0]!);
    const db = await ctx.store.open();
    let merged;
    try {
      merged = await mergeRunWorktree(db, cliGit(ctx), row.runId);
    } catch (err) {
      if (err instanceof ReviewRefused || err instanceof GitError)
        throw new CliError(`run merge: ${err.message}`, ExitCode.failure);
      throw err;
    }
    const { result } = merged;
    if (result.outcome === 'conflict') {
      ctx.print(merged.row, () => `${merged.row.detail ?? ''}\nWorktree: ${row.path}`);
      throw new CliError(
        `run merge: conflicts in ${result.files.join(', ')}; nothing was changed`,
        ExitCode.failure,
      );
    }
    ctx.print(merged.row, () => merged.row.detail ?? 'Merged.');
  },
};

const discard: CommandSpec = {
  path: ['run', 'discard'],
  summary: "Throw away a worktree run's changes: remove its worktree and its branch.",
  positionals: [RUN_ID],
  options: [{ name: 'yes', description: 'Required: confirms that the changes are to be thrown away.' }],
  examples: ['night-pilot run discard c0ffee00 --yes'],
  async run(ctx, args) {
    const row = await worktreeOf(ctx, args.positionals[0]!);
    if (!args.flag('yes'))
      throw new UsageError(
        `run discard removes ${row.path} and the branch ${row.branch} with their changes; add --yes to confirm`,
      );
    const db = await ctx.store.open();
    try {
      const done = await discardRunWorktree(db, cliGit(ctx), row.runId);
      ctx.print(done, () => done.detail ?? 'Discarded.');
    } catch (err) {
      if (err instanceof ReviewRefused || err instanceof GitError)
        throw new CliError(`run discard: ${err.message}`, ExitCode.failure);
      throw err;
    }
  },
};

/** The review commands, in the order help lists them. */
export const RUN_REVIEW_COMMANDS: readonly CommandSpec[] = [diff, merge, discard];
