// Turns "the scheduler changed something" notifications into per-run events (started, waiting
// for a usage limit, resumed, ended) for the CLI's log lines, by comparing what the database says
// about the runs of interest with what was seen last time.

import { FINAL_RUN_STATUSES } from '../core/model';
import type { Run, RunStatus } from '../core/model';
import type { NightPilotDatabase } from '../storage/database';

export type RunEventKind = 'started' | 'waiting' | 'resumed' | 'ended';

export interface RunEvent {
  kind: RunEventKind;
  run: Run;
  /** Null when the job was removed meanwhile. */
  jobName: string | null;
  /** The job's time zone (UTC when it is gone). */
  zone: string;
}

/** Follows the runs `isMine` picks among the unfinished ones, from when they are first seen. */
export class RunTracker {
  private readonly _last = new Map<string, RunStatus>();

  constructor(
    private readonly _db: NightPilotDatabase,
    private readonly _isMine: (run: Run) => boolean,
    private readonly _emit: (event: RunEvent) => void,
  ) {}

  /** Every run followed so far, in the order first seen. */
  get runIds(): string[] {
    return [...this._last.keys()];
  }

  /** Compares the database with what was seen last and emits what changed. Never throws. */
  update(): void {
    let events: RunEvent[];
    try {
      events = this._db.read((tx) => {
        const found: RunEvent[] = [];
        const event = (kind: RunEventKind, run: Run) => {
          const job = tx.jobs.get(run.jobId);
          found.push({ kind, run, jobName: job?.name ?? null, zone: job?.timezone ?? 'UTC' });
        };
        for (const [id, last] of this._last) {
          if (FINAL_RUN_STATUSES.includes(last)) continue;
          const run = tx.runs.get(id);
          if (run === undefined) {
            // Removed with its job (`job remove --force`): nothing more will happen to it.
            this._last.set(id, 'cancelled');
            continue;
          }
          if (run.status === last) continue;
          this._last.set(id, run.status);
          if (FINAL_RUN_STATUSES.includes(run.status)) event('ended', run);
          else if (run.status === 'waiting_for_limit') event('waiting', run);
          else if (run.status === 'running') event('resumed', run);
        }
        // Oldest first, so the log reads in the order things happened.
        for (const run of tx.runs.listActive().reverse()) {
          if (this._last.has(run.id) || run.status === 'queued' || !this._isMine(run)) continue;
          this._last.set(run.id, run.status);
          event(run.status === 'running' ? 'started' : 'waiting', run);
        }
        return found;
      });
    } catch {
      // A transient read problem (the file being replaced) only delays the log line.
      return;
    }
    for (const event of events) this._emit(event);
  }
}
