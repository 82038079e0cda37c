import type { Run } from '../core/model';
import { nextRetryAt, shouldRetry } from '../core/retry';
import type { Tx } from '../storage/database';
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

/**
 * Inside the write lock: records a run's outcome and everything that follows from it in one
 * transaction: job counters, the retry with its backoff, child jobs, one-time completion, and the
 * account-wide hold of a usage limit (which is not a failure and not an attempt).
 */
export function recordOutcome(tx: Tx, runId: string, outcome: RunOutcome, now: Date): OutcomeEffects {
  const nowIso = now.toISOString();
  const before = tx.runs.require(runId);
  const job = tx.jobs.get(before.jobId);
  const effects: OutcomeEffects = { run: before, retry: null, children: [] };

  if (outcome.status === 'waiting_for_limit') {
    const until = outcome.resumeAt.toISOString();
    effects.run = tx.runs.update(runId, {
      status: 'waiting_for_limit',
      resumeAt: until,
      owner: null,
      error: outcome.message,
    });
    extendLimitHold(tx, { until, runId, jobId: before.jobId, message: outcome.message });
    return effects;
  }

  effects.run = tx.runs.update(runId, {
    status: outcome.status,
    endedAt: nowIso,
    error: outcome.status === 'succeeded' ? null : outcome.error,
    resumeAt: null,
  });
  if (!job) return effects;

  const counters = { executionCount: job.executionCount + 1, lastRunTime: nowIso };
  if (outcome.status === 'succeeded') {
    tx.jobs.update(job.id, {
      ...counters,
      ...(job.jobType === 'one_time' ? { status: 'completed' as const } : {}),
    });
    for (const child of tx.jobs.children(job.id)) {
      if (child.status !== 'active') continue;
      const run = tx.runs.claim({
        jobId: child.id,
        trigger: 'parent',
        scheduledFor: nowIso,
        status: 'queued',
      });
      if (run) effects.children.push(run);
    }
    return effects;
  }

  if (outcome.status === 'cancelled') {
    tx.jobs.update(job.id, counters);
    return effects;
  }

  const willRetry = outcome.retryable && shouldRetry(job.retry, before.attempt);
  tx.jobs.update(job.id, {
    ...counters,
    failureCount: job.failureCount + 1,
    ...(job.jobType === 'one_time' && !willRetry ? { status: 'failed' as const } : {}),
  });
  if (willRetry) {
    effects.retry = tx.runs.claim({
      jobId: job.id,
      trigger: 'retry',
      scheduledFor: before.scheduledFor,
      attempt: before.attempt + 1,
      status: 'queued',
      resumeAt: nextRetryAt(job.retry, before.attempt, now).toISOString(),
    });
  }
  return effects;
}
