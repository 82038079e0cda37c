import type { Run } from '../core/model';
import { nextRetryAt, shouldRetry } from '../core/retry';
import type { Tx } from '../storage/database';
import type { RunFence } from '../storage/runRepository';
import { extendLimitHold } from './limitHold';

/** How a run's execution ended, as the executor saw it. */
export type RunOutcome =
  | { status: 'succeeded' }
  /** `retryable` is false for failures a retry cannot fix (not logged in, bad configuration). */
  | { status: 'failed'; error: string; retryable: boolean }
  | { status: 'cancelled'; error: string }
  | { status: 'waiting_for_limit'; resumeAt: Date; message: string };

export interface OutcomeEffects {
  run: Run;
  retry: Run | null;
  children: Run[];
}

/** A running run, as long as `owner` still runs it: the fence of every outcome an executor records. */
export function ownedBy(owner: string): RunFence {
  return { from: ['running'], owner };
}

/** A run nobody executes yet (queued, or waiting for a usage limit to reset). */
export const NOT_STARTED: RunFence = { from: ['queued', 'waiting_for_limit'] };

/**
 * Inside the write lock: records a run's outcome and everything that follows from it in one
 * transaction: job counters, the retry with its backoff, child jobs, one-time completion, and the
 * account-wide hold of a usage limit (which is not a failure and not an attempt).
 *
 * The change is a compare-and-set from `fence` (the state and owner the caller believes the run
 * is in): when the run is no longer there (another process recovered or cancelled it, the job was
 * deleted), nothing is changed and null is returned. So an outcome is recorded once, and
 * `executionCount` / `failureCount` never count one run twice.
 */
export function recordOutcome(
  tx: Tx,
  runId: string,
  fence: RunFence,
  outcome: RunOutcome,
  now: Date,
): OutcomeEffects | null {
  const nowIso = now.toISOString();
  if (outcome.status === 'waiting_for_limit') {
    const until = outcome.resumeAt.toISOString();
    const run = tx.runs.transition(runId, fence, {
      status: 'waiting_for_limit',
      resumeAt: until,
      owner: null,
      error: outcome.message,
    });
    if (run === null) return null;
    extendLimitHold(tx, { until, runId, jobId: run.jobId, message: outcome.message });
    return { run, retry: null, children: [] };
  }

  const run = tx.runs.transition(runId, fence, {
    status: outcome.status,
    endedAt: nowIso,
    error: outcome.status === 'succeeded' ? null : outcome.error,
    resumeAt: null,
  });
  if (run === null) return null;
  const effects: OutcomeEffects = { run, retry: null, children: [] };
  const job = tx.jobs.get(run.jobId);
  if (!job) return effects;

  const counters = { executionCount: job.executionCount + 1, lastRunTime: nowIso };
  if (outcome.status === 'succeeded') {
    tx.jobs.update(job.id, {
      ...counters,
      ...(job.jobType === 'one_time' ? { status: 'completed' as const } : {}),
    });
    for (const child of tx.jobs.children(job.id)) {
      if (child.status !== 'active') continue;
      const childRun = tx.runs.claim({
        jobId: child.id,
        trigger: 'parent',
        scheduledFor: nowIso,
        status: 'queued',
      });
      if (childRun) effects.children.push(childRun);
    }
    return effects;
  }

  if (outcome.status === 'cancelled') {
    tx.jobs.update(job.id, counters);
    return effects;
  }

  const willRetry = outcome.retryable && shouldRetry(job.retry, run.attempt);
  tx.jobs.update(job.id, {
    ...counters,
    failureCount: job.failureCount + 1,
    ...(job.jobType === 'one_time' && !willRetry ? { status: 'failed' as const } : {}),
  });
  if (willRetry) {
    effects.retry = tx.runs.claim({
      jobId: job.id,
      trigger: 'retry',
      scheduledFor: run.scheduledFor,
      attempt: run.attempt + 1,
      status: 'queued',
      resumeAt: nextRetryAt(job.retry, run.attempt, now).toISOString(),
    });
  }
  return effects;
}
