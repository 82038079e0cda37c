// What `activate()` returns: `vscode.extensions.getExtension('night-pilot.night-pilot').exports`.
// The integration tests use it; other extensions may too, so keep it small and stable.
import type { ClaudeLocation } from './scheduler/claudeLocator';
import type { NightPilotDatabase } from './storage/database';
import type { JobsTreeProvider } from './views/jobsTree';
import type { SchedulerHost } from './views/schedulerHost';
import type { UsageDashboard } from './views/usageDashboard';
import type { UsageStatusBar } from './views/usageStatusBar';

export interface NightPilotApi {
  /** The database file this window uses (in the extension's global storage folder). */
  readonly databasePath: string;
  /** The open database, or undefined when it could not be opened (see `activationError`). */
  readonly database: NightPilotDatabase | undefined;
  /** Why activation could not open the database, as shown to the user; undefined when it could. */
  readonly activationError: string | undefined;
  /** The provider behind the Jobs view. */
  readonly jobsTree: JobsTreeProvider;
  /** The scheduler of this window (its `started` flag, `scheduler.status()`); undefined without a database. */
  readonly scheduler: SchedulerHost | undefined;
  /** Where the Claude CLI is, or why it was not found (settles after the first search). */
  claudeLocation(): Promise<ClaudeLocation>;
  /** The usage dashboard webview (its `panel` while open). */
  readonly usageDashboard: UsageDashboard;
  /** The usage status bar item; undefined without a database. */
  readonly usageStatusBar: UsageStatusBar | undefined;
}
