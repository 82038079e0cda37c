import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../views/logger';
import type { CommandContext } from './commandContext';
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
import { openRun, setBudgets, setJobBudget } from './usageCommands';

/**
 * Shows the folder that holds the database. Desktop VS Code reveals it in the OS file manager; in a
 * browser or a remote window there is no local file manager, so the path is shown to copy.
 */
async function openDatabaseFolder(ctx: CommandContext): Promise<void> {
  const local = vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined;
  if (local) {
    await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(ctx.databasePath));
    return;
  }
  const folder = path.dirname(ctx.databasePath);
  ctx.log.info(`Database folder: ${folder}`);
  const choice = await vscode.window.showInformationMessage(
    `The Night Pilot database is in ${folder} (on the machine running VS Code's extensions).`,
    'Copy Path',
  );
  if (choice === 'Copy Path') await vscode.env.clipboard.writeText(folder);
}

function isJobNode(arg: unknown): arg is { kind: 'job'; job: { id: string } } {
  return typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'job';
}

/**
 * Registers every `nightPilot.*` command. A failing command is logged and shown with its message,
 * never swallowed. Each handler's result is returned to the caller (tests, other extensions).
 */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const handlers: Record<string, (...args: unknown[]) => unknown> = {
    'nightPilot.refresh': () => {
      ctx.database?.refresh();
      ctx.refresh();
    },
    'nightPilot.showLog': () => ctx.channel.show(true),
    'nightPilot.openDatabaseFolder': () => openDatabaseFolder(ctx),
    'nightPilot.createJob': (args) => createJob(ctx, (args as CreateJobArgs | undefined) ?? {}),
    'nightPilot.runJob': (arg) => runJob(ctx, arg),
    'nightPilot.pauseJob': (arg) => pauseJob(ctx, arg),
    'nightPilot.resumeJob': (arg) => resumeJob(ctx, arg),
    'nightPilot.deleteJob': (arg, options) => deleteJob(ctx, arg, (options as { confirm?: boolean }) ?? {}),
    'nightPilot.cancelRun': (arg) => cancelRun(ctx, arg),
    'nightPilot.exportJobToGitHubActions': (arg) => exportJobToGitHubActions(ctx, arg),
    'nightPilot.pauseAll': () => setQuiet(ctx, true),
    'nightPilot.resumeAll': () => setQuiet(ctx, false),
    'nightPilot.openUsageDashboard': () => ctx.openUsageDashboard(),
    'nightPilot.setBudgets': (arg) => setBudgets(ctx, arg as Parameters<typeof setBudgets>[1]),
    'nightPilot.setJobBudget': (arg, values) =>
      setJobBudget(ctx, arg, values as Parameters<typeof setJobBudget>[2]),
    'nightPilot.openRun': (runId) => openRun(ctx, runId),
    'nightPilot.restoreDatabase': () => ctx.restoreDatabase(),
    'nightPilot.editJob': (arg, changes) => editJob(ctx, arg, changes as JobEdits | undefined),
    'nightPilot.renameJob': (arg, name) => renameJob(ctx, arg, name),
    'nightPilot.duplicateJob': (arg, name) => duplicateJob(ctx, arg, name),
    // From a job's context menu the argument is its tree node: export that job alone.
    'nightPilot.exportJobs': (arg) =>
      exportJobs(
        ctx,
        isJobNode(arg) ? { jobIds: [arg.job.id] } : ((arg as ExportJobsArgs | undefined) ?? {}),
      ),
    'nightPilot.importJobs': (arg) => importJobs(ctx, (arg as ImportJobsArgs | undefined) ?? {}),
    'nightPilot.createJobFromPrompt': (uri) => createJobFromPrompt(ctx, uri),
    'nightPilot.openPrompt': (arg) => openPrompt(ctx, arg),
    'nightPilot.reviewPromptPermissions': (arg, options) =>
      reviewPromptPermissions(ctx, arg, options as { accept?: boolean } | undefined),
    'nightPilot.newPrompt': (title) => newPrompt(ctx, title),
  };
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (err) {
        ctx.log.error(`${id} failed: ${errorMessage(err)}`, err);
        void showError(ctx, errorMessage(err));
        return undefined;
      }
    }),
  );
}

async function showError(ctx: CommandContext, message: string): Promise<void> {
  if ((await vscode.window.showErrorMessage(message, 'Show Log')) === 'Show Log') ctx.channel.show(true);
}
