import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionProcess, ProcessType } from '../core/model';
import type { Tx } from '../storage/database';
import { outputTail } from '../core/outputTail';
import { processStartToken } from '../storage/processIdentity';
import type { Clock } from './clock';
import type { ProcessRunner, SupervisedProcessOutcome, SupervisedProcessRequest } from './processSupervisor';
import type { RunLease } from './runLease';

export interface PhaseContext {
  /** The run as this process holds it: every phase write goes through it (see RunLease). */
  lease: RunLease;
  clock: Clock;
  runner: ProcessRunner;
  runId: string;
  jobId: string;
  logDir: string;
}

export interface PhaseResult {
  outcome: SupervisedProcessOutcome;
  /** Null when the run was no longer this process's before the phase could start. */
  process: ExecutionProcess | null;
}

/** The database must still be able to record the run when a log fills the disk: keep this free. */
function diskReserveBytes(databasePath: string): number {
  let size = 0;
  try {
    size = fs.statSync(databasePath).size;
  } catch {
    // No file yet: the fixed part of the reserve is enough.
  }
  // A save writes a whole temp copy of the file before renaming it over the old one.
  return 2 * size + 4 * (1 << 20);
}

/** How a finished phase is recorded; the caller decides (Claude's exit code alone says little). */
export interface PhaseVerdict {
  status: 'completed' | 'failed' | 'cancelled';
  errorMessage: string | null;
  outputTail: string;
}

/** The verdict for a plain command phase: exit 0 is success, anything else names what happened. */
export function commandVerdict(
  label: string,
  o: SupervisedProcessOutcome,
  timeoutSeconds: number | null,
): PhaseVerdict {
  const output = outputTail([o.stdoutTail, o.stderrTail].filter((s) => s.length > 0).join('\n'));
  if (o.logError)
    return { status: 'failed', errorMessage: `${label} was stopped: ${logFailure(o)}`, outputTail: output };
  if (o.cancelled) return { status: 'cancelled', errorMessage: `${label} was cancelled`, outputTail: output };
  if (o.spawnError)
    return {
      status: 'failed',
      errorMessage: `${label} could not start: ${o.spawnError}`,
      outputTail: output,
    };
  if (o.timedOut) {
    return {
      status: 'failed',
      errorMessage: `${label} timed out after ${timeoutSeconds ?? '?'} s`,
      outputTail: output,
    };
  }
  if (o.exitCode !== 0) {
    const how =
      o.exitCode === null ? `was ended by ${o.signal ?? 'a signal'}` : `exited with code ${o.exitCode}`;
    return { status: 'failed', errorMessage: `${label} ${how}`, outputTail: output };
  }
  return { status: 'completed', errorMessage: null, outputTail: output };
}

/** Why a phase's log could not be written, as a run's error says it. */
export function logFailure(o: SupervisedProcessOutcome): string {
  return `its log could not be written (${o.logError ?? 'unknown error'})`;
}

/** The outcome of a phase that never started because the run was no longer ours. */
function notStarted(): SupervisedProcessOutcome {
  const now = new Date();
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    cancelled: true,
    spawnError: null,
    stdoutTail: '',
    stderrTail: '',
    startedAt: now,
    endedAt: now,
  };
}

/** The log file of the next phase of this type in the run: `execution.log`, then `execution-2.log`... */
function nextLogFile(ctx: PhaseContext, processType: ProcessType): string {
  const n = ctx.lease.db.read(
    (tx) => tx.processes.listByRun(ctx.runId).filter((p) => p.processType === processType).length,
  );
  return path.join(ctx.logDir, n === 0 ? `${processType}.log` : `${processType}-${n + 1}.log`);
}

/**
 * Runs one phase as a `job_execution_processes` row, in two writes: the row is saved `running`,
 * with the process group, as soon as the process exists (what recovery needs to stop it, and what
 * the tree shows), then completed / failed / cancelled with its exit code, output tail and log
 * file, together with whatever `alsoAtEnd` records (Claude's session and usage). A process that
 * never started gets its row in one write, ended. Before anything starts, a read checks that the
 * run is still this process's (and not being cancelled).
 */
export async function runPhase(
  ctx: PhaseContext,
  processType: ProcessType,
  request: Omit<SupervisedProcessRequest, 'logFile'>,
  judge: (outcome: SupervisedProcessOutcome) => PhaseVerdict,
  alsoAtEnd?: (tx: Tx) => void,
): Promise<PhaseResult & { verdict: PhaseVerdict }> {
  const startedAt = ctx.clock.now().toISOString();
  ctx.lease.poll();
  if (ctx.lease.lost !== null) {
    const outcome = notStarted();
    return { outcome, process: null, verdict: judge(outcome) };
  }
  const logFile = nextLogFile(ctx, processType);
  const insert = (tx: Tx): ExecutionProcess =>
    tx.processes.insert({
      runId: ctx.runId,
      jobId: ctx.jobId,
      processType,
      status: 'running',
      startTime: startedAt,
      logFile,
    });
  let started: Promise<ExecutionProcess | null> | undefined;
  if (typeof request.stdin === 'string') keepStdin(logFile, request.stdin);
  const outcome = await ctx.runner({
    minFreeBytes: diskReserveBytes(ctx.lease.db.path),
    ...request,
    logFile,
    // The group is recorded as soon as it exists, so that recovery can stop it if we die.
    onSpawn: (pid) => {
      const group = { pgid: pid, pgidStart: processStartToken(pid), pgidHost: os.hostname() };
      started = ctx.lease.write((tx) => tx.processes.update(insert(tx).id, group));
      started.catch(() => undefined);
    },
  });
  const verdict = judge(outcome);
  // null: the run was no longer ours when the process started; a failed write: recorded at the end.
  const row = started === undefined ? undefined : await started.catch(() => undefined);
  if (row === null) return { outcome, process: null, verdict };
  const ended = {
    status: verdict.status,
    endTime: ctx.clock.now().toISOString(),
    exitCode: outcome.exitCode,
    outputTail: verdict.outputTail,
    errorMessage: verdict.errorMessage,
  };
  const process = await ctx.lease.write((tx) => {
    const recorded = tx.processes.update((row ?? insert(tx)).id, ended);
    alsoAtEnd?.(tx);
    return recorded;
  });
  return { outcome, process, verdict };
}

/** Where the text a phase was given on stdin (Claude's prompt) is kept: beside its log. */
export function stdinFileFor(logFile: string): string {
  return logFile.replace(/\.log$/, '') + '.stdin.txt';
}

/**
 * Keeps the prompt a Claude phase was sent, for the run's transcript: the stream Claude prints
 * does not repeat it, and the prompt file may have changed since. Best effort: a run never fails
 * because this copy could not be written (the transcript then says so).
 */
function keepStdin(logFile: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fs.writeFileSync(stdinFileFor(logFile), text);
  } catch {
    // The disk is full or the folder is gone: the runner reports that for the log itself.
  }
}

/** Records a phase that could not even start (no Claude CLI, invalid options) as failed. */
export async function recordFailedPhase(
  ctx: PhaseContext,
  processType: ProcessType,
  message: string,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.lease.write((tx) => {
    const p = tx.processes.insert({
      runId: ctx.runId,
      jobId: ctx.jobId,
      processType,
      status: 'failed',
      startTime: at,
    });
    tx.processes.update(p.id, { endTime: at, errorMessage: message, outputTail: message });
  });
}
