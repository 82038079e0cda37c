// Cancelling a run, whoever runs it: the one implementation behind `run cancel`, the Cancel Run
// command, Ctrl-C of `job run`, the cancel button of "Run Job Now" and job deletion.

import type { Run } from '../core/model';
import type { NightPilotDatabase } from '../storage/database';
import { ownerIsGone } from './owner';
import { NOT_STARTED, recordOutcome } from './runOutcome';
import { recoverAbandonedRun, stopPhaseProcesses } from './runRecovery';

export interface CancelOptions {
  /** An owner on another host is gone when its heartbeat is older than this. */
  staleAfterMs: number;
  /** Between SIGTERM and SIGKILL when an abandoned run's processes are stopped. */
  killGraceMs: number;
  now: () => Date;
}

/**
 * Cancels a run, or asks its owner to:
 * - queued, or waiting for a usage limit: cancelled at once;
 * - running, its owner alive: `cancel_requested` is set; the owner notices within half a second,
 *   stops Claude, runs the cleanup phase and records the run `cancelled`;
 * - running, its owner gone: what its phases left running is stopped first, then it is cancelled
 *   here (its cleanup phase cannot run; the error says so).
 * Every change is a compare-and-set, so a run that ends meanwhile is left as it ended. Returns the
 * run as it is afterwards (a finished run is returned unchanged).
 */
export async function cancelRun(db: NightPilotDatabase, runId: string, options: CancelOptions): Promise<Run> {
  for (;;) {
    const seen = db.read((tx) => {
      const run = tx.runs.require(runId);
      return { run, phases: tx.processes.listByRun(runId) };
    });
    const { run } = seen;
    if (run.status === 'queued' || run.status === 'waiting_for_limit') {
      const done = await db.write((tx) =>
        recordOutcome(
          tx,
          runId,
          NOT_STARTED,
          {
            status: 'cancelled',
            error:
              run.status === 'waiting_for_limit'
                ? 'Cancelled while waiting for the usage limit to reset.'
                : 'Cancelled by request.',
          },
          options.now(),
        ),
      );
      if (done !== null) return done.run;
      continue; // started or ended meanwhile: look again
    }
    if (run.status !== 'running') return run;
    if (ownerIsGone(run, options.now(), options.staleAfterMs, db.heartbeats)) {
      const unfinished = seen.phases.filter((p) => p.status === 'running' || p.status === 'queued');
      const problems = await stopPhaseProcesses(unfinished, options.killGraceMs);
      const done = await db.write((tx) =>
        recoverAbandonedRun(tx, { ...run, cancelRequested: true }, problems, options.now()),
      );
      if (done !== null) return done.run;
      continue;
    }
    // Asked already: its owner is on it (a read, so callers may poll this).
    if (run.cancelRequested) return run;
    const flagged = await db.write((tx) =>
      tx.runs.transition(runId, { from: ['running'], owner: run.owner }, { cancelRequested: true }),
    );
    if (flagged !== null) return flagged;
  }
}
