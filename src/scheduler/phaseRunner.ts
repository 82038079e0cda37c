import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionProcess, ProcessType } from '../core/model';
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

/**
 * Runs one phase as a `job_execution_processes` row: recorded running before the process starts,
 * then completed / failed / cancelled with its exit code, output tail and log file.
 */
export async function runPhase(
  ctx: PhaseContext,
  processType: ProcessType,
  request: Omit<SupervisedProcessRequest, 'logFile'>,
  judge: (outcome: SupervisedProcessOutcome) => PhaseVerdict,
): Promise<PhaseResult & { verdict: PhaseVerdict }> {
  const startedAt = ctx.clock.now().toISOString();
  const row = await ctx.lease.write((tx) => {
    const n = tx.processes.listByRun(ctx.runId).filter((p) => p.processType === processType).length;
    const logFile = path.join(ctx.logDir, n === 0 ? `${processType}.log` : `${processType}-${n + 1}.log`);
    return tx.processes.insert({
      runId: ctx.runId,
      jobId: ctx.jobId,
      processType,
      status: 'running',
      startTime: startedAt,
      logFile,
    });
  });
  if (row === null) {
    const outcome = notStarted();
    return { outcome, process: null, verdict: judge(outcome) };
  }
  if (typeof request.stdin === 'string') keepStdin(row.logFile!, request.stdin);
  const outcome = await ctx.runner({
    minFreeBytes: diskReserveBytes(ctx.lease.db.path),
    ...request,
    logFile: row.logFile!,
    // The group is recorded as soon as it exists, so that recovery can stop it if we die.
    onSpawn: (pid) => {
      const group = { pgid: pid, pgidStart: processStartToken(pid), pgidHost: os.hostname() };
      void ctx.lease.write((tx) => tx.processes.update(row.id, group)).catch(() => undefined);
    },
  });
  const verdict = judge(outcome);
  const process = await ctx.lease.write((tx) =>
    tx.processes.update(row.id, {
      status: verdict.status,
      endTime: ctx.clock.now().toISOString(),
      exitCode: outcome.exitCode,
      outputTail: verdict.outputTail,
      errorMessage: verdict.errorMessage,
    }),
  );
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
