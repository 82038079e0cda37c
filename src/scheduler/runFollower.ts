// "Run Job Now" and `job run`: a manual run is inserted like any fire, and then only followed to
// its end. Starting it, waiting for a usage limit, resuming and retrying are the queue's; the
// follower only asks the queue to start the run here when the queue allows it (so the run goes
// even where no scheduler loop runs), and turns its own cancellation into a queue cancellation.

import type { Run } from '../core/model';
import { FINAL_RUN_STATUSES } from '../core/model';
import type { NightPilotDatabase, Tx } from '../storage/database';
import { ACTIVE_RUN_STATUSES } from '../storage/runRepository';

/** How often the follower looks at its run. Reads cost a stat while the file is unchanged. */
const FOLLOW_POLL_MS = 250;

/** What became of a "Run Job Now". */
export type RunNowResult =
  /** The job already has a run in progress (concurrency 1 per job): nothing was started. */
  | { kind: 'busy'; run: Run }
  /** The manual run, as it ended. */
  | { kind: 'ended'; run: Run }
  /** The job was deleted while the run went on: its last state seen. */
  | { kind: 'removed'; run: Run };

/** What the follower needs from the scheduler of its process. */
export interface FollowHost {
  readonly db: NightPilotDatabase;
  /** True once the scheduler is stopping: the follower then cancels what it asked for. */
  isStopping(): boolean;
  /** Asks the queue to start the run in this process, if its rules allow it now. */
  tryStart(runId: string): Promise<void>;
  /** Cancels the run through the queue (see runCancel). */
  cancel(runId: string): Promise<Run>;
}

/**
 * Inside the write lock: inserts the manual run of `jobId` as a queued fire (the unique
 * (job, instant, attempt) claim, like any fire), unless the job already has an unfinished run:
 * then that run is returned as busy. Manual runs obey the overlap rule like scheduled ones.
 */
export function claimManualRun(tx: Tx, jobId: string, now: Date): { run: Run; busy: boolean } {
  tx.jobs.require(jobId);
  const active = tx.runs.list({ jobId, statuses: ACTIVE_RUN_STATUSES, limit: 1 })[0];
  if (active) return { run: active, busy: true };
  // Two requests in the same millisecond after the last run ended: the next instant is free.
  for (let at = now.getTime(); ; at++) {
    const run = tx.runs.claim({ jobId, trigger: 'manual', scheduledFor: new Date(at).toISOString() });
    if (run) return { run, busy: false };
  }
}

/**
 * Follows the run to its end. `onProgress` hears each change of its status (queued, running,
 * waiting for a limit, running again...). Aborting `signal` cancels the run (at once when it is
 * queued or waiting; a running one stops Claude and runs its cleanup phase first) and the
 * follower still returns only once the run has ended. Timers and listeners are per wait, never
 * accumulated, however long the run waits.
 */
export async function followRun(
  host: FollowHost,
  first: Run,
  signal: AbortSignal,
  onProgress?: (run: Run) => void,
): Promise<RunNowResult> {
  let last = first;
  let cancelling = false;
  onProgress?.(first);
  for (;;) {
    const run = host.db.read((tx) => tx.runs.get(first.id));
    if (run === undefined) return { kind: 'removed', run: last };
    if (run.status !== last.status || run.resumeAt !== last.resumeAt) onProgress?.(run);
    last = run;
    if (FINAL_RUN_STATUSES.includes(run.status)) return { kind: 'ended', run };
    if ((signal.aborted || host.isStopping()) && !cancelling) {
      cancelling = true;
      last = await host.cancel(run.id);
      continue;
    }
    if (!cancelling && (run.status === 'queued' || run.status === 'waiting_for_limit'))
      await host.tryStart(run.id);
    await pause(FOLLOW_POLL_MS, signal);
  }
}

/** Waits `ms`, or less when `signal` aborts meanwhile; leaves no timer and no listener behind. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      setTimeout(resolve, ms);
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
