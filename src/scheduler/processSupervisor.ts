// Runs one child process for the executor (Claude, or a user's setup/validation/cleanup command)
// and guarantees three things the older tools did not: memory stays bounded however much the
// child prints, a timeout or cancellation ends the whole process tree, and nothing the child
// started is left running once the returned promise settles.
//
// Process-tree policy (POSIX): the child gets its own process group (`detached`). Timeout and
// cancellation send SIGINT to the group (Claude ends its turn cleanly on SIGINT), then SIGTERM,
// then SIGKILL, `killGraceMs` apart, stopping as soon as the group is gone. When the child exits
// by itself but left processes in its group (a background job, a dev server it started), they
// get `orphanGraceMs` to finish, then SIGTERM and SIGKILL. The promise settles only after that,
// so a finished phase never leaves work running behind the scheduler's back. A grandchild that
// escaped the group (setsid) cannot be found this way; if it keeps our pipes open they are
// closed after a short wait instead of waiting for it. A log that cannot be written (disk full)
// ends the child the same way: its output would be lost, and the run fails with that reason.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import type { WriteStream } from 'node:fs';
import * as path from 'node:path';
import { ProcessGroup } from './processGroup';
import { SupervisedOutput, closeLog, errorText } from './supervisedOutput';

/** What to run and how to watch it. */
export interface SupervisedProcessRequest {
  /** Executable path (or a name looked up on `env.PATH`); never run through a shell unless `shell` is set. */
  command: string;
  /** Arguments, passed as an array. With `shell` on POSIX they become `$1`, `$2`, ... of the command. */
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to the child's stdin as UTF-8, then stdin is closed. `null`/absent: stdin is /dev/null. */
  stdin?: string | null;
  /** Run `command` as a shell command line: `/bin/sh -c command` (`cmd.exe /d /s /c` on Windows). */
  shell?: boolean;
  /** The whole stdout+stderr stream is appended here, raw (parent folders are created). */
  logFile: string;
  /** Bytes of stdout and of stderr kept in memory for the outcome (default 8 KiB each). */
  tailBytes?: number;
  /** Ends the process tree after this many milliseconds; `null`/absent/0: no limit. */
  timeoutMs?: number | null;
  /** Aborting ends the process tree. Already aborted: nothing is started. */
  signal?: AbortSignal;
  /** Wait between SIGINT, SIGTERM and SIGKILL (default 5000). */
  killGraceMs?: number;
  /** How long processes left in the group after the child exits may keep running (default 2000). */
  orphanGraceMs?: number;
  /** Complete stdout lines, in order, without the newline; the last line may lack a newline. */
  onStdoutLine?: (line: string) => void;
  /** Longest line handed to `onStdoutLine` whole (default 1 MiB); longer ones arrive cut, marked. */
  maxLineBytes?: number;
  /** Called once the process is running, with its pid (also its process group id on POSIX). */
  onSpawn?: (pid: number) => void;
  /** Treat the log as failed (and end the child) when its disk has less free than this. */
  minFreeBytes?: number;
}

/** How it ended. The runner never rejects: every failure is described here. */
export interface SupervisedProcessOutcome {
  /** The child's exit code; `null` when it was ended by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended the child, if any. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Why the process could not be started (missing executable, bad cwd, log file not writable...). */
  spawnError: string | null;
  /** The last `tailBytes` of stdout, as text. */
  stdoutTail: string;
  /** The last `tailBytes` of stderr, as text. */
  stderrTail: string;
  startedAt: Date;
  endedAt: Date;
  /** The first error thrown by `onStdoutLine` or `onSpawn` (the process kept running). */
  callbackError?: string | null;
  /**
   * Writing the log file failed part way (disk full, or too full to keep `minFreeBytes`): the
   * child was ended for it and the output after that point is lost.
   */
  logError?: string | null;
}

/** The injectable shape the executor uses, so tests can run it against real or scripted processes. */
export type ProcessRunner = (req: SupervisedProcessRequest) => Promise<SupervisedProcessOutcome>;

const DEFAULT_KILL_GRACE_MS = 5000;
const DEFAULT_ORPHAN_GRACE_MS = 2000;
/** How long to wait for pipes a process outside the group keeps open. */
const STDIO_CLOSE_WAIT_MS = 2000;
/** setTimeout overflows above this and would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

const INTERRUPT_SEQUENCE: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];
const ORPHAN_SEQUENCE: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGKILL'];

const isWindows = process.platform === 'win32';

/**
 * Runs a process under supervision (see the file comment for the process-tree policy).
 * Resolves once the child has exited, its process group is gone and the log file is flushed.
 */
export const runSupervisedProcess: ProcessRunner = async (req) => {
  const startedAt = new Date();
  const fail = (spawnError: string | null, cancelled = false): SupervisedProcessOutcome => ({
    exitCode: null,
    signal: null,
    timedOut: false,
    cancelled,
    spawnError,
    stdoutTail: '',
    stderrTail: '',
    startedAt,
    endedAt: new Date(),
  });

  const invalid = validateRequest(req);
  if (invalid) return fail(invalid);
  if (req.signal?.aborted) return fail(null, true);
  const cwdProblem = await checkCwd(req.cwd);
  if (cwdProblem) return fail(cwdProblem);

  let log: WriteStream;
  try {
    await fsp.mkdir(path.dirname(req.logFile), { recursive: true });
    const handle = await fsp.open(req.logFile, 'a');
    log = handle.createWriteStream({ autoClose: true });
    // Recorded as logError once supervision starts; until then only must not crash.
    log.on('error', () => undefined);
  } catch (err) {
    return fail(`cannot open the log file ${req.logFile}: ${errorText(err)}`);
  }

  const [file, argv] = commandLine(req);
  let child: ChildProcess;
  try {
    child = spawn(file, argv, {
      cwd: req.cwd,
      env: req.env,
      detached: !isWindows,
      stdio: [req.stdin == null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
      windowsVerbatimArguments: isWindows && req.shell === true,
    });
  } catch (err) {
    await closeLog(log);
    return fail(await describeSpawnError(req, err));
  }
  return supervise(req, child, log, startedAt);
};

async function supervise(
  req: SupervisedProcessRequest,
  child: ChildProcess,
  log: WriteStream,
  startedAt: Date,
): Promise<SupervisedProcessOutcome> {
  const killGraceMs = req.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const orphanGraceMs = req.orphanGraceMs ?? DEFAULT_ORPHAN_GRACE_MS;
  const output = new SupervisedOutput(child, log, req);

  // Settles with the spawn error, or null once the process is running.
  const started = new Promise<unknown>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (err) => resolve(err));
  });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (code, sig) => resolve([code, sig])),
  );
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // Errors after start (a failed kill) must not become uncaught exceptions.
  child.on('error', () => undefined);

  const spawnFailure = await started;
  if (spawnFailure !== null || child.pid === undefined) {
    output.destroyPipes();
    child.stdin?.destroy();
    await closeLog(log);
    return {
      exitCode: null,
      signal: null,
      timedOut: false,
      cancelled: false,
      spawnError: await describeSpawnError(req, spawnFailure),
      stdoutTail: '',
      stderrTail: '',
      startedAt,
      endedAt: new Date(),
    };
  }
  const pid = child.pid;

  if (child.stdin) {
    // The child may exit without reading (EPIPE): that is its business, not a crash of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(Buffer.from(req.stdin ?? '', 'utf8'));
  }

  const stop: Stopper = new Stopper(new ProcessGroup(pid, child, () => stop.exited), killGraceMs);
  const timer = req.timeoutMs
    ? setTimeout(() => stop.end('timeout'), Math.min(req.timeoutMs, MAX_TIMER_MS))
    : null;
  const onAbort = (): void => stop.end('cancel');
  req.signal?.addEventListener('abort', onAbort, { once: true });
  output.onLogError(() => stop.end('log'));
  // After the listener: a caller may cancel from inside onSpawn.
  if (req.onSpawn) output.guard(() => req.onSpawn!(pid));
  if (req.signal?.aborted) onAbort();

  const [exitCode, exitSignal] = await exited;
  stop.exited = true;
  if (timer) clearTimeout(timer);
  req.signal?.removeEventListener('abort', onAbort);
  await stop.afterExit(orphanGraceMs);

  if (!(await settlesWithin(closed, STDIO_CLOSE_WAIT_MS))) output.destroyPipes();
  await output.finish();

  return {
    exitCode,
    signal: exitSignal,
    timedOut: stop.reason === 'timeout',
    cancelled: stop.reason === 'cancel',
    spawnError: null,
    stdoutTail: output.stdoutTail.toString(),
    stderrTail: output.stderrTail.toString(),
    startedAt,
    endedAt: new Date(),
    callbackError: output.callbackError,
    logError: output.logError,
  };
}

/**
 * Ends the child's group once, for the first reason that comes (timeout, cancellation, a failed
 * log), and after the child exits deals with what it left in its group.
 */
class Stopper {
  exited = false;
  reason: 'timeout' | 'cancel' | 'log' | null = null;
  private _escalation: Promise<void> | null = null;

  constructor(
    private readonly _group: ProcessGroup,
    private readonly _graceMs: number,
  ) {}

  end(reason: 'timeout' | 'cancel' | 'log'): void {
    if (this.exited || this.reason !== null) return;
    this.reason = reason;
    this._escalate(INTERRUPT_SEQUENCE);
  }

  /** Waits for a stop in progress, or gives processes the child left `orphanGraceMs`, then ends them. */
  async afterExit(orphanGraceMs: number): Promise<void> {
    if (this._escalation) await this._escalation;
    else if (await this._group.isAlive()) {
      if (!(await this._group.waitGone(orphanGraceMs))) await this._escalate(ORPHAN_SEQUENCE);
    }
  }

  private _escalate(signals: readonly NodeJS.Signals[]): Promise<void> {
    this._escalation ??= this._group.escalate(signals, this._graceMs);
    return this._escalation;
  }
}

function commandLine(req: SupervisedProcessRequest): [string, string[]] {
  if (!req.shell) return [req.command, req.args];
  if (isWindows) return [process.env.ComSpec ?? 'cmd.exe', ['/d', '/s', '/c', `"${req.command}"`]];
  return ['/bin/sh', ['-c', req.command, 'sh', ...req.args]];
}

function validateRequest(req: SupervisedProcessRequest): string | null {
  if (typeof req.command !== 'string' || req.command.trim() === '') {
    return 'no command to run: `command` is empty';
  }
  if (!Array.isArray(req.args) || req.args.some((a) => typeof a !== 'string')) {
    return `the arguments of ${req.command} must be an array of strings`;
  }
  if (req.shell && isWindows && req.args.length > 0) {
    return `a shell command cannot take separate arguments on Windows; put them in the command line: ${req.command}`;
  }
  if (typeof req.logFile !== 'string' || req.logFile === '') return `no log file given for ${req.command}`;
  for (const key of [
    'timeoutMs',
    'killGraceMs',
    'orphanGraceMs',
    'tailBytes',
    'maxLineBytes',
    'minFreeBytes',
  ] as const) {
    const value = req[key];
    if (value != null && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      return `${key} must be a number of ${key.endsWith('Ms') ? 'milliseconds' : 'bytes'} >= 0, got ${String(value)}`;
    }
  }
  return null;
}

async function checkCwd(cwd: string): Promise<string | null> {
  try {
    const st = await fsp.stat(cwd);
    return st.isDirectory() ? null : `the working folder is not a folder: ${cwd}`;
  } catch {
    // Checked up front because spawn reports a missing cwd as ENOENT of the executable.
    return `the working folder does not exist: ${cwd}`;
  }
}

async function describeSpawnError(req: SupervisedProcessRequest, err: unknown): Promise<string> {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const what = req.shell ? `the shell for \`${req.command}\`` : req.command;
  if (code === 'ENOENT') {
    if (!req.shell && path.isAbsolute(req.command) && (await exists(req.command))) {
      return `${req.command} exists but could not be started: the interpreter on its #! line was not found (ENOENT)`;
    }
    return req.shell
      ? `no shell found to run \`${req.command}\` (ENOENT)`
      : `executable not found at ${req.command} (ENOENT)`;
  }
  if (code === 'EACCES') return `permission denied starting ${what}: is it an executable file? (EACCES)`;
  return `could not start ${what}: ${errorText(err)}`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}

function settlesWithin(p: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(t);
      resolve(true);
    });
  });
}
