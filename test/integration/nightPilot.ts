// The extension under test: its public API and, because VS Code runs these tests in
// ExtensionMode.Test, the services behind it (src/services/internals.ts), once the database is open.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NightPilotApi } from '../../src/api';
import type { NightPilotInternals } from '../../src/services/internals';
import { INTERNALS_KEY } from '../../src/services/internals';
import type { SchedulerHost } from '../../src/services/schedulerHost';
import type { NightPilotDatabase } from '../../src/storage/database';

export const EXTENSION_ID = 'night-pilot.night-pilot';

export interface NightPilotUnderTest {
  readonly extension: vscode.Extension<NightPilotApi>;
  readonly api: NightPilotApi;
  readonly internals: NightPilotInternals;
  readonly databasePath: string;
  /** The open database; undefined when it could not be opened (see activationError). */
  readonly database: NightPilotDatabase | undefined;
  readonly activationError: string | undefined;
  readonly jobsTree: NightPilotInternals['jobsTree'];
  readonly scheduler: SchedulerHost | undefined;
  readonly usageDashboard: NightPilotInternals['usageDashboard'];
  readonly usageStatusBar: ReturnType<NightPilotInternals['usageStatusBar']>;
  claudeLocation: NightPilotInternals['claudeLocation'];
}

/** Activates the extension and waits until its database has opened (or failed to). */
export async function openNightPilot(): Promise<NightPilotUnderTest> {
  const extension = vscode.extensions.getExtension<NightPilotApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  const api = await extension.activate();
  const internals = (api as unknown as Record<string, NightPilotInternals | undefined>)[INTERNALS_KEY];
  assert.ok(internals, 'the extension does not expose its internals: is it running in ExtensionMode.Test?');
  await internals.databaseHost.ready;
  return {
    extension,
    api,
    internals,
    databasePath: internals.databaseHost.path,
    database: internals.databaseHost.database,
    activationError: internals.databaseHost.failure?.message,
    jobsTree: internals.jobsTree,
    get scheduler() {
      return internals.schedulerHost();
    },
    usageDashboard: internals.usageDashboard,
    get usageStatusBar() {
      return internals.usageStatusBar();
    },
    claudeLocation: () => internals.claudeLocation(),
  };
}
