import type { Run } from '../core/model';
import type { Tx } from '../storage/database';
import { ownerMayBeAlive } from './owner';
import type { OutcomeEffects } from './runOutcome';
import { recordOutcome } from './runOutcome';

/** Running runs of other owners that are gone: pid dead on this host, or heartbeat stopped. */
export function findStaleRuns(tx: Tx, now: Date, staleAfterMs: number, self: string): Run[] {
  const cutoff = now.getTime() - staleAfterMs;
  return tx.runs.list({ statuses: ['running'] }).filter((run) => {
    if (run.owner === self) return false;
    const heartbeat = Date.parse(run.heartbeatAt ?? run.startedAt ?? run.createdAt);
    return run.owner === null || !ownerMayBeAlive(run.owner) || heartbeat < cutoff;
  });
}

/**
 * Inside the write lock: marks abandoned runs and their unfinished phases failed and retries
 * them per policy. Nothing stays `running` forever.
 */
export function recoverStaleRuns(tx: Tx, now: Date, staleAfterMs: number, self: string): OutcomeEffects[] {
  const nowIso = now.toISOString();
  return findStaleRuns(tx, now, staleAfterMs, self).map((run) => {
    const why = `The process running it (${run.owner ?? 'unknown'}) stopped without finishing it.`;
    for (const p of tx.processes.listByRun(run.id)) {
      if (p.status === 'running' || p.status === 'queued') {
        tx.processes.update(p.id, { status: 'failed', endTime: nowIso, errorMessage: why });
      }
    }
    return recordOutcome(tx, run.id, { status: 'failed', error: why, retryable: true }, now);
  });
}
