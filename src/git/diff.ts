// What a run changed, file by file, for the To Review tree, the diff editor and `run diff`.

import type { GitCallOptions, GitDeps } from './gitCommand';
import { git, runGit } from './gitCommand';

/** The largest file shown in a read-only document of the diff editor. */
const MAX_SHOWN_BYTES = 16 * 1024 * 1024;

/** One changed file between two commits. */
export interface ChangedFile {
  /** A added, M modified, D deleted, R renamed, C copied, T type changed (e.g. file to link). */
  status: 'A' | 'M' | 'D' | 'R' | 'C' | 'T';
  /** The path at the head (for a deletion: the path it had). Relative to the repository, with `/`. */
  path: string;
  /** The path at the base, for a rename or copy. */
  oldPath: string | null;
}

/** The files `head` changed since `base`, in git's order (by path). */
export async function changedFiles(
  deps: GitDeps,
  cwd: string,
  base: string,
  head: string,
): Promise<ChangedFile[]> {
  const out = await git(deps, ['diff', '--name-status', '-z', '--no-ext-diff', '-M', base, head], {
    cwd,
    timeoutMs: 120_000,
  });
  const fields = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < fields.length;) {
    const code = fields[i++];
    if (!code) continue;
    const status = code[0] as ChangedFile['status'];
    if (status === 'R' || status === 'C') {
      const oldPath = fields[i++] ?? '';
      files.push({ status, oldPath, path: fields[i++] ?? '' });
    } else if ('AMDT'.includes(status)) {
      files.push({ status, path: fields[i++] ?? '', oldPath: null });
    } else i++; // U (unmerged) or X: not between two commits
  }
  return files;
}

/**
 * The text of `file` at `commit`, or null when it does not exist there (an added file's base, a
 * deleted file's head). Read-only documents of the diff editor show this when the Git extension
 * cannot.
 */
export async function fileAtCommit(
  deps: GitDeps,
  cwd: string,
  commit: string,
  file: string,
): Promise<string | null> {
  const result = await runGit(deps, ['show', '--no-textconv', `${commit}:${file}`], {
    cwd,
    timeoutMs: 120_000,
    rawStdoutBytes: MAX_SHOWN_BYTES,
  });
  if (result.code === 0) {
    if (result.truncated)
      throw new Error(
        `${file} is larger than ${MAX_SHOWN_BYTES / (1 << 20)} MiB at ${commit.slice(0, 8)}; open the worktree to see it`,
      );
    return result.stdout;
  }
  if (result.code === 128 && /does not exist|exists on disk, but not in/i.test(result.stderr)) return null;
  if (result.failure !== null || result.code !== 128) throw new Error(result.failure ?? result.stderr.trim());
  return null;
}

/** `git diff base head` (or its `--stat`), line by line to `onLine`. */
export async function streamDiff(
  deps: GitDeps,
  cwd: string,
  base: string,
  head: string,
  options: { stat: boolean; onLine: (line: string) => void; signal?: GitCallOptions['signal'] },
): Promise<void> {
  await git(
    deps,
    ['diff', '--no-ext-diff', '--no-textconv', ...(options.stat ? ['--stat'] : []), base, head],
    { cwd, onLine: options.onLine, signal: options.signal, timeoutMs: 600_000 },
  );
}
