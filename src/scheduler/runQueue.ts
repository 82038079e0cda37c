import type { Job, Run } from '../core/model';
import type { Tx } from '../storage/database';
import { activeLimitHold, isQuietMode } from './limitHold';
import type { GateDecision } from './startGate';

/** Asked before a run starts (budgets, smart start); see startGate.ts. */
export type StartGate = (tx: Tx, job: Job, run: Run) => GateDecision;

/** SQL condition on a run `r`: no other run of its job is running (a job's runs go one at a time). */
const NO_RUNNING_SIBLING = `NOT EXISTS (SELECT 1 FROM job_runs o WHERE o.job_id = r.job_id AND o.status = 'running')`;

/**
 * Inside the write lock: picks the next run to start (highest job priority, then earliest
 * scheduled instant) among queued runs whose retry delay has passed and limit-held runs whose
 * reset has come, if the global concurrency limit, quiet mode and any usage-limit hold allow,
 * and marks it running under `owner`. A job's runs go one after another: a run waits while
 * another run of its job is running (a backlog of catch-ups, a retry). A run the `gate` holds (a
 * budget, smart start) is left queued until the hold ends, with the reason recorded, and the next
 * candidate is tried.
 */
export function startNextRun(
  tx: Tx,
  now: Date,
  owner: string,
  concurrency: number,
  gate?: StartGate,
): Run | null {
  if (isQuietMode(tx) || activeLimitHold(tx, now)) return null;
  const running = Number(tx.sql.get(`SELECT COUNT(*) AS n FROM job_runs WHERE status = 'running'`)?.n ?? 0);
  if (running >= concurrency) return null;
  const nowIso = now.toISOString();
  const rows = tx.sql.all(
    `SELECT r.id FROM job_runs r JOIN jobs j ON j.id = r.job_id
     WHERE ((r.status = 'queued' AND (r.resume_at IS NULL OR r.resume_at <= ?))
         OR (r.status = 'waiting_for_limit' AND r.resume_at <= ?))
       AND j.status IN ('active', 'completed', 'failed')
       AND ${NO_RUNNING_SIBLING}
     ORDER BY j.priority, r.scheduled_for, r.attempt, r.created_at
     LIMIT ?`,
    [nowIso, nowIso, gate ? 50 : 1],
  );
  for (const row of rows) {
    const id = String(row.id);
    if (gate) {
      const run = tx.runs.require(id);
      const decision = gate(tx, tx.jobs.require(run.jobId), run);
      if (!decision.start) {
        holdRun(tx, run, decision.until, decision.reason);
        continue;
      }
    }
    return markRunning(tx, id, now, owner);
  }
  return null;
}

/** Keeps a run queued until `until`, saying why (the tree and `run show` print the reason). */
export function holdRun(tx: Tx, run: Run, until: Date, reason: string): Run {
  return tx.runs.update(run.id, { status: 'queued', resumeAt: until.toISOString(), waitReason: reason });
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
    waitReason: null,
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
