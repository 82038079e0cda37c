// The usage side of the extension, built once by the composition root: the monitor over Claude
// Code's transcripts and the runs, the dashboard webview and the status bar item, following the
// `nightPilot.usage.*` settings. The dashboard's serializer is registered at once (VS Code restores
// an open dashboard right after activation); the monitor and the status bar item come when the
// database has opened.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatabaseHost } from '../services/databaseHost';
import type { Logger } from '../services/logger';
import { readUsageOptions } from '../services/usageSettings';
import type { NightPilotDatabase } from '../storage/database';
import { UsageMonitor } from '../usage/usageMonitor';
import { TRANSCRIPT_CACHE_FILE } from '../usage/usageQuery';
import { UsageDashboard } from './usageDashboard';
import { UsageStatusBar } from './usageStatusBar';

export interface UsageViews {
  dashboard: UsageDashboard;
  /** The usage status bar item, once the database is open. */
  statusBar(): UsageStatusBar | undefined;
  /** Where the transcript cache lives (the scheduler's smart start shares it). */
  cachePath: string;
  /** The database opened: the monitor and the status bar item start. */
  attach(database: NightPilotDatabase): void;
  /** Recomputes what is shown (the database changed). */
  update(): void;
}

export function createUsageViews(
  context: vscode.ExtensionContext,
  databaseHost: DatabaseHost,
  log: Logger,
): UsageViews {
  const options = () =>
    readUsageOptions(context.globalStorageUri.fsPath, (problem) => {
      log.warn(problem);
      void vscode.window.showWarningMessage(problem);
    });
  let monitor: UsageMonitor | undefined;
  let statusBar: UsageStatusBar | undefined;
  const dashboard = new UsageDashboard(
    context.extensionUri,
    {
      ready: databaseHost.ready,
      monitor: () => monitor,
      databaseError: () => databaseHost.failure?.message,
    },
    log,
  );
  context.subscriptions.push(
    { dispose: () => monitor?.saveCache() },
    { dispose: () => statusBar?.dispose() },
    dashboard,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!monitor || !e.affectsConfiguration('nightPilot.usage')) return;
      monitor.configure(options());
      statusBar?.applyVisibility();
      void statusBar?.update();
      dashboard.update();
    }),
  );
  return {
    dashboard,
    statusBar: () => statusBar,
    cachePath: path.join(context.globalStorageUri.fsPath, TRANSCRIPT_CACHE_FILE),
    attach: (database) => {
      monitor = new UsageMonitor(database, options());
      statusBar = new UsageStatusBar(monitor, log);
    },
    update: () => {
      statusBar?.refreshSoon();
      dashboard.updateSoon();
    },
  };
}
