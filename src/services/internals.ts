// The services behind the public API, reachable from the integration tests only: activate() adds
// them to the API object, under this key and not enumerable, when VS Code runs the extension's tests
// (ExtensionMode.Test). Other extensions get the small API of src/api.ts.
import type { ClaudeLocation } from '../scheduler/claudeLocator';
import type { JobsTreeProvider } from '../views/jobsTree';
import type { RunNotifications } from '../views/notifications';
import type { SeenFailures } from '../views/seenFailures';
import type { NightPilotStatusBar } from '../views/statusBar';
import type { TranscriptProvider } from '../views/transcriptDocument';
import type { UsageDashboard } from '../views/usageDashboard';
import type { UsageStatusBar } from '../views/usageStatusBar';
import type { DatabaseHost } from './databaseHost';
import type { SchedulerHost } from './schedulerHost';

export const INTERNALS_KEY = '__nightPilotInternals';

export interface NightPilotInternals {
  readonly databaseHost: DatabaseHost;
  readonly jobsTree: JobsTreeProvider;
  readonly transcripts: TranscriptProvider;
  readonly statusBar: NightPilotStatusBar;
  readonly seenFailures: SeenFailures;
  readonly usageDashboard: UsageDashboard;
  usageStatusBar(): UsageStatusBar | undefined;
  /** The scheduler of this window, once the database is open. */
  schedulerHost(): SchedulerHost | undefined;
  notifications(): RunNotifications | undefined;
  /** Where the Claude CLI is, or why it was not found (settles after the first search). */
  claudeLocation(): Promise<ClaudeLocation>;
  /** activate()'s entry and return (ms since the epoch). */
  readonly activation: { readonly started: number; readonly returned: number };
}
