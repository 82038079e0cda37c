// Git as Night Pilot runs it: argv only, never a shell, through the executor's process supervisor
// (so a git that hangs is ended with its whole group, and its output is bounded), with an
// environment that makes its output parseable and keeps it from ever waiting for a person.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProcessRunner } from '../scheduler/processSupervisor';

/** How Night Pilot reaches git: the process runner and the executable (a path, or `git` on PATH). */
export interface GitDeps {
  runner: ProcessRunner;
  /** The git executable; `git` looks it up on `env.PATH`. */
  gitPath: string;
  /** The environment git starts from (the variables below are set over it). */
  env: NodeJS.ProcessEnv;
}

export interface GitCallOptions {
  /** The folder git runs in (`-C` is never used: a folder that is gone fails clearly up front). */
  cwd: string;
  /** Appends the command line and its output here (a run's `worktree.log`); default: nowhere. */
  logFile?: string;
  signal?: AbortSignal;
  /** Ends git's process group after this long. Default: 10 minutes. */
  timeoutMs?: number;
  /** Called with git's pid (its process group) once it runs: recovery can stop it if we die. */
  onSpawn?: (pid: number) => void;
  /** Each line of stdout as it comes, instead of collecting it (a diff printed by the CLI). */
  onLine?: (line: string) => void;
  /** Longest stdout line kept whole (default 64 MiB: `-z` output is one line). */
  maxLineBytes?: number;
  /**
   * Keep stdout byte for byte (a file's content: line endings as they are), up to this many bytes;
   * `truncated` says when there was more.
   */
  rawStdoutBytes?: number;
}

/** How a git command ended. */
export interface GitResult {
  /** Exit code; null when git could not start, timed out, was cancelled or killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why git did not run to its end (not found, timed out, cancelled), or null. */
  failure: string | null;
  /** With `rawStdoutBytes`: stdout was longer and only its end was kept. */
  truncated?: boolean;
}

/** A git command that failed: its arguments, how it ended, and git's own words. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: GitResult,
  ) {
    super(describeGitFailure(args, result));
    this.name = 'GitError';
  }
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Variables that would point git at another repository than the folder it runs in. */
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_PREFIX',
];

/**
 * `env` without the variables that redirect git to another repository (set when VS Code or the
 * CLI was started from a git hook): a worktree run's phases and git commands must work on the
 * worktree they run in.
 */
export function withoutRepositoryVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of REPOSITORY_VARIABLES) delete out[name];
  return out;
}

/** The environment of every git command: no prompts, no pager, English messages, no optional locks. */
function gitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...withoutRepositoryVariables(env),
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GCM_INTERACTIVE: 'never',
    GIT_PAGER: 'cat',
    GIT_EDITOR: 'true',
    LC_ALL: 'C',
    LANGUAGE: 'C',
    // Reads (status, diff) must not take the index lock a run's own git may be holding.
    GIT_OPTIONAL_LOCKS: '0',
  };
}

/** Options every command gets: output meant for parsing, whatever the user's configuration. */
const PARSEABLE = ['-c', 'color.ui=false', '-c', 'core.quotePath=false', '-c', 'advice.detachedHead=false'];

/**
 * Runs `git args...` in `options.cwd`. Never rejects for git's own failures: the result says how
 * it ended. stdout is collected (or passed line by line to `onLine`); stderr keeps its last 8 KiB.
 */
export async function runGit(
  deps: GitDeps,
  args: readonly string[],
  options: GitCallOptions,
): Promise<GitResult> {
  const logFile = options.logFile ?? os.devNull;
  if (options.logFile !== undefined) {
    try {
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      fs.appendFileSync(logFile, `$ git ${args.join(' ')}   (in ${options.cwd})\n`);
    } catch {
      // The supervisor reports a log it cannot open; the header is only a courtesy.
    }
  }
  const lines: string[] = [];
  const raw = options.rawStdoutBytes;
  let rawBytes = 0;
  const outcome = await deps.runner({
    command: deps.gitPath,
    args: [...PARSEABLE, ...args],
    cwd: options.cwd,
    env: gitEnv(deps.env),
    logFile,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal: options.signal,
    killGraceMs: 2000,
    orphanGraceMs: 500,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    ...(raw === undefined
      ? { onStdoutLine: options.onLine ?? ((line: string) => lines.push(line)) }
      : // One byte over the limit tells a file of exactly the limit from a longer one.
        { tailBytes: raw + 1, onStdoutLine: (line: string) => void (rawBytes += line.length + 1) }),
    onSpawn: options.onSpawn,
  });
  let failure: string | null = null;
  if (outcome.spawnError !== null)
    failure = /ENOENT/.test(outcome.spawnError)
      ? `git was not found (${deps.gitPath}); worktree isolation needs git on PATH`
      : outcome.spawnError;
  else if (outcome.timedOut)
    failure = `git ${args[0] ?? ''} did not finish within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s and was stopped`;
  else if (outcome.cancelled) failure = `git ${args[0] ?? ''} was cancelled`;
  else if (outcome.logError) failure = `the git log could not be written (${outcome.logError})`;
  const truncated = raw !== undefined && (rawBytes > raw || Buffer.byteLength(outcome.stdoutTail) > raw);
  return {
    code: failure === null ? outcome.exitCode : null,
    stdout: raw === undefined ? lines.join('\n') : outcome.stdoutTail,
    stderr: outcome.stderrTail,
    failure,
    ...(raw === undefined ? {} : { truncated }),
  };
}

/** Runs git and returns its stdout; throws GitError unless it exited 0. */
export async function git(deps: GitDeps, args: readonly string[], options: GitCallOptions): Promise<string> {
  const result = await runGit(deps, args, options);
  if (result.code !== 0) throw new GitError(args, result);
  return result.stdout;
}

/** The first meaningful line git printed on stderr ("fatal: ..." without the prefix). */
export function gitMessage(result: GitResult): string {
  const lines = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('hint:'));
  const line = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? '';
  return line.replace(/^(fatal|error):\s*/, '');
}

function describeGitFailure(args: readonly string[], result: GitResult): string {
  if (result.failure !== null) return result.failure;
  const said = gitMessage(result);
  return `git ${args.slice(0, 2).join(' ')} failed (exit ${result.code ?? '?'})${said ? `: ${said}` : ''}`;
}
