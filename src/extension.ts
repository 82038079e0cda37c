// The composition root: builds the services, registers everything into context.subscriptions and
// returns the public API. It never waits for the database: that opens in the background and
// `whenOpen` wires what needs it. Behaviour lives in src/services, src/views and src/commands.
import * as vscode from 'vscode';
import type { NightPilotApi } from './api';
import type { CodeCacheState } from './boot/codeCache';
import type { CommandContext } from './commands/commandContext';
import { registerCommands } from './commands/registerCommands';
import { errorMessage } from './core/errorMessage';
import type { NightPilotDatabase } from './storage/database';
import { ClaudeCheck } from './services/claudeCheck';
import { setContextKey } from './services/contextKeys';
import { DatabaseHealth } from './services/databaseHealth';
import { DatabaseHost } from './services/databaseHost';
import type { NightPilotInternals } from './services/internals';
import { INTERNALS_KEY } from './services/internals';
import { componentLogger } from './services/logger';
import { createPublicApi } from './services/publicApi';
import { SchedulerHost } from './services/schedulerHost';
import { JobsTreeProvider } from './views/jobsTree';
import type { WizardDeps } from './views/migration/migrationWizard';
import {
  disposeMigrationWizard,
  runUndoMigration,
  showMigrationWizard,
  startMigrationOffer,
} from './views/migration/registerMigration';
import { RunNotifications } from './views/notifications';
import { SeenFailures } from './views/seenFailures';
import { NightPilotStatusBar } from './views/statusBar';
import { readJobsSummary, updateContextKeys } from './views/summary';
import { TranscriptProvider } from './views/transcriptDocument';
import { registerPrompts } from './prompts/registerPrompts';
import { createUsageViews } from './views/usageViews';
import { offerToRemovePrunedWorktrees, showOvernightSummary } from './views/morningNotices';
import { registerRevisionDocuments } from './views/revisionDocuments';

/** The orderly stop of this activation; `deactivate` returns it (see SchedulerHost.shutdown). */
let shutdown: (() => Promise<void>) | undefined;

/** How the loader started this code (src/boot/extensionEntry.ts); absent when loaded otherwise. */
export interface BootInfo {
  codeCache: CodeCacheState;
}

export function activate(context: vscode.ExtensionContext, boot?: BootInfo): NightPilotApi {
  const started = Date.now();
  const channel = vscode.window.createOutputChannel('Night Pilot', { log: true });
  context.subscriptions.push(channel);
  const log = componentLogger(channel, 'extension');
  const showLog = () => channel.show(true);
  log.info(
    `Activating Night Pilot ${context.extension.packageJSON.version} in ${vscode.env.appName}` +
      (boot ? ` (compiled code cache: ${boot.codeCache}).` : '.'),
  );

  const wasm = context.asAbsolutePath('dist/sql-wasm.wasm');
  const databaseHost = new DatabaseHost(
    context.globalStorageUri.fsPath,
    wasm,
    componentLogger(channel, 'storage'),
  );
  const statusBar = new NightPilotStatusBar();
  const jobsTree = new JobsTreeProvider(
    databaseHost,
    componentLogger(channel, 'tree'),
    context.extensionUri,
    context.globalState,
    started,
  );
  const view = jobsTree.createView();
  const seenFailures = new SeenFailures(context.globalState);
  seenFailures.watch(view);
  const transcripts = new TranscriptProvider(databaseHost, componentLogger(channel, 'transcript'));
  const claude = new ClaudeCheck(componentLogger(channel, 'claude'), showLog);
  const health = new DatabaseHealth(
    databaseHost.path,
    wasm,
    componentLogger(channel, 'storage'),
    (message) => statusBar.setDatabaseError(message),
    showLog,
  );
  const usage = createUsageViews(context, databaseHost, componentLogger(channel, 'usage'));
  const runsChanged = new vscode.EventEmitter<void>();
  // The tree view belongs to the provider: disposing the provider disposes it, once.
  context.subscriptions.push(statusBar, jobsTree, seenFailures, transcripts, claude, runsChanged);
  context.subscriptions.push(registerRevisionDocuments());
  context.subscriptions.push(claude.onDidChange((location) => statusBar.setClaude(location)));

  let schedulerHost: SchedulerHost | undefined;
  let notifications: RunNotifications | undefined;
  let wizard: WizardDeps | undefined;
  const commandContext: CommandContext = {
    get database() {
      return databaseHost.database;
    },
    databasePath: databaseHost.path,
    get databaseError() {
      return databaseHost.failure?.message;
    },
    ready: databaseHost.ready,
    channel,
    log: componentLogger(channel, 'commands'),
    get schedulerHost() {
      return schedulerHost;
    },
    jobsTree,
    transcripts,
    refresh: () => jobsTree.refresh(),
    openUsageDashboard: () => usage.dashboard.open(),
    revealRun: (run) => jobsTree.revealRun(run),
    restoreDatabase: () => health.restore(),
    migrateLegacy: async (file) => {
      await databaseHost.require();
      return wizard ? showMigrationWizard(wizard, file) : undefined;
    },
    undoLegacyMigration: async (folder) => {
      await databaseHost.require();
      return wizard ? runUndoMigration(wizard, folder === undefined ? undefined : { folder }) : false;
    },
  };
  context.subscriptions.push(...registerCommands(commandContext), disposeMigrationWizard);

  // VS Code disposes the subscriptions right after calling deactivate without waiting for it:
  // both paths share one stop, which closes the database only once the runs have stopped.
  let closing: Promise<void> | undefined;
  shutdown = () =>
    (closing ??= (async () => {
      await schedulerHost?.shutdown();
      await databaseHost.close();
    })());
  context.subscriptions.push({ dispose: () => void shutdown?.() });

  const whenOpen = (db: NightPilotDatabase) => {
    if (closing) return;
    schedulerHost = new SchedulerHost(
      db,
      componentLogger(channel, 'scheduler'),
      () => {
        jobsTree.refresh();
        runsChanged.fire();
      },
      usage.cachePath,
    );
    const notify = new RunNotifications(db);
    notifications = notify;
    usage.attach(db);
    wizard = {
      extensionUri: context.extensionUri,
      database: db,
      jobsTree,
      log: componentLogger(channel, 'migration'),
    };
    // The tree's refresh is the one coalesced repaint; the status bar and menus follow it.
    const updateSummary = () => {
      try {
        const summary = readJobsSummary(db, new Date(), seenFailures.seenAt);
        statusBar.setSummary(summary);
        updateContextKeys(summary);
        usage.update();
      } catch (err) {
        log.error(`Could not read the job summary: ${errorMessage(err)}`, err);
      }
    };
    updateSummary();
    // Prompt files: diagnostics, CodeLens, stored prompts in editor tabs, renames followed.
    const prompts = registerPrompts(db, componentLogger(channel, 'prompts'), () => jobsTree.refresh());
    context.subscriptions.push(
      ...prompts.disposables,
      jobsTree.onDidChangeTreeData(() => prompts.refresh()),
    );
    context.subscriptions.push(
      schedulerHost,
      schedulerHost.scheduler.onDidEndRun((run) => {
        void notify.notify(run).catch((err: unknown) => log.error(`Notification: ${errorMessage(err)}`, err));
      }),
      jobsTree.onDidChangeTreeData(updateSummary),
      seenFailures.onDidChange(updateSummary),
      db.onDidChange(() => {
        jobsTree.refresh();
        transcripts.checkLive();
        runsChanged.fire();
      }),
      health.watch(db),
    );
    startMigrationOffer(wizard, context.globalState);
    // Not in tests: a notification there would cover what the tests look at.
    if (context.extensionMode !== vscode.ExtensionMode.Test) {
      void showOvernightSummary(db, jobsTree)
        .then((said) =>
          // Asked by the first window of a day with runs, as the summary is: not by every window.
          said === undefined ? 0 : offerToRemovePrunedWorktrees(db, componentLogger(channel, 'review')),
        )
        .catch((err: unknown) => log.warn(`Morning notices: ${errorMessage(err)}`));
    }
    setContextKey('nightPilot:databaseError', false);
    setContextKey('nightPilot:ready', true);
  };
  void databaseHost.ready.then((db) => {
    if (db) whenOpen(db);
    else {
      const failure = databaseHost.failure;
      health.report(
        failure?.message ?? vscode.l10n.t('Night Pilot could not open its database.'),
        failure?.damaged === true,
      );
      setContextKey('nightPilot:ready', true);
    }
  });

  const api = createPublicApi(databaseHost, runsChanged.event);
  const returned = Date.now();
  log.info(`Activated in ${returned - started} ms (the database opens in the background).`);
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    const internals: NightPilotInternals = {
      databaseHost,
      jobsTree,
      transcripts,
      statusBar,
      seenFailures,
      usageDashboard: usage.dashboard,
      usageStatusBar: () => usage.statusBar(),
      schedulerHost: () => schedulerHost,
      notifications: () => notifications,
      claudeLocation: () => claude.location(),
      activation: { started, returned },
    };
    Object.defineProperty(api, INTERNALS_KEY, { value: internals, enumerable: false });
  }
  return api;
}

/** Stops the scheduler in order (runs cancelled, cleanups run, outcomes saved), then closes the database. */
export function deactivate(): Promise<void> | undefined {
  return shutdown?.();
}
