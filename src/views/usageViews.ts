// The usage side of the extension, built once by the composition root: the monitor over Claude
// Code's transcripts and the runs, the dashboard webview and the status bar item, following the
// `nightPilot.usage.*` settings.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NightPilotDatabase } from '../storage/database';
import { UsageMonitor } from '../usage/usageMonitor';
import { TRANSCRIPT_CACHE_FILE } from '../usage/usageQuery';
import type { Logger } from './logger';
import { UsageDashboard } from './usageDashboard';
import { readUsageOptions } from './usageSettings';
import { UsageStatusBar } from './usageStatusBar';

export interface UsageViews {
  dashboard: UsageDashboard;
  statusBar: UsageStatusBar | undefined;
  /** Where the transcript cache lives (the scheduler's smart start shares it). */
  cachePath: string;
  /** Recomputes what is shown (the database changed). */
  update(): void;
}

export function createUsageViews(
  context: vscode.ExtensionContext,
  database: NightPilotDatabase | undefined,
  databaseError: string | undefined,
  log: Logger,
): UsageViews {
  const options = () =>
    readUsageOptions(context.globalStorageUri.fsPath, (problem) => {
      log.warn(problem);
      void vscode.window.showWarningMessage(problem);
    });
  const monitor = database ? new UsageMonitor(database, options()) : undefined;
  const dashboard = new UsageDashboard(context.extensionUri, monitor, log, databaseError);
  const statusBar = monitor ? new UsageStatusBar(monitor, log) : undefined;
  context.subscriptions.push(
    { dispose: () => monitor?.saveCache() },
    dashboard,
    ...(statusBar ? [statusBar] : []),
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
    statusBar,
    cachePath: path.join(context.globalStorageUri.fsPath, TRANSCRIPT_CACHE_FILE),
    update: () => {
      statusBar?.refreshSoon();
      dashboard.updateSoon();
    },
  };
}
