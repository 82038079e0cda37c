// What `activate()` returns: `vscode.extensions.getExtension('night-pilot.night-pilot').exports`.
// Other extensions (and scripts) may use it: it is small on purpose and stays compatible within
// `apiVersion`. Times are ISO-8601 UTC strings; statuses are the lower-case strings of the CLI's JSON.
import type * as vscode from 'vscode';

export interface JobInfo {
  readonly id: string;
  readonly name: string;
  /** `active`, `paused`, `completed` or `failed`. */
  readonly status: string;
  readonly cronExpression: string;
  /** The IANA zone the cron expression is read in. */
  readonly timezone: string;
  /** The job whose success triggers this one, if any. */
  readonly parentJobId: string | null;
  readonly nextRunTime: string | null;
  readonly lastRunTime: string | null;
}

export interface RunInfo {
  readonly id: string;
  readonly jobId: string;
  /** `queued`, `running`, `waiting_for_limit`, `succeeded`, `failed`, `cancelled` or `skipped`. */
  readonly status: string;
  /** `schedule`, `manual`, `retry`, `catch_up`, `parent` or `limit_resume`. */
  readonly trigger: string;
  readonly scheduledFor: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly error: string | null;
  /** What the run's Claude usage cost in US dollars, as recorded; null when nothing was recorded. */
  readonly costUsd: number | null;
}

export interface NightPilotApi {
  /** Bumped when a change would break a caller. */
  readonly apiVersion: 1;
  /** Every job. Waits for the database to open; rejects with the reason when it cannot be. */
  jobs(): Promise<JobInfo[]>;
  /** Runs, newest first: of one job when `jobId` is given; at most `limit` (default 100). */
  runs(options?: { jobId?: string; limit?: number }): Promise<RunInfo[]>;
  /**
   * Runs a job now in this window and resolves with the run once it has ended (a usage-limit wait
   * included); `undefined` when nothing ran. Rejects when the job cannot be run (unknown id,
   * Restricted Mode, no database), with the error the user is also shown.
   */
  runJob(jobId: string): Promise<RunInfo | undefined>;
  /** Fires when runs may have changed (started, ended, added by any window or the CLI). */
  readonly onDidChangeRuns: vscode.Event<void>;
}
