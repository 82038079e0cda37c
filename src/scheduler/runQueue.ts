import type { Run } from '../core/model';
import type { Tx } from '../storage/database';
import { activeLimitHold, isQuietMode } from './limitHold';

/** SQL condition on a run `r`: no other run of its job is running (a job's runs go one at a time). */
const NO_RUNNING_SIBLING = `NOT EXISTS (SELECT 1 FROM job_runs o WHERE o.job_id = r.job_id AND o.status = 'running')`;

/**
 * Inside the write lock: picks the next run to start (highest job priority, then earliest
 * scheduled instant) among queued runs whose retry delay has passed and limit-held runs whose
 * reset has come, if the global concurrency limit, quiet mode and any usage-limit hold allow,
 * and marks it running under `owner`. A job's runs go one after another: a run waits while
 * another run of its job is running (a backlog of catch-ups, a retry).
 */
export function startNextRun(tx: Tx, now: Date, owner: string, concurrency: number): Run | null {
  if (isQuietMode(tx) || activeLimitHold(tx, now)) return null;
  const running = Number(tx.sql.get(`SELECT COUNT(*) AS n FROM job_runs WHERE status = 'running'`)?.n ?? 0);
  if (running >= concurrency) return null;
  const nowIso = now.toISOString();
  const row = tx.sql.get(
    `SELECT r.id FROM job_runs r JOIN jobs j ON j.id = r.job_id
     WHERE ((r.status = 'queued' AND (r.resume_at IS NULL OR r.resume_at <= ?))
         OR (r.status = 'waiting_for_limit' AND r.resume_at <= ?))
       AND j.status IN ('active', 'completed', 'failed')
       AND ${NO_RUNNING_SIBLING}
     ORDER BY j.priority, r.scheduled_for, r.attempt, r.created_at
     LIMIT 1`,
    [nowIso, nowIso],
  );
  if (!row) return null;
  return markRunning(tx, String(row.id), now, owner);
}

/** Takes a run for this process: status running, owner, heartbeat; keeps the first start time. */
export function markRunning(tx: Tx, runId: string, now: Date, owner: string): Run {
  const run = tx.runs.require(runId);
  const nowIso = now.toISOString();
  return tx.runs.update(runId, {
    status: 'running',
    owner,
    heartbeatAt: nowIso,
    startedAt: run.startedAt ?? nowIso,
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
    tx.sql.get(
      `SELECT 1 AS x FROM job_runs r
       WHERE ((r.status = 'queued' AND (r.resume_at IS NULL OR r.resume_at <= ?))
           OR (r.status = 'waiting_for_limit' AND r.resume_at <= ?))
         AND ${NO_RUNNING_SIBLING}
       LIMIT 1`,
      [nowIso, nowIso],
    ) !== undefined
  );
}
