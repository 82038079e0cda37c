// The queue: the one driver of a run's lifecycle. Scheduled fires, manual runs ("Run Job Now",
// `job run`), retries and runs back from a usage-limit wait all start here, through one fenced
// transition, so a run is started once whichever process (or follower) asks first.

import type { Run } from '../core/model';
import type { Tx } from '../storage/database';
import { NOT_STARTED } from './runOutcome';
import { activeLimitHold, isQuietMode } from './limitHold';

/** Where a run may be started from: queued with its retry delay passed, or back from a limit wait. */
const STARTABLE = `((r.status = 'queued' AND (r.resume_at IS NULL OR r.resume_at <= ?))
   OR (r.status = 'waiting_for_limit' AND r.resume_at <= ?))`;

function runningCount(tx: Tx): number {
  return Number(tx.sql.get(`SELECT COUNT(*) AS n FROM job_runs WHERE status = 'running'`)?.n ?? 0);
}

/**
 * Inside the write lock: picks the next run to start (highest job priority, then earliest
 * scheduled instant) among queued runs whose retry delay has passed and limit-held runs whose
 * reset has come, if the global concurrency limit, quiet mode and any usage-limit hold allow,
 * and starts it under `owner`.
 */
export function startNextRun(tx: Tx, now: Date, owner: string, concurrency: number): Run | null {
  if (isQuietMode(tx) || activeLimitHold(tx, now)) return null;
  if (runningCount(tx) >= concurrency) return null;
  const nowIso = now.toISOString();
  const row = tx.sql.get(
    `SELECT r.id FROM job_runs r JOIN jobs j ON j.id = r.job_id
     WHERE ${STARTABLE} AND j.status IN ('active', 'completed', 'failed')
     ORDER BY j.priority, r.scheduled_for, r.attempt, r.created_at
     LIMIT 1`,
    [nowIso, nowIso],
  );
  if (!row) return null;
  return startRun(tx, String(row.id), now, owner);
}

/** Why a particular run cannot start now, or null when it may. */
export type NotStartable = 'not-due' | 'hold' | 'quiet' | 'concurrency' | 'ended' | 'gone';

/**
 * Why this one run cannot be started now, or null when the queue's rules allow it: due (its retry
 * delay or limit reset has passed), no usage-limit hold, a free slot under `concurrency`. A manual
 * run ignores quiet mode and the job's paused status: the user asked for it. Only reads.
 */
export function whyNotStartable(tx: Tx, runId: string, now: Date, concurrency: number): NotStartable | null {
  const run = tx.runs.get(runId);
  if (run === undefined) return 'gone';
  if (run.status !== 'queued' && run.status !== 'waiting_for_limit') return 'ended';
  if (run.resumeAt !== null && Date.parse(run.resumeAt) > now.getTime()) return 'not-due';
  if (activeLimitHold(tx, now)) return 'hold';
  if (run.trigger !== 'manual' && isQuietMode(tx)) return 'quiet';
  if (runningCount(tx) >= concurrency) return 'concurrency';
  return null;
}

/** Inside the write lock: starts this one run for `owner` if whyNotStartable allows it. */
export function startRunIfAllowed(
  tx: Tx,
  runId: string,
  now: Date,
  owner: string,
  concurrency: number,
): Run | NotStartable {
  return whyNotStartable(tx, runId, now, concurrency) ?? startRun(tx, runId, now, owner) ?? 'ended';
}

/**
 * The one way a run starts: a compare-and-set from queued (or waiting for a limit) to running
 * under `owner`, keeping the first start time. Null when the run was not startable any more.
 */
export function startRun(tx: Tx, runId: string, now: Date, owner: string): Run | null {
  const run = tx.runs.get(runId);
  if (run === undefined) return null;
  const nowIso = now.toISOString();
  return tx.runs.transition(runId, NOT_STARTED, {
    status: 'running',
    owner,
    heartbeatAt: nowIso,
    startedAt: run.startedAt ?? nowIso,
    resumeAt: null,
  });
}

/** When the queue next has something to start on its own (a retry delay or a limit reset). */
export function nextQueueWake(tx: Tx): string | null {
  const row = tx.sql.get(
    `SELECT MIN(resume_at) AS t FROM job_runs WHERE status IN ('queued', 'waiting_for_limit') AND resume_at IS NOT NULL`,
  );
  return row?.t === null || row?.t === undefined ? null : String(row.t);
}

/** Whether a queued run could start now (used to avoid a write when there is nothing to do). */
export function hasStartableRun(tx: Tx, now: Date): boolean {
  const nowIso = now.toISOString();
  return (
    tx.sql.get(`SELECT 1 AS x FROM job_runs r WHERE ${STARTABLE} LIMIT 1`, [nowIso, nowIso]) !== undefined
  );
}
