import type * as vscode from 'vscode';
import type { Run } from '../core/model';
import type { CancelOptions } from '../scheduler/runCancel';
import { DEFAULT_SCHEDULER_SETTINGS } from '../scheduler/settings';
import type { NightPilotDatabase } from '../storage/database';
import { StorageError } from '../storage/errors';
import type { Logger } from '../services/logger';
import type { SchedulerHost } from '../services/schedulerHost';
import type { JobsTreeProvider } from '../views/jobsTree';
import type { TranscriptProvider } from '../views/transcriptDocument';

/**
 * What the command handlers share, built once by the composition root. The database opens after
 * activation: the command wrapper waits for it before a handler runs, so `database` and
 * `schedulerHost` are final by then.
 */
export interface CommandContext {
  /** Undefined when the database could not be opened; `requireDatabase` explains that. */
  readonly database: NightPilotDatabase | undefined;
  readonly databasePath: string;
  /** Why the database could not be opened, as shown at activation. */
  readonly databaseError: string | undefined;
  /** Resolves once the database has opened or failed to (see DatabaseHost.ready). */
  readonly ready: Promise<unknown>;
  readonly channel: vscode.LogOutputChannel;
  readonly log: Logger;
  /** Runs jobs in this window; undefined when the database could not be opened. */
  readonly schedulerHost: SchedulerHost | undefined;
  readonly jobsTree: JobsTreeProvider;
  readonly transcripts: TranscriptProvider;
  /** Repaints the views after a change this window made. */
  refresh(): void;
  /** Opens the usage dashboard (or brings it to the front). */
  openUsageDashboard(): void;
  /** Shows a run in the Jobs view (expanded to it, selected). */
  revealRun(run: Run): Promise<void>;
  /** Puts the database's last-good copy back (with a confirmation); true when it did. */
  restoreDatabase(): Promise<boolean>;
  /** Opens the legacy migration wizard (at a file's preview, when given). */
  migrateLegacy(file?: string): unknown;
  /** Undoes a legacy migration (the one in this backup folder, when given). */
  undoLegacyMigration(folder?: string): Promise<boolean>;
}

/** How this window cancels runs: through its scheduler when it has one (its own stop at once). */
export function cancelOptionsOf(ctx: CommandContext): CancelOptions {
  if (ctx.schedulerHost) return ctx.schedulerHost.cancelOptions;
  const { staleAfterMs, killGraceMs } = DEFAULT_SCHEDULER_SETTINGS;
  return { staleAfterMs, killGraceMs, now: () => new Date() };
}

/** The open database, or an error that repeats why it could not be opened. */
export function requireDatabase(ctx: CommandContext): NightPilotDatabase {
  if (ctx.database) return ctx.database;
  throw new StorageError(
    `Night Pilot could not open its database ${ctx.databasePath}: ${ctx.databaseError ?? 'unknown reason'}`,
  );
}
