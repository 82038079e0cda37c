// The queue: the one driver of a run's lifecycle. Scheduled fires, manual runs ("Run Job Now",
// `job run`), retries and runs back from a usage-limit wait all start here, through one fenced
// transition, so a run is started once whichever process (or follower) asks first.

import type { Job, Run } from '../core/model';
import type { Tx } from '../storage/database';
import { NOT_STARTED } from './runOutcome';
import { activeLimitHold, isQuietMode } from './limitHold';
import type { GateDecision } from './startGate';

/** Asked before a run starts (budgets, smart start); see startGate.ts. */
export type StartGate = (tx: Tx, job: Job, run: Run) => GateDecision;

/** Where a run may be started from: queued with its retry delay passed, or back from a limit wait. */
const STARTABLE = `((r.status = 'queued' AND (r.resume_at IS NULL OR r.resume_at <= ?))
   OR (r.status = 'waiting_for_limit' AND r.resume_at <= ?))`;

/** SQL condition on a run `r`: no other run of its job is running (a job's runs go one at a time). */
const NO_RUNNING_SIBLING = `NOT EXISTS (SELECT 1 FROM job_runs o WHERE o.job_id = r.job_id AND o.status = 'running')`;

/** How many candidates one pick looks at when a gate may hold some of them. */
const GATED_CANDIDATES = 50;

function runningCount(tx: Tx): number {
  return Number(tx.sql.get(`SELECT COUNT(*) AS n FROM job_runs WHERE status = 'running'`)?.n ?? 0);
}

function siblingRunning(tx: Tx, run: Run): boolean {
  return (
    tx.sql.get(`SELECT 1 AS x FROM job_runs WHERE job_id = ? AND status = 'running' AND id <> ? LIMIT 1`, [
      run.jobId,
      run.id,
    ]) !== undefined
  );
}

/**
 * Inside the write lock: picks the next run to start (highest job priority, then earliest
 * scheduled instant) among queued runs whose retry delay has passed and limit-held runs whose
 * reset has come, if the global concurrency limit, quiet mode and any usage-limit hold allow,
 * and starts it under `owner`. A job's runs go one after another: a run waits while another run
 * of its job is running (a backlog of catch-ups, a retry). A run the `gate` holds (a budget,
 * smart start) is left queued until the hold ends, with the reason recorded, and the next
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
  if (runningCount(tx) >= concurrency) return null;
  const nowIso = now.toISOString();
  const rows = tx.sql.all(
    `SELECT r.id FROM job_runs r JOIN jobs j ON j.id = r.job_id
     WHERE ${STARTABLE} AND j.status IN ('active', 'completed', 'failed') AND ${NO_RUNNING_SIBLING}
     ORDER BY j.priority, r.scheduled_for, r.attempt, r.created_at
     LIMIT ?`,
    [nowIso, nowIso, gate ? GATED_CANDIDATES : 1],
  );
  for (const row of rows) {
    const id = String(row.id);
    if (gate && holdIfGated(tx, id, gate)) continue;
    const run = startRun(tx, id, now, owner);
    if (run) return run;
  }
  return null;
}

/** Why a particular run cannot start now, or null when it may. */
export type NotStartable =
  'not-due' | 'hold' | 'quiet' | 'concurrency' | 'sibling' | 'held' | 'ended' | 'gone';

/**
 * Why this one run cannot be started now, or null when the queue's rules allow it: due (its retry
 * delay or limit reset has passed), no usage-limit hold, no other run of its job running, a free
 * slot under `concurrency`. A manual run ignores quiet mode and the job's paused status: the user
 * asked for it. The start gate is not consulted here (it may hold the run when it is started).
 * Only reads.
 */
export function whyNotStartable(tx: Tx, runId: string, now: Date, concurrency: number): NotStartable | null {
  const run = tx.runs.get(runId);
  if (run === undefined) return 'gone';
  if (run.status !== 'queued' && run.status !== 'waiting_for_limit') return 'ended';
  if (run.resumeAt !== null && Date.parse(run.resumeAt) > now.getTime()) return 'not-due';
  if (activeLimitHold(tx, now)) return 'hold';
  if (run.trigger !== 'manual' && isQuietMode(tx)) return 'quiet';
  if (siblingRunning(tx, run)) return 'sibling';
  if (runningCount(tx) >= concurrency) return 'concurrency';
  return null;
}

/**
 * Inside the write lock: starts this one run for `owner` if whyNotStartable allows it and the
 * `gate` does not hold it (a held run stays queued with the reason, and `held` is returned).
 */
export function startRunIfAllowed(
  tx: Tx,
  runId: string,
  now: Date,
  owner: string,
  concurrency: number,
  gate?: StartGate,
): Run | NotStartable {
  const why = whyNotStartable(tx, runId, now, concurrency);
  if (why !== null) return why;
  if (gate && holdIfGated(tx, runId, gate)) return 'held';
  return startRun(tx, runId, now, owner) ?? 'ended';
}

/** Asks the gate about a run; when it holds the run, records the hold and returns true. */
function holdIfGated(tx: Tx, runId: string, gate: StartGate): boolean {
  const run = tx.runs.require(runId);
  const decision = gate(tx, tx.jobs.require(run.jobId), run);
  if (decision.start) return false;
  holdRun(tx, run, decision.until, decision.reason);
  return true;
}

/** Keeps a run queued until `until`, saying why (the tree and `run show` print the reason). */
export function holdRun(tx: Tx, run: Run, until: Date, reason: string): Run {
  return (
    tx.runs.transition(run.id, NOT_STARTED, {
      status: 'queued',
      resumeAt: until.toISOString(),
      waitReason: reason,
    }) ?? run
  );
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
    tx.sql.get(`SELECT 1 AS x FROM job_runs r WHERE ${STARTABLE} AND ${NO_RUNNING_SIBLING} LIMIT 1`, [
      nowIso,
      nowIso,
    ]) !== undefined
  );
}
