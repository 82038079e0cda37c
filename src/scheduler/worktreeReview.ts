// The user's decisions on a run's worktree, shared by VS Code and the CLI: merge it into its base
// branch, or discard it. Either ends with the worktree and branch removed and the row saying so;
// a conflict or a refusal changes nothing and says why.

import fs from 'node:fs';
import type { RunWorktree } from '../core/model';
import { describeWorktreeState } from '../core/runBranch';
import { PENDING_REVIEW_STATES } from '../core/model';
import type { GitDeps } from '../git/gitCommand';
import { GitError } from '../git/gitCommand';
import type { MergeResult } from '../git/merge';
import { MergeRefused, mergeBranch } from '../git/merge';
import { deleteBranch, hasUncommittedChanges, removeWorktree } from '../git/worktrees';
import type { NightPilotDatabase } from '../storage/database';

/** A review action that could not be done; nothing was changed. */
export class ReviewRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewRefused';
  }
}

function pending(db: NightPilotDatabase, runId: string): RunWorktree {
  const row = db.read((tx) => tx.worktrees.get(runId));
  if (row === undefined) throw new ReviewRefused(`run ${runId} did not run in a worktree`);
  if (!PENDING_REVIEW_STATES.includes(row.state))
    throw new ReviewRefused(
      `run ${runId}'s worktree is ${describeWorktreeState(row)}: there is nothing to review`,
    );
  return row;
}

/** What a merge did, with the row as it is afterwards. */
export interface MergedRun {
  row: RunWorktree;
  result: MergeResult;
  /** Set when the merge was done but the worktree could not be removed (locked): why. */
  leftover: string | null;
}

/**
 * Merges the run's branch into its base branch (see mergeBranch). A conflict leaves everything as
 * it was (the row says which files) and the caller opens the worktree; success removes the
 * worktree and the branch, whose commits are in the base now.
 */
export async function mergeRunWorktree(
  db: NightPilotDatabase,
  git: GitDeps,
  runId: string,
): Promise<MergedRun> {
  const row = pending(db, runId);
  if (fs.existsSync(row.path) && (await hasUncommittedChanges(git, row.path)))
    throw new ReviewRefused(
      `the worktree ${row.path} has changes that are not committed; commit them on ${row.branch} (or discard them), then merge again`,
    );
  let result: MergeResult;
  try {
    result = await mergeBranch(git, row.repository, row.branch, row.baseBranch);
  } catch (err) {
    if (err instanceof MergeRefused) throw new ReviewRefused(err.message);
    throw err;
  }
  if (result.outcome === 'conflict') {
    const updated = await db.write((tx) =>
      tx.worktrees.update(runId, {
        detail: `Merging into ${row.baseBranch} stopped on conflicts in ${result.files.join(', ')}; nothing was changed. Resolve them in the worktree (merge ${row.baseBranch} into ${row.branch} there), then merge again.`,
      }),
    );
    return { row: updated, result, leftover: null };
  }
  const how =
    result.outcome === 'fast-forward'
      ? `Fast-forwarded ${row.baseBranch} to ${result.commit.slice(0, 12)}.`
      : result.outcome === 'merge-commit'
        ? `Merged into ${row.baseBranch} with merge commit ${result.commit.slice(0, 12)}.`
        : `${row.baseBranch} already held every commit of ${row.branch}.`;
  const leftover = await removeBoth(git, row);
  const updated = await db.write((tx) =>
    tx.worktrees.update(runId, { state: 'merged', detail: leftover === null ? how : `${how} ${leftover}` }),
  );
  return { row: updated, result, leftover };
}

/** Removes the run's worktree and branch, and records it discarded. */
export async function discardRunWorktree(
  db: NightPilotDatabase,
  git: GitDeps,
  runId: string,
): Promise<RunWorktree> {
  const row = pending(db, runId);
  const leftover = await removeBoth(git, row);
  if (leftover !== null) throw new ReviewRefused(leftover);
  return db.write((tx) =>
    tx.worktrees.update(runId, {
      state: 'discarded',
      detail: `Discarded: the worktree and ${row.branch} were removed.`,
    }),
  );
}

/** Removes worktree then branch; returns why something was kept (a locked worktree), or null. */
async function removeBoth(git: GitDeps, row: RunWorktree): Promise<string | null> {
  try {
    await removeWorktree(git, row.repository, row.path);
  } catch (err) {
    if (err instanceof GitError && /locked/i.test(err.result.stderr))
      return `The worktree ${row.path} is locked (git worktree lock), so it and ${row.branch} were kept; unlock it with \`git worktree unlock ${row.path}\` and try again.`;
    throw err;
  }
  await deleteBranch(git, row.repository, row.branch, true);
  return null;
}
