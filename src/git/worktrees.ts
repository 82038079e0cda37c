// The git side of a worktree run: make the worktree and its branch, commit what the run left,
// measure what it changed, and take the worktree and branch away again.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorktreeStats } from '../core/model';
import type { GitCallOptions, GitDeps, GitResult } from './gitCommand';
import { GitError, git, runGit } from './gitCommand';

/**
 * Night Pilot's own commands (the worktree's checkout, the run's commit, removals) run no hooks:
 * a `post-checkout` that installs dependencies or a `pre-commit` that lints would make an
 * unattended run wait or fail for reasons of the user's interactive setup. The user's own
 * merges (Merge into <base>) run theirs. A path that is not a folder has no hooks in it.
 */
export const NO_HOOKS: readonly string[] = ['-c', `core.hooksPath=${path.join(os.devNull, 'no-hooks')}`];

/** Used when the repository names no author (`user.name` / `user.email`), so the work is still committed. */
const FALLBACK_IDENTITY = ['-c', 'user.name=Night Pilot', '-c', 'user.email=night-pilot@localhost'];

type Call = Omit<GitCallOptions, 'cwd' | 'onLine'>;

/** `git worktree add -b <branch> <path> <base commit>`, run in the repository. */
export async function addWorktree(
  deps: GitDeps,
  repository: string,
  target: { path: string; branch: string; baseCommit: string },
  call: Call = {},
): Promise<void> {
  fs.mkdirSync(path.dirname(target.path), { recursive: true });
  await git(
    deps,
    [...NO_HOOKS, 'worktree', 'add', '--quiet', '-b', target.branch, target.path, target.baseCommit],
    { ...call, cwd: repository },
  );
}

/** Initialises the submodules of a fresh worktree (nothing when the repository has none). */
export async function initSubmodules(deps: GitDeps, worktree: string, call: Call = {}): Promise<boolean> {
  if (!fs.existsSync(path.join(worktree, '.gitmodules'))) return false;
  await git(deps, [...NO_HOOKS, 'submodule', 'update', '--init', '--recursive'], { ...call, cwd: worktree });
  return true;
}

/** Whether the worktree has anything not committed (untracked files included, ignored ones not). */
export async function hasUncommittedChanges(
  deps: GitDeps,
  worktree: string,
  call: Call = {},
): Promise<boolean> {
  const out = await git(deps, ['status', '--porcelain', '--ignore-submodules=none'], {
    ...call,
    cwd: worktree,
  });
  return out.trim() !== '';
}

/**
 * Commits everything the worktree holds beyond its HEAD (new, changed and deleted files; ignored
 * ones stay out) with `message`, authored as the repository's configuration says (or as Night
 * Pilot when it says nothing). Returns whether there was anything to commit.
 */
export async function commitAll(
  deps: GitDeps,
  worktree: string,
  message: string,
  call: Call = {},
): Promise<boolean> {
  await git(deps, [...NO_HOOKS, 'add', '--all', '--', '.'], { ...call, cwd: worktree });
  const staged = await runGit(deps, ['diff', '--cached', '--quiet', '--no-ext-diff'], {
    ...call,
    cwd: worktree,
  });
  if (staged.code === 0) return false;
  if (staged.code !== 1) throw new GitError(['diff', '--cached'], staged);
  // Never signed: an unattended run cannot answer a passphrase prompt.
  const commit = ['commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', message];
  const first = await runGit(deps, [...NO_HOOKS, ...commit], { ...call, cwd: worktree });
  if (first.code === 0) return true;
  if (!unknownIdentity(first)) throw new GitError(commit, first);
  await git(deps, [...NO_HOOKS, ...FALLBACK_IDENTITY, ...commit], { ...call, cwd: worktree });
  return true;
}

/** Git refused because it does not know who the author is. */
export function unknownIdentity(result: GitResult): boolean {
  return /tell me who you are|unable to auto-detect email|empty ident name/i.test(result.stderr);
}

/** What `head` changed since `base`: commits, files, lines added and removed. */
export async function diffStats(
  deps: GitDeps,
  cwd: string,
  base: string,
  head: string,
  call: Call = {},
): Promise<WorktreeStats> {
  const count = await git(deps, ['rev-list', '--count', `${base}..${head}`], { ...call, cwd });
  const numstat = await git(deps, ['diff', '--numstat', '--no-ext-diff', '--no-renames', base, head], {
    ...call,
    cwd,
  });
  let filesChanged = 0;
  let insertions = 0;
  let deletions = 0;
  for (const line of numstat.split('\n')) {
    const [added, removed] = line.split('\t');
    if (added === undefined || removed === undefined) continue;
    filesChanged++;
    // Binary files show "-": they count as a changed file with no lines.
    if (added !== '-') insertions += Number(added);
    if (removed !== '-') deletions += Number(removed);
  }
  return { commitCount: Number(count.trim()), filesChanged, insertions, deletions };
}

/** The commit the worktree's HEAD is at. */
export async function headOf(deps: GitDeps, worktree: string, call: Call = {}): Promise<string> {
  return (await git(deps, ['rev-parse', 'HEAD'], { ...call, cwd: worktree })).trim();
}

/**
 * Removes a worktree of ours (whatever it holds: the caller decided it may go), then prunes git's
 * record of it; a folder already gone is only pruned. A locked worktree is refused (GitError):
 * someone asked git to keep it.
 */
export async function removeWorktree(
  deps: GitDeps,
  repository: string,
  worktree: string,
  call: Call = {},
): Promise<void> {
  if (fs.existsSync(worktree)) {
    const result = await runGit(deps, [...NO_HOOKS, 'worktree', 'remove', '--force', worktree], {
      ...call,
      cwd: repository,
    });
    if (result.code !== 0) {
      if (/locked/i.test(result.stderr)) throw new GitError(['worktree', 'remove'], result);
      // Not a worktree git knows (its record was pruned): the folder is ours alone, by its name.
      if (!/is not a working tree/i.test(result.stderr)) throw new GitError(['worktree', 'remove'], result);
      fs.rmSync(worktree, { recursive: true, force: true });
    }
  }
  await git(deps, ['worktree', 'prune'], { ...call, cwd: repository });
}

/** Deletes a branch; `force` also when its commits are merged nowhere. Absent already: nothing. */
export async function deleteBranch(
  deps: GitDeps,
  repository: string,
  branch: string,
  force: boolean,
  call: Call = {},
): Promise<void> {
  const result = await runGit(deps, [...NO_HOOKS, 'branch', force ? '-D' : '-d', '--', branch], {
    ...call,
    cwd: repository,
  });
  if (result.code === 0 || /not found/i.test(result.stderr)) return;
  throw new GitError(['branch', force ? '-D' : '-d'], result);
}
