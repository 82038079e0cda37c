// One way a job changes from VS Code: Edit Job (each property), Rename, and every programmatic
// caller (`nightPilot.editJob` with values). The whole job is checked by the one validator
// (core/jobValidation.ts, the CLI's rules) before anything is written.
import * as vscode from 'vscode';
import { checkWorktreeFolder, describeRepositoryProblem } from '../git/repository';
import { runSupervisedProcess } from '../scheduler/processSupervisor';
import type { JobDraft } from '../core/jobValidation';
import { checkJobDraft, planJobSchedule } from '../core/jobValidation';
import type { ExecutionOptions, Job, MissedRunPolicy, RetryConfig } from '../core/model';
import { grantsUsedBy, hasGrants, resolvePromptOptions } from '../core/promptGrants';
import { loadPromptFile } from '../scheduler/promptText';
import { ConstraintError } from '../storage/errors';
import type { JobPatch } from '../storage/jobRepository';
import { setJobPrompt } from '../storage/jobPrompt';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { isDirectory } from '../scheduler/workingFolder';
import { errorMessage } from '../core/errorMessage';

/** What may change; an absent key is left as it is. */
export interface JobEdits {
  name?: string;
  /** '' removes the schedule of a job with a parent (it then fires when its parent succeeds). */
  cronExpression?: string;
  timezone?: string;
  /** Fire once at the next match, then complete. */
  once?: boolean;
  parentJobId?: string | null;
  priority?: number;
  missedRunPolicy?: MissedRunPolicy;
  retry?: Partial<RetryConfig>;
  options?: Partial<Omit<ExecutionOptions, 'promptGrants'>>;
  /** A prompt file (absolute path) to use from now on. */
  promptFile?: string;
  /** Prompt text to store in Night Pilot instead. */
  promptText?: string;
  /**
   * The user saw and accepted what the prompt file grants (permissionMode, allowedTools, env):
   * confirm it for the job. Without it, a new prompt's grants wait for review.
   */
  confirmGrants?: boolean;
}

/**
 * Why worktree runs cannot work in `folder` from `baseBranch`, in the user's words; null when they
 * can. Create Job and Edit Job ask this before saving a job with worktree isolation.
 */
export async function worktreeProblem(
  folder: string | null,
  baseBranch: string | null,
): Promise<string | null> {
  if (folder === null) return vscode.l10n.t('worktree isolation needs a folder in a git repository');
  const problem = await checkWorktreeFolder(
    { runner: runSupervisedProcess, gitPath: 'git', env: process.env },
    folder,
    baseBranch,
  );
  if (problem === null) return null;
  switch (problem.problem) {
    case 'notRepository':
      return vscode.l10n.t('{0} is not in a git repository, which worktree isolation needs', folder);
    case 'noBaseBranch':
      return vscode.l10n.t('the repository has no branch "{0}"', problem.branch);
    case 'detached':
      return vscode.l10n.t('the repository is on a detached HEAD: check out a branch or set a base branch');
    case 'noCommits':
      return vscode.l10n.t('the git repository has no commit yet for a worktree to start from');
    default:
      return describeRepositoryProblem(problem);
  }
}

/** Thrown with every reason a change was refused; nothing was written. */
export class JobEditError extends Error {}

function fail(job: string, reasons: string[]): never {
  throw new JobEditError(vscode.l10n.t('"{0}" was not changed: {1}.', job, reasons.join('; ')));
}

/** Applies `edits` to the job, or throws JobEditError naming every problem. */
export async function applyJobEdits(ctx: CommandContext, jobId: string, edits: JobEdits): Promise<Job> {
  const db = requireDatabase(ctx);
  const current = db.read((tx) => tx.jobs.require(jobId));
  const options: ExecutionOptions = { ...current.options, ...edits.options };
  const draft: JobDraft = {
    name: edits.name?.trim() ?? current.name,
    cronExpression: edits.cronExpression?.trim() ?? current.cronExpression,
    timezone: edits.timezone ?? current.timezone,
    jobType: current.jobType,
    priority: edits.priority ?? current.priority,
    parentJobId: edits.parentJobId !== undefined ? edits.parentJobId : current.parentJobId,
    options,
    retry: { ...current.retry, ...edits.retry },
    missedRunPolicy: edits.missedRunPolicy ?? current.missedRunPolicy,
  };
  const reasons: string[] = [];
  const patch: JobPatch = {};

  const folder = edits.options?.workingDirectory;
  if (folder && !isDirectory(folder)) reasons.push(vscode.l10n.t('the folder {0} does not exist', folder));
  const o = edits.options ?? {};
  if (
    (o.isolation !== undefined || o.baseBranch !== undefined || o.workingDirectory !== undefined) &&
    options.isolation === 'worktree'
  ) {
    const problem = await worktreeProblem(options.workingDirectory, options.baseBranch);
    if (problem !== null) reasons.push(problem);
  }
  const bypassRefused = options.permissionMode === 'bypassPermissions' && !options.allowBypass;
  if (bypassRefused)
    reasons.push(vscode.l10n.t('bypassPermissions needs the explicit confirmation (allowBypass)'));

  let prompt: { title: string; content: string; filePath: string | null } | undefined;
  if (edits.promptFile !== undefined && edits.promptText !== undefined)
    reasons.push(vscode.l10n.t('give a prompt file or a prompt text, not both'));
  else if (edits.promptFile !== undefined) {
    try {
      const loaded = loadPromptFile(edits.promptFile);
      const settings = loaded.prompt.settings;
      const resolved = resolvePromptOptions({ ...options, promptGrants: null }, settings);
      if (!resolved.ok && resolved.reason === 'bypass') {
        reasons.push(
          vscode.l10n.t(
            'the prompt file asks for bypassPermissions, which Night Pilot never takes from a file',
          ),
        );
      }
      prompt = { title: settings.title ?? current.name, content: loaded.content, filePath: edits.promptFile };
      const grants = grantsUsedBy(options, settings);
      if (edits.confirmGrants) options.promptGrants = hasGrants(grants) ? grants : null;
    } catch (err) {
      reasons.push(errorMessage(err).replace(/\.$/, ''));
    }
  } else if (edits.promptText !== undefined) {
    if (edits.promptText.trim() === '') reasons.push(vscode.l10n.t('the prompt text is empty'));
    prompt = { title: draft.name, content: edits.promptText, filePath: null };
  }

  const scheduleChanged =
    edits.cronExpression !== undefined ||
    edits.timezone !== undefined ||
    edits.once !== undefined ||
    edits.parentJobId !== undefined;
  if (scheduleChanged) {
    const plan = planJobSchedule(
      {
        cronExpression: draft.cronExpression,
        timezone: draft.timezone,
        once: edits.once ?? (current.jobType === 'one_time' && draft.cronExpression !== ''),
        hasParent: draft.parentJobId !== null,
      },
      new Date(),
    );
    if (plan.ok) {
      draft.jobType = plan.jobType;
      // The next fire counts from now, as a new job's does; a paused job keeps none until resumed.
      patch.nextRunTime = current.status === 'active' ? plan.nextRunTime : current.nextRunTime;
    } else if (plan.problem === 'noSchedule') {
      reasons.push(vscode.l10n.t('a job without a parent job needs a schedule'));
    } else if (plan.problem === 'onceNeedsCron') {
      reasons.push(vscode.l10n.t('a one-time job needs a schedule'));
    } else if (plan.problem === 'neverFires') {
      reasons.push(vscode.l10n.t('the schedule "{0}" never fires again', draft.cronExpression));
    }
  }
  reasons.push(
    ...checkJobDraft(draft)
      // Said above in the user's words.
      .filter((p) => !(bypassRefused && p.field === 'options.permissionMode'))
      .map((p) => `${p.field}: ${p.message}`),
  );
  if (reasons.length > 0) fail(current.name, [...new Set(reasons)]);

  Object.assign(patch, {
    name: draft.name,
    cronExpression: draft.cronExpression,
    timezone: draft.timezone,
    jobType: draft.jobType,
    priority: draft.priority,
    parentJobId: draft.parentJobId,
    missedRunPolicy: draft.missedRunPolicy,
    options: draft.options,
    retry: draft.retry,
  });
  let job: Job;
  try {
    job = await db.write((tx) => {
      if (prompt) {
        const promptId = setJobPrompt(tx, jobId, prompt);
        if (promptId !== current.promptId) patch.promptId = promptId;
      }
      return tx.jobs.update(jobId, patch);
    });
  } catch (err) {
    if (err instanceof ConstraintError) fail(current.name, [err.message]);
    throw err;
  }
  ctx.log.info(`Edited job "${job.name}" (${job.id}): ${Object.keys(edits).join(', ')}.`);
  ctx.refresh();
  return job;
}
