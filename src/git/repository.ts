// What Night Pilot needs to know about the repository a job works in: where its top level is,
// which branch is checked out, what a branch points at, and which branches exist.

import fs from 'node:fs';
import path from 'node:path';
import type { GitDeps, GitResult } from './gitCommand';
import { GitError, git, gitMessage, runGit } from './gitCommand';

/** A working tree of a repository, as Night Pilot uses it. */
export interface RepositoryInfo {
  /** The top-level folder of the working tree the job's folder is in. */
  topLevel: string;
  /** The repository's common git folder (shared by all its worktrees). */
  commonDir: string;
  /** The branch checked out there, or null on a detached HEAD. */
  currentBranch: string | null;
  /** The job's folder relative to `topLevel` ('' when it is the top level), with `/`. */
  subfolder: string;
}

/** Why a folder cannot host worktree runs. */
export type RepositoryProblem =
  | { problem: 'missingFolder'; folder: string }
  | { problem: 'notRepository'; folder: string }
  | { problem: 'bare'; folder: string }
  | { problem: 'noCommits'; folder: string }
  | { problem: 'git'; folder: string; message: string }
  | { problem: 'detached'; folder: string }
  | { problem: 'noBaseBranch'; folder: string; branch: string };

/** The English sentence for a problem (CLI, run errors; VS Code words them itself). */
export function describeRepositoryProblem(p: RepositoryProblem): string {
  switch (p.problem) {
    case 'missingFolder':
      return `${p.folder} does not exist`;
    case 'notRepository':
      return `${p.folder} is not in a git repository (worktree isolation needs one: run \`git init\` there, or use isolation none)`;
    case 'bare':
      return `${p.folder} is a bare git repository, which has no working tree to branch from`;
    case 'noCommits':
      return `the git repository at ${p.folder} has no commits yet; commit something first, a worktree starts from a commit`;
    case 'git':
      return `git could not read the repository at ${p.folder}: ${p.message}`;
    case 'detached':
      return `the repository at ${p.folder} is on a detached HEAD, so it has no current branch for worktree runs to start from; check out a branch there, or give the job a base branch`;
    case 'noBaseBranch':
      return `the repository at ${p.folder} has no branch "${p.branch}"`;
  }
}

/** The repository of `folder` and its current branch, or why worktree runs cannot work there. */
export async function inspectRepository(
  deps: GitDeps,
  folder: string,
): Promise<RepositoryInfo | RepositoryProblem> {
  if (!isFolder(folder)) return { problem: 'missingFolder', folder };
  const probe = await runGit(deps, ['rev-parse', '--show-toplevel', '--git-common-dir'], {
    cwd: folder,
    timeoutMs: 60_000,
  });
  if (probe.code !== 0) return classify(folder, probe);
  const [topLevel, common] = probe.stdout.split('\n');
  if (!topLevel || !common) return { problem: 'git', folder, message: 'rev-parse printed nothing' };
  // Relative to the folder git ran in, before git 2.31's --path-format.
  const commonDir = path.resolve(folder, common);
  const head = await runGit(deps, ['symbolic-ref', '--quiet', 'HEAD'], { cwd: folder, timeoutMs: 60_000 });
  const ref = head.code === 0 ? head.stdout.trim() : null;
  const currentBranch = ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
  if (currentBranch !== null && (await branchCommit(deps, topLevel, currentBranch)) === null)
    return { problem: 'noCommits', folder };
  const relative = path.relative(fs.realpathSync(topLevel), fs.realpathSync(folder));
  return {
    topLevel,
    commonDir,
    currentBranch,
    subfolder: relative.split(path.sep).join('/'),
  };
}

/**
 * Whether worktree runs can work in `folder` from `baseBranch` (null: the current branch): the
 * check made when a job with worktree isolation is saved. Null when they can.
 */
export async function checkWorktreeFolder(
  deps: GitDeps,
  folder: string,
  baseBranch: string | null,
): Promise<RepositoryProblem | null> {
  const repo = await inspectRepository(deps, folder);
  if ('problem' in repo) return repo;
  if (baseBranch === null) return repo.currentBranch === null ? { problem: 'detached', folder } : null;
  return (await branchCommit(deps, repo.topLevel, baseBranch)) === null
    ? { problem: 'noBaseBranch', folder: repo.topLevel, branch: baseBranch }
    : null;
}

function classify(folder: string, result: GitResult): RepositoryProblem {
  if (result.failure !== null) return { problem: 'git', folder, message: result.failure };
  const said = gitMessage(result);
  if (/not a git repository/i.test(said)) return { problem: 'notRepository', folder };
  if (/must be run in a work tree/i.test(said)) return { problem: 'bare', folder };
  return { problem: 'git', folder, message: said || `exit ${result.code ?? '?'}` };
}

function isFolder(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/** The commit `refs/heads/<branch>` points at, or null when there is no such branch. */
export async function branchCommit(deps: GitDeps, cwd: string, branch: string): Promise<string | null> {
  const result = await runGit(deps, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], {
    cwd,
    timeoutMs: 60_000,
  });
  if (result.code === 0) return result.stdout.trim();
  if (result.code === 1) return null;
  throw new GitError(['rev-parse', '--verify'], result);
}

/**
 * Branch names (without `refs/heads/`) at or under each of `prefixes` (a name matches its own
 * prefix, and anything below `<prefix>/`), with the commits they point at.
 */
export async function listBranches(
  deps: GitDeps,
  cwd: string,
  prefixes: readonly string[],
): Promise<Map<string, string>> {
  const out = await git(
    deps,
    ['for-each-ref', '--format=%(objectname) %(refname)', ...prefixes.map((p) => `refs/heads/${p}`)],
    { cwd, timeoutMs: 60_000 },
  );
  const branches = new Map<string, string>();
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) branches.set(line.slice(space + 1).replace(/^refs\/heads\//, ''), line.slice(0, space));
  }
  return branches;
}

/** One entry of `git worktree list --porcelain`. */
export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** The branch checked out there (without `refs/heads/`), null when detached or bare. */
  branch: string | null;
  bare: boolean;
  /** The reason given to `git worktree lock` ('' when none), or null when not locked. */
  locked: string | null;
  /** The worktree's folder is gone (git would prune it). */
  prunable: boolean;
}

/** Every worktree of the repository `cwd` belongs to. */
export async function listWorktrees(deps: GitDeps, cwd: string): Promise<WorktreeEntry[]> {
  // Not `-z`: git before 2.36 lacks it, and a path with a newline is no path of ours.
  const out = await git(deps, ['worktree', 'list', '--porcelain'], { cwd, timeoutMs: 60_000 });
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const field of out.split('\n')) {
    if (field === '') {
      if (current) entries.push(current);
      current = null;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space === -1 ? field : field.slice(0, space);
    const value = space === -1 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      if (current) entries.push(current);
      current = { path: value, head: null, branch: null, bare: false, locked: null, prunable: false };
    } else if (current) {
      if (key === 'HEAD') current.head = value;
      else if (key === 'branch') current.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'bare') current.bare = true;
      else if (key === 'locked') current.locked = value;
      else if (key === 'prunable') current.prunable = true;
    }
  }
  if (current) entries.push(current);
  return entries;
}

/** The worktree entry for `folder` (paths compared after resolving links), if git knows it. */
export function findWorktree(entries: readonly WorktreeEntry[], folder: string): WorktreeEntry | undefined {
  const want = realOrSelf(folder);
  return entries.find((e) => realOrSelf(e.path) === want);
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
