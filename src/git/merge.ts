// Merging a run's branch into its base without ever leaving the user's working tree half-merged:
// the result is computed first without touching any working tree (a fast-forward, or a merge
// commit made from `git merge-tree`), and only a conflict-free result is applied, by a
// fast-forward of the base branch (`merge --ff-only` where it is checked out, else a
// compare-and-set of its ref).

import type { GitDeps } from './gitCommand';
import { GitError, git, gitMessage, runGit } from './gitCommand';
import { branchCommit, listWorktrees } from './repository';
import { unknownIdentity } from './worktrees';

export type MergeResult =
  | { outcome: 'fast-forward'; commit: string }
  | { outcome: 'merge-commit'; commit: string }
  | { outcome: 'conflict'; files: string[] }
  /** The base already holds every commit of the branch. */
  | { outcome: 'up-to-date'; commit: string };

/** A merge that could not be done, with the sentence that says why; nothing was changed. */
export class MergeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeRefused';
  }
}

const FALLBACK_IDENTITY = ['-c', 'user.name=Night Pilot', '-c', 'user.email=night-pilot@localhost'];

/** Whether `ancestor` is an ancestor of (or equal to) `commit`. */
export async function isAncestor(
  deps: GitDeps,
  cwd: string,
  ancestor: string,
  commit: string,
): Promise<boolean> {
  const result = await runGit(deps, ['merge-base', '--is-ancestor', ancestor, commit], {
    cwd,
    timeoutMs: 120_000,
  });
  if (result.code === 0) return true;
  if (result.code === 1) return false;
  throw new GitError(['merge-base', '--is-ancestor'], result);
}

/**
 * Merges `branch` into `base` in `repository`: a fast-forward when the base has not moved, else a
 * merge commit; a conflict changes nothing and names the files.
 */
export async function mergeBranch(
  deps: GitDeps,
  repository: string,
  branch: string,
  base: string,
  logFile?: string,
): Promise<MergeResult> {
  const call = { cwd: repository, timeoutMs: 600_000, logFile };
  const head = await branchCommit(deps, repository, branch);
  if (head === null) throw new MergeRefused(`the run's branch ${branch} no longer exists`);
  const baseHead = await branchCommit(deps, repository, base);
  if (baseHead === null) throw new MergeRefused(`the base branch ${base} no longer exists in ${repository}`);
  if (await isAncestor(deps, repository, head, baseHead)) return { outcome: 'up-to-date', commit: baseHead };
  let target = head;
  let outcome: 'fast-forward' | 'merge-commit' = 'fast-forward';
  if (!(await isAncestor(deps, repository, baseHead, head))) {
    const merged = await runGit(
      deps,
      ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', baseHead, head],
      call,
    );
    if (merged.code === 1) {
      const [, ...files] = merged.stdout.split('\0').filter((f) => f !== '');
      return { outcome: 'conflict', files: [...new Set(files)] };
    }
    if (merged.code !== 0) throw new GitError(['merge-tree'], merged);
    const tree = merged.stdout.split('\0')[0]!.trim();
    const message = `Merge branch '${branch}' into ${base}`;
    const commitTree = ['commit-tree', '--no-gpg-sign', tree, '-p', baseHead, '-p', head, '-m', message];
    const made = await runGit(deps, commitTree, call);
    if (made.code === 0) target = made.stdout.trim();
    else if (unknownIdentity(made))
      target = (await git(deps, [...FALLBACK_IDENTITY, ...commitTree], call)).trim();
    else throw new GitError(['commit-tree'], made);
    outcome = 'merge-commit';
  }
  await advanceBranch(deps, repository, base, baseHead, target, logFile);
  return { outcome, commit: target };
}

/**
 * Moves `base` from `from` to `to` (a descendant). Where it is checked out, that working tree is
 * fast-forwarded by git itself, which refuses, changing nothing, when the user's uncommitted
 * changes are in the way; elsewhere only the ref moves, and only if it is still at `from`.
 */
async function advanceBranch(
  deps: GitDeps,
  repository: string,
  base: string,
  from: string,
  to: string,
  logFile?: string,
): Promise<void> {
  const checkedOut = (await listWorktrees(deps, repository)).find((w) => w.branch === base && !w.bare);
  if (checkedOut === undefined) {
    const moved = await runGit(
      deps,
      ['update-ref', '-m', `night-pilot: merge into ${base}`, `refs/heads/${base}`, to, from],
      {
        cwd: repository,
        timeoutMs: 60_000,
        logFile,
      },
    );
    if (moved.code !== 0)
      throw new MergeRefused(
        `${base} moved while merging (${gitMessage(moved)}); nothing was changed, merge again`,
      );
    return;
  }
  const result = await runGit(deps, ['merge', '--ff-only', '--no-edit', to], {
    cwd: checkedOut.path,
    timeoutMs: 600_000,
    logFile,
  });
  if (result.code === 0) return;
  const said = `${result.stderr}\n${result.stdout}`;
  if (/would be overwritten|untracked working tree files|local changes/i.test(said))
    throw new MergeRefused(
      `your uncommitted changes in ${checkedOut.path} touch files the run changed; commit or stash them, then merge again (nothing was changed)`,
    );
  if (result.failure === null && /not possible to fast-forward|diverging/i.test(said))
    throw new MergeRefused(`${base} moved while merging; nothing was changed, merge again`);
  throw new MergeRefused(
    `git could not update ${checkedOut.path}: ${gitMessage(result) || `exit ${result.code ?? '?'}`}`,
  );
}
