import * as vscode from 'vscode';
import type { Job } from '../core/model';
import { isQuietMode } from '../scheduler/limitHold';
import type { NightPilotDatabase } from '../storage/database';

/** The few numbers the status bar and the `when` clauses need. */
export interface JobsSummary {
  jobCount: number;
  activeRunCount: number;
  /** Quiet mode: no job starts until it is turned off. */
  quiet: boolean;
  /** The active job that fires next, if any. */
  next: { job: Job; at: string } | undefined;
}

/** Reads the summary in one pass over the jobs. */
export function readJobsSummary(db: NightPilotDatabase): JobsSummary {
  return db.read((tx) => {
    const jobs = tx.jobs.list();
    let next: JobsSummary['next'];
    for (const job of jobs) {
      if (job.status !== 'active' || job.nextRunTime === null) continue;
      if (!next || job.nextRunTime < next.at) next = { job, at: job.nextRunTime };
    }
    return {
      jobCount: jobs.length,
      activeRunCount: tx.runs.listActive().length,
      quiet: isQuietMode(tx),
      next,
    };
  });
}

const contextKeyValues = new Map<string, unknown>();

/** Sets a `nightPilot:*` context key for `when` clauses, skipping values that did not change. */
export function setContextKey(key: string, value: unknown): void {
  if (contextKeyValues.get(key) === value) return;
  contextKeyValues.set(key, value);
  void vscode.commands.executeCommand('setContext', key, value);
}

/** Keeps the menus' `when` clauses in line with the database. */
export function updateContextKeys(summary: JobsSummary): void {
  setContextKey('nightPilot:hasJobs', summary.jobCount > 0);
  setContextKey('nightPilot:hasActiveRuns', summary.activeRunCount > 0);
  setContextKey('nightPilot:quietMode', summary.quiet);
}
