// Runs whose owner died: found, their process groups stopped, then failed (or cancelled, when a
// cancellation was asked for) and retried per policy, so nothing stays `running` forever and a
// retry never runs beside an orphaned Claude.

import type { ExecutionProcess, Run } from '../core/model';
import type { NightPilotDatabase, Tx } from '../storage/database';
import type { HeartbeatSource } from './owner';
import { ownerIsGone } from './owner';
import type { RecordedGroup, StopResult } from './processGroup';
import { stopRecordedGroup } from './processGroup';
import type { OutcomeEffects } from './runOutcome';
import { recordOutcome } from './runOutcome';

/** A running run whose owner is gone, with the phases that may still have processes. */
export interface AbandonedRun {
  run: Run;
  unfinished: ExecutionProcess[];
}

/** Running runs of other owners that are gone (see ownerIsGone). */
export function findAbandonedRuns(
  tx: Tx,
  now: Date,
  staleAfterMs: number,
  self: string,
  heartbeats: HeartbeatSource,
): AbandonedRun[] {
  return tx.runs
    .list({ statuses: ['running'] })
    .filter((run) => run.owner !== self && ownerIsGone(run, now, staleAfterMs, heartbeats))
    .map((run) => ({ run, unfinished: unfinishedPhases(tx, run.id) }));
}

function unfinishedPhases(tx: Tx, runId: string): ExecutionProcess[] {
  return tx.processes.listByRun(runId).filter((p) => p.status === 'running' || p.status === 'queued');
}

function groupOf(p: ExecutionProcess): RecordedGroup | null {
  return p.pgid === null || p.pgidHost === null
    ? null
    : { pgid: p.pgid, start: p.pgidStart, host: p.pgidHost };
}

/**
 * Stops what the unfinished phases of a run left running (SIGTERM, then SIGKILL after `graceMs`).
 * Returns a sentence for each group that could not be stopped (empty when all are gone).
 */
export async function stopPhaseProcesses(
  phases: readonly ExecutionProcess[],
  graceMs: number,
): Promise<string[]> {
  const problems: string[] = [];
  for (const phase of phases) {
    const group = groupOf(phase);
    if (group === null) continue;
    const result: StopResult = await stopRecordedGroup(group, graceMs);
    if (result === 'survived') {
      problems.push(`its ${phase.processType} process group ${group.pgid} could not be stopped`);
    } else if (result === 'other-host') {
      problems.push(`its ${phase.processType} process runs on ${group.host}, out of reach from here`);
    }
  }
  return problems;
}

/**
 * Inside the write lock: ends an abandoned run, as long as it is still running under the owner it
 * was found with (a compare-and-set: another recoverer, or its owner waking up, wins otherwise).
 * A run whose cancellation was asked for ends `cancelled`; any other fails and is retried per
 * policy, unless a process it left could not be stopped (a retry must not run beside it).
 */
export function recoverAbandonedRun(
  tx: Tx,
  found: Run,
  problems: readonly string[],
  now: Date,
): OutcomeEffects | null {
  const nowIso = now.toISOString();
  const who = found.owner ?? 'unknown';
  const left = problems.length > 0 ? ` ${problems.join('; ')}.` : '';
  const why = found.cancelRequested
    ? `Cancelled by request; the process running it (${who}) is gone, so its cleanup phase did not run.${left}`
    : `The process running it (${who}) stopped without finishing it.${left}${left ? ' Not retried.' : ''}`;
  const effects = recordOutcome(
    tx,
    found.id,
    { from: ['running'], owner: found.owner },
    found.cancelRequested
      ? { status: 'cancelled', error: why }
      : { status: 'failed', error: why, retryable: problems.length === 0 },
    now,
  );
  if (effects === null) return null;
  for (const p of unfinishedPhases(tx, found.id)) {
    tx.processes.update(p.id, {
      status: found.cancelRequested ? 'cancelled' : 'failed',
      endTime: nowIso,
      errorMessage: why,
    });
  }
  return effects;
}

/** Recovers every abandoned run: their processes stopped first, then each ended in one write. */
export async function recoverAbandonedRuns(
  db: NightPilotDatabase,
  abandoned: readonly AbandonedRun[],
  graceMs: number,
  now: () => Date,
): Promise<OutcomeEffects[]> {
  const problems = new Map<string, string[]>();
  for (const { run, unfinished } of abandoned)
    problems.set(run.id, await stopPhaseProcesses(unfinished, graceMs));
  return db.write((tx) =>
    abandoned.flatMap(({ run }) => recoverAbandonedRun(tx, run, problems.get(run.id) ?? [], now()) ?? []),
  );
}
