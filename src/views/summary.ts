import type { Job } from '../core/model';
import type { LimitHold } from '../scheduler/limitHold';
import { activeLimitHold, isQuietMode } from '../scheduler/limitHold';
import type { NightPilotDatabase } from '../storage/database';
import { setContextKey } from '../services/contextKeys';

/** What the status bar and the `when` clauses need, read in one pass. */
export interface JobsSummary {
  jobCount: number;
  /** Runs executing now, in any window or CLI process. */
  runningCount: number;
  /** Runs not finished: queued, running or waiting for a limit. */
  activeRunCount: number;
  /** Quiet mode: no job starts until it is turned off. */
  quiet: boolean;
  /** The account-wide usage-limit hold in force, if any. */
  hold: LimitHold | null;
  /** Runs that failed since the user last looked at the Jobs view. */
  failuresSinceSeen: number;
  /** The active job that fires next, if any. */
  next: { job: Job; at: string } | undefined;
}

/** Reads the summary; `seenAt` is when the user last looked (failures after it are counted). */
export function readJobsSummary(db: NightPilotDatabase, now: Date, seenAt: string): JobsSummary {
  return db.read((tx) => {
    const jobs = tx.jobs.list();
    let next: JobsSummary['next'];
    for (const job of jobs) {
      if (job.status !== 'active' || job.nextRunTime === null) continue;
      if (!next || job.nextRunTime < next.at) next = { job, at: job.nextRunTime };
    }
    const active = tx.runs.listActive();
    const failures = tx.sql.get(
      `SELECT COUNT(*) AS n FROM job_runs WHERE status = 'failed' AND ended_at > ?`,
      [seenAt],
    );
    return {
      jobCount: jobs.length,
      runningCount: active.filter((r) => r.status === 'running').length,
      activeRunCount: active.length,
      quiet: isQuietMode(tx),
      hold: activeLimitHold(tx, now),
      failuresSinceSeen: Number(failures?.n ?? 0),
      next,
    };
  });
}

/** Keeps the menus' `when` clauses in line with the database. */
export function updateContextKeys(summary: JobsSummary): void {
  setContextKey('nightPilot:hasJobs', summary.jobCount > 0);
  setContextKey('nightPilot:hasActiveRuns', summary.activeRunCount > 0);
  setContextKey('nightPilot:quietMode', summary.quiet);
}
