// The composition root: builds the services, registers everything into context.subscriptions and
// returns the public API. Behaviour lives in src/views and src/commands.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NightPilotApi } from './api';
import type { CommandContext } from './commands/commandContext';
import { requireDatabase } from './commands/commandContext';
import { registerCommands } from './commands/registerCommands';
import { NightPilotDatabase } from './storage/database';
import { CorruptDatabaseError } from './storage/errors';
import { DatabaseHealth } from './views/databaseHealth';
import { ClaudeCheck } from './views/claudeCheck';
import { registerMigration } from './views/migration/registerMigration';
import { JobsTreeProvider } from './views/jobsTree';
import type { Logger } from './views/logger';
import { componentLogger, errorMessage } from './views/logger';
import { SchedulerHost } from './views/schedulerHost';
import { NightPilotStatusBar } from './views/statusBar';
import { readJobsSummary, setContextKey, updateContextKeys } from './views/summary';
import { registerPrompts } from './prompts/registerPrompts';
import { createUsageViews } from './views/usageViews';

const DATABASE_FILE = 'claude-night-pilot.db';

/** The orderly stop of this activation; `deactivate` returns it (see SchedulerHost.shutdown). */
let shutdown: (() => Promise<void>) | undefined;

async function openDatabase(
  context: vscode.ExtensionContext,
  databasePath: string,
  log: Logger,
): Promise<{ database?: NightPilotDatabase; error?: string; damaged?: boolean }> {
  try {
    fs.mkdirSync(path.dirname(databasePath), { recursive: true });
    const database = await NightPilotDatabase.open(databasePath, {
      wasmPath: context.asAbsolutePath('dist/sql-wasm.wasm'),
      lockLabel: `VS Code extension host (pid ${process.pid})`,
    });
    log.info(`Database: ${databasePath}`);
    return { database };
  } catch (err) {
    // StorageError messages already name the file and the fix; anything else gets the path added.
    const message = errorMessage(err).includes(databasePath)
      ? errorMessage(err)
      : `Night Pilot could not open its database ${databasePath}: ${errorMessage(err)}`;
    log.error(message, err);
    return { error: message, damaged: err instanceof CorruptDatabaseError };
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<NightPilotApi> {
  const started = Date.now();
  const channel = vscode.window.createOutputChannel('Night Pilot', { log: true });
  context.subscriptions.push(channel);
  const log = componentLogger(channel, 'extension');
  log.info(`Activating Night Pilot ${context.extension.packageJSON.version} in ${vscode.env.appName}.`);

  const databasePath = path.join(context.globalStorageUri.fsPath, DATABASE_FILE);
  const { database, error, damaged } = await openDatabase(context, databasePath, log);

  const statusBar = new NightPilotStatusBar();
  const health = new DatabaseHealth(
    databasePath,
    context.asAbsolutePath('dist/sql-wasm.wasm'),
    componentLogger(channel, 'storage'),
    statusBar,
    () => channel.show(true),
  );
  const jobsTree = new JobsTreeProvider(database, componentLogger(channel, 'tree'));
  const claude = new ClaudeCheck(componentLogger(channel, 'claude'), statusBar, () => channel.show(true));
  context.subscriptions.push(statusBar, jobsTree, jobsTree.createView(), claude);

  const usage = createUsageViews(context, database, error, componentLogger(channel, 'usage'));
  const schedulerHost = database
    ? new SchedulerHost(
        database,
        componentLogger(channel, 'scheduler'),
        () => jobsTree.refresh(),
        usage.cachePath,
      )
    : undefined;
  if (schedulerHost) context.subscriptions.push(schedulerHost);

  const commandContext: CommandContext = {
    database,
    databasePath,
    databaseError: error,
    channel,
    log: componentLogger(channel, 'commands'),
    schedulerHost,
    refresh: () => jobsTree.refresh(),
    openUsageDashboard: () => usage.dashboard.open(),
    revealRun: (run) => jobsTree.revealRun(run),
    restoreDatabase: () => health.restore(),
  };
  context.subscriptions.push(...registerCommands(commandContext));
  const migrationDeps = database
    ? { extensionUri: context.extensionUri, database, jobsTree, log: componentLogger(channel, 'migration') }
    : undefined;
  context.subscriptions.push(
    ...registerMigration(migrationDeps, context.globalState, () => void requireDatabase(commandContext)),
  );

  // VS Code disposes the subscriptions right after calling deactivate without waiting for it:
  // both paths share one stop, which closes the database only once the runs have stopped.
  let closing: Promise<void> | undefined;
  shutdown = () =>
    (closing ??= (async () => {
      await schedulerHost?.shutdown();
      database?.close();
    })());
  context.subscriptions.push({ dispose: () => void shutdown?.() });

  if (database) {
    // The tree's refresh is the one coalesced repaint; the status bar and menus follow it.
    const updateSummary = () => {
      try {
        const summary = readJobsSummary(database);
        statusBar.setSummary(summary);
        updateContextKeys(summary);
        usage.update();
      } catch (err) {
        log.error(`Could not read the job summary: ${errorMessage(err)}`, err);
      }
    };
    updateSummary();
    // Prompt files: diagnostics, CodeLens, stored prompts in editor tabs, renames followed.
    const prompts = registerPrompts(database, componentLogger(channel, 'prompts'), () => jobsTree.refresh());
    context.subscriptions.push(
      ...prompts.disposables,
      jobsTree.onDidChangeTreeData(() => prompts.refresh()),
    );
    context.subscriptions.push(
      jobsTree.onDidChangeTreeData(updateSummary),
      database.onDidChange(() => jobsTree.refresh()),
      health.watch(database),
    );
  } else {
    health.report(error ?? 'Night Pilot could not open its database.', damaged === true);
  }
  setContextKey('nightPilot:databaseError', database === undefined);
  setContextKey('nightPilot:ready', true);
  log.info(`Activated in ${Date.now() - started} ms.`);

  return {
    databasePath,
    database,
    activationError: error,
    jobsTree,
    scheduler: schedulerHost,
    claudeLocation: () => claude.location(),
    usageDashboard: usage.dashboard,
    usageStatusBar: usage.statusBar,
  };
}

/** Stops the scheduler in order (runs cancelled, cleanups run, outcomes saved), then closes the database. */
export function deactivate(): Promise<void> | undefined {
  return shutdown?.();
}
