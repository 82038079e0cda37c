// Real git repositories in temp folders for the worktree tests, and the snapshot that proves a
// user's working tree was not touched: its `git status --porcelain=v2` and the bytes of every file.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Git's configuration is the repository's own: nothing from the machine's user or system. */
export const GIT_TEST_ENV: Record<string, string> = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  // A local path as a submodule URL needs this since git 2.38.1.
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'protocol.file.allow',
  GIT_CONFIG_VALUE_0: 'always',
};

/** Runs git in `cwd` and returns its trimmed stdout; throws with git's stderr on failure. */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...GIT_TEST_ENV },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Writes `files` (relative path: content) under `dir`, making folders. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

/** A repository on branch `main` with `files` committed by "Ada Tester". */
export function makeRepo(
  dir: string,
  files: Record<string, string> = { 'a.txt': 'a\n', 'sub/b.txt': 'b\n' },
): string {
  fs.mkdirSync(dir, { recursive: true });
  gitIn(dir, 'init', '--quiet', '-b', 'main');
  gitIn(dir, 'config', 'user.name', 'Ada Tester');
  gitIn(dir, 'config', 'user.email', 'ada@example.com');
  writeFiles(dir, files);
  gitIn(dir, 'add', '-A');
  gitIn(dir, 'commit', '--quiet', '-m', 'initial');
  return dir;
}

/** Commits `files` on the branch checked out in `dir`; returns the new commit. */
export function commitFiles(dir: string, files: Record<string, string>, message = 'change'): string {
  writeFiles(dir, files);
  gitIn(dir, 'add', '-A');
  gitIn(dir, 'commit', '--quiet', '-m', message);
  return gitIn(dir, 'rev-parse', 'HEAD');
}

/** What a user would compare: status (branch, staged, unstaged, untracked) and every file's bytes. */
export function treeSnapshot(dir: string): { status: string; files: Record<string, string> } {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.name === '.git' && folder === dir) continue;
      if (entry.isDirectory()) walk(full);
      else
        files[path.relative(dir, full)] = crypto
          .createHash('sha256')
          .update(fs.readFileSync(full))
          .digest('hex');
    }
  };
  walk(dir);
  return { status: gitIn(dir, 'status', '--porcelain=v2', '--branch', '--untracked-files=all'), files };
}

/** Branch names under `night-pilot/`. */
export function nightPilotBranches(dir: string): string[] {
  const out = gitIn(dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/night-pilot/');
  return out === '' ? [] : out.split('\n');
}
