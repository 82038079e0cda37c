import path from 'node:path';
import type { ExecutionProcess, ProcessType } from '../core/model';
import type { NightPilotDatabase } from '../storage/database';
import type { Clock } from './clock';
import type { ProcessRunner, SupervisedProcessOutcome, SupervisedProcessRequest } from './processSupervisor';

/** The database keeps this much of a phase's output; the whole of it is in the log file. */
export const OUTPUT_TAIL_CHARS = 4096;

export interface PhaseContext {
  db: NightPilotDatabase;
  clock: Clock;
  runner: ProcessRunner;
  runId: string;
  jobId: string;
  logDir: string;
}

export interface PhaseResult {
  outcome: SupervisedProcessOutcome;
  process: ExecutionProcess;
}

/** How a finished phase is recorded; the caller decides (Claude's exit code alone says little). */
export interface PhaseVerdict {
  status: 'completed' | 'failed' | 'cancelled';
  errorMessage: string | null;
  outputTail: string;
}

export function tail(text: string, max = OUTPUT_TAIL_CHARS): string {
  return text.length <= max ? text : text.slice(text.length - max);
}

/** The verdict for a plain command phase: exit 0 is success, anything else names what happened. */
export function commandVerdict(
  label: string,
  o: SupervisedProcessOutcome,
  timeoutSeconds: number | null,
): PhaseVerdict {
  const output = tail([o.stdoutTail, o.stderrTail].filter((s) => s.length > 0).join('\n'));
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
  const row = await ctx.db.write((tx) => {
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
  const outcome = await ctx.runner({ ...request, logFile: row.logFile! });
  const verdict = judge(outcome);
  const process = await ctx.db.write((tx) =>
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

/** Records a phase that could not even start (no Claude CLI, invalid options) as failed. */
export async function recordFailedPhase(
  ctx: PhaseContext,
  processType: ProcessType,
  message: string,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.write((tx) => {
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
