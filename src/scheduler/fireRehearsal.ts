// The first fire of a fresh process used to take two to three times as long as the next ones
// (35-90 ms against 15 ms from the scheduled instant to Claude spawned, with 10,000 runs stored):
// V8 compiles sql.js's WebAssembly one function at a time, on first call, on the main thread,
// and a fire is the first transaction of the process to insert a run into the big runs table,
// update a job, pick and start a run and add its phase. A rehearsal runs that same transaction
// while the scheduler is idle (Scheduler._rehearseWhenIdle says when) and rolls it back
// (NightPilotDatabase.rehearse): SQLite's code for it is compiled before a fire waits for it, and
// stays compiled for the life of the process.

import type { NightPilotDatabase } from '../storage/database';
import { claimDueFires } from './claimFires';
import { claimManualRun } from './runFollower';
import type { StartGate } from './runQueue';
import { startNextRun, startRun } from './runQueue';
import type { SchedulerSettings } from './settings';

/** A rehearsal costs 20-40 ms in a cold process: never closer than this to the next due event. */
export const REHEARSAL_MARGIN_MS = 200;
/** After the scheduler starts: not while a VS Code window is starting up, busy with everything. */
export const REHEARSAL_DELAY_MS = 5_000;

/**
 * Rehearses a fire at `at` for `owner` (rolled back: nothing is saved). Returns false when there
 * was no job to rehearse with (an empty database: there is nothing to fire yet either).
 */
export function rehearseFire(
  db: NightPilotDatabase,
  at: Date,
  owner: string,
  settings: SchedulerSettings,
  gate: StartGate,
): boolean {
  return db.rehearse((tx) => {
    const jobs = tx.jobs.list();
    const job = jobs.find((j) => j.status === 'active') ?? jobs[0];
    if (job === undefined) return false;
    // What a tick does: the due fires claimed (each job's next fire moved on), the queue asked.
    claimDueFires(tx, at, settings);
    let run = startNextRun(tx, at, owner, settings.concurrency, gate);
    // Nothing due at `at`: a run of the job claimed and started directly, for the same statements.
    if (run === null) {
      const claimed = claimManualRun(tx, job.id, at);
      run = claimed.busy ? null : startRun(tx, claimed.run.id, at, owner);
      tx.jobs.update(job.id, { nextRunTime: job.nextRunTime });
    }
    if (run !== null) {
      // As phaseRunner records a phase once its process group exists.
      const phase = tx.processes.insert({
        runId: run.id,
        jobId: run.jobId,
        processType: 'execution',
        status: 'running',
        startTime: at.toISOString(),
        logFile: 'execution.log',
      });
      tx.processes.update(phase.id, { pgid: 1, pgidStart: null, pgidHost: null });
    }
    return true;
  });
}
