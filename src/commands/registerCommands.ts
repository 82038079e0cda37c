import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../core/errorMessage';
import type { CommandContext } from './commandContext';
import type { CommandKey } from './commandIds';
import { COMMAND } from './commandIds';
import type { CreateJobArgs } from './createJob';
import { createJob, createJobFromPrompt } from './createJob';
import { editJob } from './editJob';
import type { JobEdits } from './jobEdits';
import { duplicateJob, renameJob } from './jobCopies';
import type { ExportJobsArgs, ImportJobsArgs } from './importExport';
import { exportJobs, importJobs } from './importExport';
import { newPrompt, openPrompt, reviewPromptPermissions } from './promptCommands';
import { exportJobToGitHubActions } from './exportJob';
import { cancelRun, deleteJob, pauseJob, resumeJob, runJob, setQuiet } from './jobCommands';
import { copyRunId, openRawLog, openTranscript, retryRun } from './runCommands';
import { copyBranchName, discardRun, mergeRun, openRunDiff, openRunWorktree } from './reviewCommands';
import { openRun, setBudgets, setJobBudget } from './usageCommands';
import { clearJobFilter, filterJobs, showMoreRuns, sortJobs } from './viewCommands';

/**
 * Shows the folder that holds the database. Desktop VS Code reveals it in the OS file manager; in a
 * browser or a remote window there is no local file manager, so the path is shown to copy.
 */
async function openDatabaseFolder(ctx: CommandContext): Promise<string> {
  const folder = path.dirname(ctx.databasePath);
  const local = vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined;
  if (local) {
    await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(ctx.databasePath));
    return folder;
  }
  ctx.log.info(`Database folder: ${folder}`);
  const copy = vscode.l10n.t('Copy Path');
  // Not awaited: the command answers at once; the offer stays until the user acts on it.
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t(
        "The Night Pilot database is in {0} (on the machine running VS Code's extensions).",
        folder,
      ),
      copy,
    )
    .then((choice) => (choice === copy ? vscode.env.clipboard.writeText(folder) : undefined));
  return folder;
}

type Handler = (...args: unknown[]) => unknown;

function isJobNode(arg: unknown): arg is { kind: 'job'; job: { id: string } } {
  return typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'job';
}

/**
 * A keybinding in the Jobs view passes `{ fromSelection: true }`: the command then acts on the
 * view's selected row (and on nothing when that row is not the kind it takes).
 */
function target(ctx: CommandContext, arg: unknown, kind: 'job' | 'run'): unknown {
  if (typeof arg !== 'object' || arg === null || !('fromSelection' in arg)) return arg;
  const node = ctx.jobsTree.view?.selection[0];
  return node?.kind === kind ? node : null;
}

/** One handler per command id: the type refuses a command without one. */
function handlers(ctx: CommandContext): Record<CommandKey, Handler> {
  return {
    refresh: () => {
      ctx.database?.refresh();
      ctx.refresh();
    },
    showLog: () => ctx.channel.show(true),
    openDatabaseFolder: () => openDatabaseFolder(ctx),
    createJob: (args) => createJob(ctx, (args as CreateJobArgs | undefined) ?? {}),
    runJob: (arg) => runJob(ctx, arg),
    pauseJob: (arg) => pauseJob(ctx, arg),
    resumeJob: (arg) => resumeJob(ctx, arg),
    deleteJob: (arg, options) => {
      const job = target(ctx, arg, 'job');
      return job === null ? false : deleteJob(ctx, job, (options as { confirm?: boolean }) ?? {});
    },
    cancelRun: (arg) => cancelRun(ctx, arg),
    retryRun: (arg) => retryRun(ctx, arg),
    openTranscript: (arg) => openTranscript(ctx, arg),
    openRawLog: (arg) => openRawLog(ctx, arg),
    copyRunId: (arg) => copyRunId(ctx, arg),
    showMoreRuns: (arg) => showMoreRuns(ctx, arg),
    sortJobs: (arg) => sortJobs(ctx, arg),
    filterJobs: (arg) => filterJobs(ctx, arg),
    clearJobFilter: () => clearJobFilter(ctx),
    exportJobToGitHubActions: (arg) => exportJobToGitHubActions(ctx, arg),
    pauseAll: () => setQuiet(ctx, true),
    resumeAll: () => setQuiet(ctx, false),
    migrateLegacy: (args) =>
      ctx.migrateLegacy(
        typeof (args as { file?: unknown } | undefined)?.file === 'string'
          ? (args as { file: string }).file
          : undefined,
      ),
    undoLegacyMigration: (args) =>
      ctx.undoLegacyMigration(
        typeof (args as { folder?: unknown } | undefined)?.folder === 'string'
          ? (args as { folder: string }).folder
          : undefined,
      ),
    openUsageDashboard: () => ctx.openUsageDashboard(),
    setBudgets: (arg) => setBudgets(ctx, arg as Parameters<typeof setBudgets>[1]),
    setJobBudget: (arg, values) => setJobBudget(ctx, arg, values as Parameters<typeof setJobBudget>[2]),
    openRun: (runId) => openRun(ctx, runId),
    restoreDatabase: () => ctx.restoreDatabase(),
    editJob: (arg, changes) => editJob(ctx, arg, changes as JobEdits | undefined),
    renameJob: (arg, name) => renameJob(ctx, arg, name),
    duplicateJob: (arg, name) => duplicateJob(ctx, arg, name),
    // From a job's context menu the argument is its tree node: export that job alone.
    exportJobs: (arg) =>
      exportJobs(
        ctx,
        isJobNode(arg) ? { jobIds: [arg.job.id] } : ((arg as ExportJobsArgs | undefined) ?? {}),
      ),
    importJobs: (arg) => importJobs(ctx, (arg as ImportJobsArgs | undefined) ?? {}),
    createJobFromPrompt: (uri) => createJobFromPrompt(ctx, uri),
    openPrompt: (arg) => openPrompt(ctx, arg),
    reviewPromptPermissions: (arg, options) =>
      reviewPromptPermissions(ctx, arg, options as { accept?: boolean } | undefined),
    newPrompt: (title) => newPrompt(ctx, title),
    openRunDiff: (arg, file) => openRunDiff(ctx, arg, file),
    mergeRun: (arg, options) => mergeRun(ctx, arg, (options as { openOnConflict?: boolean }) ?? {}),
    discardRun: (arg, options) => discardRun(ctx, arg, (options as { confirm?: boolean }) ?? {}),
    openRunWorktree: (arg) => openRunWorktree(ctx, arg),
    copyBranchName: (arg) => copyBranchName(ctx, arg),
    reviewRuns: () => ctx.jobsTree.revealReview(),
  };
}

/** Commands that do not need the database, so they answer while it is still opening. */
const WITHOUT_DATABASE: ReadonlySet<CommandKey> = new Set([
  'showLog',
  'openDatabaseFolder',
  'restoreDatabase',
  'sortJobs',
  'filterJobs',
  'clearJobFilter',
  'showMoreRuns',
]);

/**
 * Registers every `nightPilot.*` command. A failing command is logged and its error shown to the
 * user (with "Show Log"), and the promise `executeCommand` returned rejects with that error, so a
 * caller (the API, another extension, a test) can tell a failure from a cancel (`undefined`).
 */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const all = handlers(ctx);
  return (Object.keys(all) as CommandKey[]).map((key) => {
    const id = COMMAND[key];
    const handler = all[key];
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      if (!WITHOUT_DATABASE.has(key)) await ctx.ready;
      try {
        return await handler(...args);
      } catch (err) {
        ctx.log.error(`${id} failed: ${errorMessage(err)}`, err);
        void showError(ctx, errorMessage(err));
        throw err;
      }
    });
  });
}

async function showError(ctx: CommandContext, message: string): Promise<void> {
  const showLog = vscode.l10n.t('Show Log');
  if ((await vscode.window.showErrorMessage(message, showLog)) === showLog) ctx.channel.show(true);
}
