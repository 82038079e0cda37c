// What a finished run offers: its transcript, its raw log, its id, and running it again. Each
// takes a tree node, a run id, or nothing (the user picks).
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Run } from '../core/model';
import { FINAL_RUN_STATUSES } from '../core/model';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { runJob } from './jobCommands';
import { resolveRunId } from './pickers';

/** `nightPilot.openTranscript`: the run's transcript in a tab (live while the run goes on). */
export async function openTranscript(ctx: CommandContext, arg: unknown): Promise<vscode.Uri | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveRunId(db, arg, vscode.l10n.t('Open the transcript of which run?'));
  if (!id) return undefined;
  const editor = await ctx.transcripts.open(id);
  if (!editor) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Night Pilot: the run {0} no longer exists (retention may have removed it).', id),
    );
    return undefined;
  }
  return editor.document.uri;
}

/**
 * `nightPilot.openRawLog`: the stream Claude printed (or a phase command's output), as a file. Takes
 * a run, a phase, or a log file's path (what a phase row's click passes).
 */
export async function openRawLog(ctx: CommandContext, arg: unknown): Promise<vscode.Uri | undefined> {
  const db = requireDatabase(ctx);
  let file: string | undefined;
  if (typeof arg === 'string' && (arg.includes('/') || arg.includes('\\'))) file = arg;
  else if (typeof arg === 'object' && arg !== null && 'kind' in arg && arg.kind === 'process')
    file = (arg as unknown as { process: { logFile: string | null } }).process.logFile ?? undefined;
  else {
    const id = await resolveRunId(db, arg, vscode.l10n.t('Open the raw log of which run?'));
    if (!id) return undefined;
    const processes = db.read((tx) => tx.processes.listByRun(id));
    file =
      [...processes].reverse().find((p) => p.processType === 'execution' && p.logFile)?.logFile ??
      [...processes].reverse().find((p) => p.logFile)?.logFile ??
      undefined;
    if (!file) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Night Pilot: this run has no log.'));
      return undefined;
    }
  }
  if (!file) return undefined;
  if (!fs.existsSync(file)) {
    throw new Error(vscode.l10n.t('The log {0} no longer exists (retention may have removed it).', file));
  }
  const uri = vscode.Uri.file(file);
  await vscode.window.showTextDocument(uri, { preview: true });
  return uri;
}

/** `nightPilot.copyRunId`: the run's full id on the clipboard (the CLI takes it, or a prefix). */
export async function copyRunId(ctx: CommandContext, arg: unknown): Promise<string | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveRunId(db, arg, vscode.l10n.t('Copy the id of which run?'));
  if (!id) return undefined;
  await vscode.env.clipboard.writeText(id);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Night Pilot: copied the run id {0}', id), 3000);
  return id;
}

/**
 * `nightPilot.retryRun`: runs the finished run's job again now, as Run Job Now does (followed, with
 * progress); resolves with the new run.
 */
export async function retryRun(ctx: CommandContext, arg: unknown): Promise<Run | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveRunId(db, arg, vscode.l10n.t('Retry which run?'), FINAL_RUN_STATUSES);
  if (!id) return undefined;
  const run = db.read((tx) => tx.runs.get(id));
  if (!run)
    throw new Error(vscode.l10n.t('The run {0} no longer exists (retention may have removed it).', id));
  if (!db.read((tx) => tx.jobs.get(run.jobId)))
    throw new Error(vscode.l10n.t('The job of run {0} was deleted: there is nothing to retry.', id));
  ctx.log.info(`Retry of run ${run.id}: running job ${run.jobId} again now.`);
  return runJob(ctx, run.jobId);
}
