// Create Job: name, prompt (a workspace prompt file, a new one, or text), schedule with a live
// preview, time zone and working folder, each step with Back; values passed in skip their step.
// "Create Job from This Prompt" (the CodeLens, the Explorer and the editor) starts with the file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkJobName, isPromptText, planJobSchedule } from '../core/jobValidation';
import type { Isolation, Job, PromptGrants } from '../core/model';
import { errorMessage } from '../core/errorMessage';
import { letsClaudeEdit } from '../core/runBranch';
import { checkWorktreeFolder } from '../git/repository';
import { runSupervisedProcess } from '../scheduler/processSupervisor';
import { worktreeProblem } from './jobEdits';
import { askText, pickOne } from './quickInput';
import { applyPromptDefaults, grantsUsedBy, hasGrants, resolvePromptOptions } from '../core/promptGrants';
import { defaultTimeZone, validateTimeZone } from '../core/timeZone';
import { createPromptFile } from '../prompts/promptFolder';
import { loadPromptFile } from '../scheduler/promptText';
import { DEFAULT_EXECUTION_OPTIONS } from '../core/model';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { checkName, nameMessage } from './jobFieldMessages';
import type { PromptSource } from './jobFieldInputs';
import {
  askCron,
  checkCron,
  confirmGrants,
  defaultFolder,
  pickFolder,
  pickPromptSource,
  pickTimeZone,
} from './jobFieldInputs';
import { isDirectory } from '../scheduler/workingFolder';

/** Values that skip their step when given (scripts, tests, other extensions). */
export interface CreateJobArgs {
  name?: string;
  /** The prompt text, stored in Night Pilot. */
  prompt?: string;
  /** A prompt file (absolute path or a file URI): the job reads it at every run. */
  promptFile?: string | vscode.Uri;
  cron?: string;
  /** IANA zone for the cron expression; defaults to this machine's. */
  timezone?: string;
  /** The working folder; null for the home folder. Default: the (first) workspace folder. */
  folder?: string | null;
  /** Allow what the prompt file grants (permissionMode, allowedTools, env) without asking. */
  confirmGrants?: boolean;
  /**
   * Where the runs work (null: the prompt file decides). Not given: suggested (asked) when the
   * folder is a git repository and the permissions let Claude edit files.
   */
  isolation?: Isolation | null;
}

function titleOf(): string {
  return vscode.l10n.t('Night Pilot: Create Job');
}

interface Values {
  name: string;
  source: PromptSource | undefined;
  text: string;
  cron: string;
  timezone: string;
  folder: string | null;
  isolation?: Isolation | null;
}

type Step = (
  place: { title: string; step: number; totalSteps: number },
  v: Values,
) => Promise<'next' | 'back' | undefined>;

const nameStep: Step = async (place, v) => {
  const r = await askText({
    ...place,
    prompt: vscode.l10n.t('Name of the job'),
    placeholder: vscode.l10n.t('Nightly review'),
    value: v.name,
    validate: checkName,
  });
  if (r === undefined || r === 'back') return r;
  v.name = r.value;
  return 'next';
};

const promptStep: Step = async (place, v) => {
  const source = await pickPromptSource(place);
  if (source === undefined || source === 'back') return source;
  v.source = source.value;
  if (source.value.kind !== 'text') return 'next';
  const r = await askText({
    ...place,
    prompt: vscode.l10n.t('What should Claude do? (the prompt sent on every run)'),
    placeholder: vscode.l10n.t('Review the changes merged yesterday and list anything risky.'),
    value: v.text,
    validate: (value) =>
      isPromptText(value)
        ? { ok: true }
        : {
            ok: false,
            message: vscode.l10n.t(
              'Write what Claude should do, e.g. "Review yesterday\'s commits and list risky changes".',
            ),
          },
  });
  if (r === undefined) return undefined;
  // Back from the text goes back to the choice of prompt.
  if (r === 'back') return promptStep(place, v);
  v.text = r.value;
  return 'next';
};

const cronStep: Step = async (place, v) => {
  const r = await askCron(place, v.cron, v.timezone);
  if (r === undefined || r === 'back') return r;
  v.cron = r.value;
  return 'next';
};

const zoneStep: Step = async (place, v) => {
  const r = await pickTimeZone(place, v.timezone);
  if (r === undefined || r === 'back') return r;
  v.timezone = r.value;
  return 'next';
};

const folderStep: Step = async (place, v) => {
  const r = await pickFolder(place, v.folder);
  if (r === undefined || r === 'back') return r;
  v.folder = r.value;
  return 'next';
};

function fileArg(value: string | vscode.Uri): string {
  return typeof value === 'string' ? value : value.fsPath;
}

/**
 * Asks for the missing values, then stores a prompt and an active job in one write. Resolves with
 * the job, or undefined when the user cancelled. Values passed in are held to the same rules.
 */
export async function createJob(ctx: CommandContext, args: CreateJobArgs = {}): Promise<Job | undefined> {
  requireDatabase(ctx);
  const promptFile = args.promptFile === undefined ? undefined : fileArg(args.promptFile);
  const v: Values = {
    isolation: args.isolation,
    name: args.name ?? (promptFile ? defaultNameFor(promptFile) : ''),
    source: promptFile
      ? { kind: 'file', file: promptFile }
      : args.prompt !== undefined
        ? { kind: 'text' }
        : undefined,
    text: args.prompt ?? '',
    cron: args.cron ?? '0 2 * * *',
    timezone: args.timezone ?? defaultTimeZone(),
    // A job made from a prompt file runs in that file's workspace folder (a multi-root window).
    folder:
      args.folder !== undefined
        ? args.folder
        : promptFile
          ? (vscode.workspace.getWorkspaceFolder(vscode.Uri.file(promptFile))?.uri.fsPath ?? defaultFolder())
          : defaultFolder(),
  };
  // A caller that gives the name and the prompt (a script, a test) takes the defaults of the
  // rest; a person is asked for each, the defaults preselected.
  const interactive = args.name === undefined || v.source === undefined;
  const ask = (given: unknown) => given === undefined && interactive;
  const steps: Step[] = [
    ...(args.name === undefined ? [nameStep] : []),
    ...(v.source === undefined ? [promptStep] : []),
    ...(ask(args.cron) ? [cronStep] : []),
    ...(ask(args.timezone) ? [zoneStep] : []),
    ...(ask(args.folder) ? [folderStep] : []),
  ];
  for (let i = 0; i < steps.length;) {
    const r = await steps[i]!({ title: titleOf(), step: i + 1, totalSteps: steps.length }, v);
    if (r === undefined) return undefined;
    i = r === 'back' ? Math.max(0, i - 1) : i + 1;
  }
  const job = await storeNewJob(ctx, v, args.confirmGrants === true);
  if (!job) return undefined;
  ctx.log.info(
    `Created job "${job.name}" (${job.id}), ${job.cronExpression} in ${job.timezone}, folder ${job.options.workingDirectory ?? '(home)'}.`,
  );
  ctx.refresh();
  return job;
}

/** "nightly-review.md" titled by its front matter, else by its file name. */
function defaultNameFor(file: string): string {
  try {
    return loadPromptFile(file).prompt.settings.title ?? path.basename(file, path.extname(file));
  } catch {
    return path.basename(file, path.extname(file));
  }
}

/** Checks every value (given or typed), confirms what a prompt file grants, and writes. */
async function storeNewJob(
  ctx: CommandContext,
  v: Values,
  grantsConfirmed: boolean,
): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const refuse = (reason: string): never => {
    throw new Error(vscode.l10n.t('Cannot create the job: {0}', reason));
  };
  const name = checkJobName(v.name);
  if (!name.ok) refuse(nameMessage(name));
  const zone = validateTimeZone(v.timezone);
  if (zone !== null) refuse(zone);
  const cron = checkCron(v.cron, v.timezone, new Date());
  if (!cron.ok) refuse(cron.message ?? v.cron);
  if (v.folder !== null && !isDirectory(v.folder))
    refuse(vscode.l10n.t('the folder {0} does not exist', v.folder));
  const plan = planJobSchedule(
    { cronExpression: v.cron, timezone: v.timezone, once: false, hasParent: false },
    new Date(),
  );
  if (!plan.ok)
    refuse(
      plan.problem === 'cron' ? plan.detail : vscode.l10n.t('the schedule "{0}" never fires again', v.cron),
    );
  const jobName = name.ok ? name.name : v.name;

  let file = v.source?.kind === 'file' ? v.source.file : undefined;
  if (v.source?.kind === 'newFile') {
    const folder =
      (v.folder && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(v.folder))) ||
      vscode.workspace.workspaceFolders?.[0];
    if (!folder)
      refuse(vscode.l10n.t('a new prompt file needs a workspace folder; open one, or type the prompt here'));
    file = (await createPromptFile(folder!, jobName)).fsPath;
  }
  let prompt: { title: string; content: string; filePath: string | null };
  let promptGrants: PromptGrants | null = null;
  // The options the runs will have (the prompt file's defaults applied), for the worktree suggestion.
  let effective = { ...DEFAULT_EXECUTION_OPTIONS, workingDirectory: v.folder };
  if (file !== undefined) {
    let loaded: ReturnType<typeof loadPromptFile>;
    try {
      loaded = loadPromptFile(file);
    } catch (err) {
      return refuse(errorMessage(err).replace(/\.$/, ''));
    }
    const options = { ...DEFAULT_EXECUTION_OPTIONS, workingDirectory: v.folder };
    const resolved = resolvePromptOptions(options, loaded.prompt.settings);
    if (!resolved.ok && resolved.reason === 'bypass')
      refuse(
        vscode.l10n.t(
          'the prompt file asks for bypassPermissions, which Night Pilot never takes from a file',
        ),
      );
    effective = applyPromptDefaults(options, loaded.prompt.settings);
    const grants = grantsUsedBy(options, loaded.prompt.settings);
    if (hasGrants(grants)) {
      if (!grantsConfirmed && !(await confirmGrants(jobName, file, grants))) return undefined;
      promptGrants = grants;
    }
    prompt = { title: loaded.prompt.settings.title ?? jobName, content: loaded.content, filePath: file };
  } else {
    if (!isPromptText(v.text)) refuse(vscode.l10n.t('the prompt text is empty'));
    prompt = { title: jobName, content: v.text.trim(), filePath: null };
  }

  let isolation = v.isolation;
  if (isolation === undefined) {
    isolation = await suggestWorktree(v.folder, effective);
    if (isolation === undefined) return undefined;
  }
  if (isolation === 'worktree' || (isolation === null && effective.isolation === 'worktree')) {
    const problem = await worktreeProblem(v.folder, null);
    if (problem !== null) refuse(problem);
  }

  const job = await db.write((tx) => {
    const stored = tx.prompts.insert(prompt);
    return tx.jobs.insert({
      name: jobName,
      promptId: stored.id,
      cronExpression: v.cron.trim(),
      timezone: v.timezone,
      nextRunTime: plan.ok ? plan.nextRunTime : null,
      options: { workingDirectory: v.folder, promptGrants, isolation },
    });
  });
  if (v.source?.kind === 'newFile' && file) {
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Created "{0}" with a new prompt file: write the prompt there; every run reads it.',
        jobName,
      ),
    );
  }
  return job;
}

/**
 * Asks whether the runs should work in a git worktree of their own, when that is what the user
 * likely wants: the folder is a git repository and the permissions let Claude edit files. Null
 * when not asked (or the prompt file already says).
 */
async function suggestWorktree(
  folder: string | null,
  options: typeof DEFAULT_EXECUTION_OPTIONS,
): Promise<Isolation | null | undefined> {
  if (folder === null || options.isolation !== null || !letsClaudeEdit(options)) return null;
  const git = { runner: runSupervisedProcess, gitPath: 'git', env: process.env };
  if ((await checkWorktreeFolder(git, folder, null)) !== null) return null;
  const r = await pickOne<Isolation>({
    title: titleOf(),
    placeholder: vscode.l10n.t(
      'Claude may edit files in {0}, a git repository: where should the runs work?',
      folder,
    ),
    items: [
      {
        label: vscode.l10n.t('In a git worktree of their own (suggested)'),
        description: vscode.l10n.t('a branch per run, reviewed and merged in the morning'),
        value: 'worktree',
      },
      { label: vscode.l10n.t('In the folder itself'), value: 'none' },
    ],
    active: 'worktree',
  });
  return r === undefined || r === 'back' ? undefined : r.value;
}

/** "Create Job from This Prompt": the CodeLens, the Explorer and the editor title/context menus. */
export function createJobFromPrompt(ctx: CommandContext, uri: unknown): Promise<Job | undefined> {
  const target =
    uri instanceof vscode.Uri
      ? uri
      : typeof uri === 'string'
        ? vscode.Uri.file(uri)
        : vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file') {
    throw new Error(vscode.l10n.t('Create Job from This Prompt needs a Markdown file of the workspace.'));
  }
  return createJob(ctx, { promptFile: target.fsPath });
}
