// Duplicate Job and Rename Job.
import * as vscode from 'vscode';
import { checkJobName, MAX_JOB_NAME_LENGTH } from '../core/jobValidation';
import type { Job } from '../core/model';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { checkName } from './jobFieldMessages';
import { applyJobEdits } from './jobEdits';
import { resolveJobId } from './pickers';
import { askText } from './quickInput';

/** Asks for a name (or takes `given`); undefined when the user cancelled. */
async function askName(title: string, value: string, given: unknown): Promise<string | undefined> {
  if (typeof given === 'string') return given;
  const r = await askText({
    title,
    step: 1,
    totalSteps: 1,
    prompt: vscode.l10n.t('Name of the job'),
    value,
    validate: checkName,
  });
  return r === undefined || r === 'back' ? undefined : r.value;
}

/** `nightPilot.renameJob` (F2 in the tree): a new name, checked like any other. */
export async function renameJob(ctx: CommandContext, arg: unknown, name?: unknown): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, vscode.l10n.t('Rename which job?'));
  if (!id) return undefined;
  const job = db.read((tx) => tx.jobs.require(id));
  const value = await askName(vscode.l10n.t('Rename Job: {0}', job.name), job.name, name);
  if (value === undefined) return undefined;
  return applyJobEdits(ctx, id, { name: value });
}

/**
 * `nightPilot.duplicateJob`: a copy with every option and the same prompt (a prompt file stays
 * shared: it is the workspace's; stored text is copied), paused so it can be changed before it
 * runs alongside the original.
 */
export async function duplicateJob(
  ctx: CommandContext,
  arg: unknown,
  name?: unknown,
): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, vscode.l10n.t('Duplicate which job?'));
  if (!id) return undefined;
  const source = db.read((tx) => tx.jobs.require(id));
  const suggested = vscode.l10n.t('{0} (copy)', source.name).slice(0, MAX_JOB_NAME_LENGTH);
  const value = await askName(vscode.l10n.t('Duplicate Job: {0}', source.name), suggested, name);
  if (value === undefined) return undefined;
  const checked = checkJobName(value);
  if (!checked.ok)
    throw new Error(vscode.l10n.t('Cannot duplicate the job: {0}', checkName(value).message ?? value));
  const copy = await db.write((tx) => {
    const job = tx.jobs.require(id);
    const prompt = tx.prompts.require(job.promptId);
    const promptId = tx.prompts.insert({
      title: prompt.title,
      content: prompt.content,
      filePath: prompt.filePath,
      tags: prompt.tags,
    }).id;
    return tx.jobs.insert({
      name: checked.name,
      promptId,
      cronExpression: job.cronExpression,
      timezone: job.timezone,
      status: 'paused',
      jobType: job.jobType,
      priority: job.priority,
      parentJobId: job.parentJobId,
      options: job.options,
      retry: job.retry,
      missedRunPolicy: job.missedRunPolicy,
      nextRunTime: null,
    });
  });
  ctx.log.info(`Duplicated job "${source.name}" (${source.id}) as "${copy.name}" (${copy.id}), paused.`);
  ctx.refresh();
  void vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Duplicated "{0}" as "{1}", paused: change what differs, then resume it.',
      source.name,
      copy.name,
    ),
  );
  return copy;
}
