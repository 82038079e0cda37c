// Export Jobs / Import Jobs: a JSON file of jobs (core/jobTransfer.ts). An import is checked
// whole first and written in one transaction; a bad file is refused with its reasons and changes
// nothing. Jobs already here (same id) are skipped or imported again as copies, as the user says.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { MAX_JOBS_FILE_BYTES, jobsFile, readJobsFileText } from '../core/jobTransfer';
import type { Job, Prompt } from '../core/model';
import type { ExistingJobs } from '../storage/jobImport';
import { ImportError, existingJobIds, importJobs as importIntoDatabase } from '../storage/jobImport';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { errorMessage } from '../core/errorMessage';

export interface ExportJobsArgs {
  /** Where to write; asked when absent. */
  file?: string | vscode.Uri;
  /** Only these jobs (ids); every job when absent. */
  jobIds?: string[];
}

function uriOf(file: string | vscode.Uri): vscode.Uri {
  return typeof file === 'string' ? vscode.Uri.file(file) : file;
}

/** `nightPilot.exportJobs`: writes the jobs to a JSON file; resolves with it. */
export async function exportJobs(
  ctx: CommandContext,
  args: ExportJobsArgs = {},
): Promise<vscode.Uri | undefined> {
  const db = requireDatabase(ctx);
  const file = db.read((tx) => {
    const jobs = tx.jobs.list().filter((job) => !args.jobIds || args.jobIds.includes(job.id));
    const prompts = new Map(tx.prompts.list().map((p): [string, Prompt] => [p.id, p]));
    return jobsFile(jobs, prompts, new Date());
  });
  if (file.jobs.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Night Pilot: there is no job to export.'));
    return undefined;
  }
  const target =
    args.file !== undefined
      ? uriOf(args.file)
      : await vscode.window.showSaveDialog({
          title: vscode.l10n.t('Export Night Pilot Jobs'),
          defaultUri: vscode.Uri.joinPath(
            vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir()),
            'night-pilot-jobs.json',
          ),
          filters: { [vscode.l10n.t('Night Pilot jobs')]: ['json'] },
        });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`));
  ctx.log.info(`Exported ${file.jobs.length} job(s) to ${target.fsPath}.`);
  if (args.file === undefined) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Exported {0} job(s) to {1}. Prompt files are referenced by their path, with a copy of their text.',
        file.jobs.length,
        target.fsPath,
      ),
    );
  }
  return target;
}

export interface ImportJobsArgs {
  file?: string | vscode.Uri;
  /** Jobs whose id is already here: leave them (`skip`) or import copies (`copy`); asked when absent. */
  existing?: ExistingJobs;
  /** Import jobs that run Claude with bypassPermissions without asking (the caller confirmed it). */
  allowBypass?: boolean;
}

/** Why the file was refused, worded once for the notification and the error. */
function refusal(file: vscode.Uri, reasons: readonly string[]): Error {
  const shown =
    reasons.slice(0, 8).join('; ') +
    (reasons.length > 8 ? vscode.l10n.t('; and {0} more', reasons.length - 8) : '');
  return new Error(
    vscode.l10n.t('Night Pilot did not import {0}: {1}. Nothing was changed.', file.fsPath, shown),
  );
}

/** `nightPilot.importJobs`: reads a jobs file and imports it all, or nothing; resolves with the new jobs. */
export async function importJobs(ctx: CommandContext, args: ImportJobsArgs = {}): Promise<Job[] | undefined> {
  const db = requireDatabase(ctx);
  const source =
    args.file !== undefined
      ? uriOf(args.file)
      : (
          await vscode.window.showOpenDialog({
            title: vscode.l10n.t('Import Night Pilot Jobs'),
            canSelectMany: false,
            filters: { [vscode.l10n.t('Night Pilot jobs')]: ['json'] },
          })
        )?.[0];
  if (!source) return undefined;
  let bytes: Uint8Array;
  try {
    const { size } = await vscode.workspace.fs.stat(source);
    if (size > MAX_JOBS_FILE_BYTES) {
      throw new Error(vscode.l10n.t('the file is {0} bytes, more than a jobs file can be', size));
    }
    bytes = await vscode.workspace.fs.readFile(source);
  } catch (err) {
    throw refusal(source, [errorMessage(err)]);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw refusal(source, [vscode.l10n.t('it is not UTF-8 text')]);
  }
  const parsed = readJobsFileText(text);
  if (!parsed.ok) throw refusal(source, parsed.problems);

  const bypass = parsed.jobs.filter((job) => job.options.permissionMode === 'bypassPermissions');
  if (bypass.length > 0 && args.allowBypass !== true) {
    const allow = vscode.l10n.t('Import Them');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        '{0} of these jobs run Claude with bypassPermissions: every tool, without asking.',
        bypass.length,
      ),
      { modal: true, detail: bypass.map((job) => job.name).join('\n') },
      allow,
    );
    if (answer !== allow) return undefined;
  }
  let existing = args.existing;
  const already = db.read((tx) => existingJobIds(tx, parsed.jobs));
  if (already.length > 0 && existing === undefined) {
    const skip = vscode.l10n.t('Skip Them');
    const copy = vscode.l10n.t('Import Copies');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} of the {1} jobs in this file are already here.', already.length, parsed.jobs.length),
      { modal: true, detail: vscode.l10n.t('Skip them, or import them again as copies (new ids)?') },
      skip,
      copy,
    );
    if (answer === undefined) return undefined;
    existing = answer === copy ? 'copy' : 'skip';
  }
  let result: ReturnType<typeof importIntoDatabase>;
  try {
    result = await db.write((tx) => importIntoDatabase(tx, parsed.jobs, new Date(), existing ?? 'skip'));
  } catch (err) {
    if (err instanceof ImportError) throw refusal(source, err.problems);
    throw err;
  }
  ctx.log.info(
    `Imported ${result.created.length} job(s) from ${source.fsPath}` +
      `${result.skipped.length > 0 ? `; skipped ${result.skipped.length} already here` : ''}.`,
  );
  ctx.refresh();
  const missing = db.read(
    (tx) =>
      result.created.filter((job) => {
        const file = tx.prompts.get(job.promptId)?.filePath;
        return file !== null && file !== undefined && !fs.existsSync(file);
      }).length,
  );
  if (args.file === undefined) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Imported {0} job(s); {1} already here were skipped.',
        result.created.length,
        result.skipped.length,
      ) +
        (missing > 0
          ? ` ${vscode.l10n.t('{0} prompt file(s) are not on this machine: their jobs show it in the Jobs view; Edit Job points them at a file here.', missing)}`
          : ''),
    );
  }
  return result.created;
}
