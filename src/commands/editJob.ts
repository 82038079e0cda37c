// Edit Job: a quick pick of every property of a job with its current value; choosing one edits
// it with the rules the CLI uses, saves, and shows the list again until Escape. With values
// (`nightPilot.editJob`, id, { ... }) it changes them without asking.
import * as vscode from 'vscode';
import { describeCron } from '../core/cron';
import {
  MAX_TIMEOUT_SECONDS,
  MAX_TURNS,
  PRIORITY_MAX,
  PRIORITY_MIN,
  checkModelName,
  parseBranchName,
  parseToolRules,
  parseWholeNumber,
} from '../core/jobValidation';
import type { PromptSettings } from '../core/frontMatter';
import type { Job, Prompt } from '../core/model';
import { MISSED_RUN_POLICIES, PERMISSION_MODES } from '../core/model';
import { grantsUsedBy, hasGrants } from '../core/promptGrants';
import { loadPromptFile, readRunPrompt } from '../scheduler/promptText';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { editEnvironment, editPrompt, editRetry, pickParent } from './jobPropertyEditors';
import { checkName, stepCheck } from './jobFieldMessages';
import { askCron, confirmGrants, pickFolder, pickTimeZone } from './jobFieldInputs';
import type { JobEdits } from './jobEdits';
import { applyJobEdits } from './jobEdits';
import { resolveJobId } from './pickers';
import type { Choice } from './quickInput';
import { askText, pickOne } from './quickInput';
import { errorMessage } from '../core/errorMessage';

type Property =
  | 'name'
  | 'schedule'
  | 'timezone'
  | 'prompt'
  | 'folder'
  | 'model'
  | 'permissionMode'
  | 'isolation'
  | 'baseBranch'
  | 'allowedTools'
  | 'disallowedTools'
  | 'maxTurns'
  | 'timeout'
  | 'retry'
  | 'missed'
  | 'priority'
  | 'parent'
  | 'setup'
  | 'validation'
  | 'cleanup'
  | 'env'
  | 'appendSystemPrompt';

const none = () => vscode.l10n.t('(none)');

function missedLabel(policy: Job['missedRunPolicy']): string {
  switch (policy) {
    case 'skip':
      return vscode.l10n.t('skip them');
    case 'run_once':
      return vscode.l10n.t('run the latest once');
    case 'run_all':
      return vscode.l10n.t('run each of them');
  }
}

function scheduleText(job: Job): string {
  if (job.cronExpression === '') return vscode.l10n.t('after its parent job succeeds');
  try {
    return `${job.cronExpression}  ·  ${describeCron(job.cronExpression, job.timezone)}`;
  } catch {
    return job.cronExpression;
  }
}

/** The rows of the pick: each property with its current value (or the prompt file's default). */
function properties(
  job: Job,
  promptText: string,
  parentName: string | null,
  fromFile: PromptSettings,
): Choice<Property>[] {
  const o = job.options;
  const file = (value: string | undefined, otherwise: string) =>
    value === undefined || value === '' ? otherwise : vscode.l10n.t('{0} (from the prompt file)', value);
  const row = (value: Property, label: string, description: string): Choice<Property> => ({
    value,
    label,
    description,
  });
  return [
    row('name', vscode.l10n.t('Name'), job.name),
    row('schedule', vscode.l10n.t('Schedule'), scheduleText(job)),
    row('timezone', vscode.l10n.t('Time Zone'), job.timezone),
    row('prompt', vscode.l10n.t('Prompt'), promptText),
    row('folder', vscode.l10n.t('Folder'), o.workingDirectory ?? vscode.l10n.t('(home folder)')),
    row(
      'model',
      vscode.l10n.t('Model'),
      o.model ?? file(fromFile.model, vscode.l10n.t('(Claude Code default)')),
    ),
    row(
      'permissionMode',
      vscode.l10n.t('Permission Mode'),
      o.permissionMode ?? file(fromFile.permissionMode, vscode.l10n.t('(Claude Code default)')),
    ),
    row(
      'isolation',
      vscode.l10n.t('Isolation'),
      o.isolation === null
        ? file(fromFile.isolation, vscode.l10n.t('none (runs work in place)'))
        : o.isolation === 'worktree'
          ? vscode.l10n.t('worktree (a git worktree and branch per run)')
          : vscode.l10n.t('none (runs work in place)'),
    ),
    row(
      'baseBranch',
      vscode.l10n.t('Base Branch'),
      o.baseBranch ?? vscode.l10n.t("(the repository's current branch)"),
    ),
    row(
      'allowedTools',
      vscode.l10n.t('Allowed Tools'),
      o.allowedTools.join(', ') || file(fromFile.allowedTools?.join(', '), none()),
    ),
    row(
      'disallowedTools',
      vscode.l10n.t('Disallowed Tools'),
      o.disallowedTools.join(', ') || file(fromFile.disallowedTools?.join(', '), none()),
    ),
    row(
      'maxTurns',
      vscode.l10n.t('Max Turns'),
      o.maxTurns === null
        ? file(fromFile.maxTurns?.toString(), vscode.l10n.t('(no limit)'))
        : String(o.maxTurns),
    ),
    row(
      'timeout',
      vscode.l10n.t('Timeout'),
      o.timeoutSeconds === null ? vscode.l10n.t('(no limit)') : vscode.l10n.t('{0} s', o.timeoutSeconds),
    ),
    row(
      'retry',
      vscode.l10n.t('Retries and Backoff'),
      job.retry.maxAttempts <= 1
        ? vscode.l10n.t('no retry')
        : vscode.l10n.t(
            '{0} retries, {1}, {2} s first delay, at most {3} s',
            job.retry.maxAttempts - 1,
            job.retry.strategy,
            job.retry.baseDelaySeconds,
            job.retry.maxDelaySeconds,
          ),
    ),
    row('missed', vscode.l10n.t('Missed Runs'), missedLabel(job.missedRunPolicy)),
    row('priority', vscode.l10n.t('Priority'), String(job.priority)),
    row('parent', vscode.l10n.t('Parent Job'), parentName ?? none()),
    row('setup', vscode.l10n.t('Setup Command'), o.setupCommand ?? none()),
    row('validation', vscode.l10n.t('Validation Command'), o.validationCommand ?? none()),
    row('cleanup', vscode.l10n.t('Cleanup Command'), o.cleanupCommand ?? none()),
    row(
      'env',
      vscode.l10n.t('Environment'),
      [
        Object.keys(o.env).join(', '),
        file(
          Object.keys(fromFile.env ?? {})
            .filter((k) => !(k in o.env))
            .join(', '),
          '',
        ),
      ]
        .filter(Boolean)
        .join(', ') || none(),
    ),
    row(
      'appendSystemPrompt',
      vscode.l10n.t('System Prompt Addition'),
      o.appendSystemPrompt ?? file(fromFile.appendSystemPrompt, none()),
    ),
  ];
}

/**
 * `nightPilot.editJob`: with `changes`, applies them (checked like the CLI's `job edit`) and
 * resolves with the job; without, shows the properties until the user is done.
 */
export async function editJob(
  ctx: CommandContext,
  arg: unknown,
  changes?: JobEdits,
): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, vscode.l10n.t('Edit which job?'));
  if (!id) return undefined;
  if (changes && typeof changes === 'object') return applyJobEdits(ctx, id, changes);
  let last: Property | undefined;
  let job: Job | undefined;
  for (;;) {
    const { current, promptText, parentName, fromFile } = db.read((tx) => {
      const found = tx.jobs.require(id);
      const prompt = tx.prompts.get(found.promptId);
      return {
        fromFile: promptSettingsOf(prompt),
        current: found,
        promptText: prompt?.filePath
          ? vscode.workspace.asRelativePath(prompt.filePath)
          : (prompt?.content.split('\n')[0] ?? ''),
        parentName: found.parentJobId ? (tx.jobs.get(found.parentJobId)?.name ?? found.parentJobId) : null,
      };
    });
    const chosen = await pickOne({
      title: vscode.l10n.t('Edit Job: {0}', current.name),
      placeholder: vscode.l10n.t('Choose what to change (Escape when done)'),
      items: properties(current, promptText, parentName, fromFile),
      active: last,
    });
    if (chosen === undefined || chosen === 'back') return job ?? current;
    last = chosen.value;
    try {
      const edits = await askEdit(ctx, current, chosen.value);
      if (edits) job = await applyJobEdits(ctx, id, edits);
    } catch (err) {
      // Shown, and the list comes back: the user may fix another property first.
      void vscode.window.showErrorMessage(errorMessage(err));
    }
  }
}

/** The prompt's front matter settings, or none when it cannot be read (the tree says why). */
function promptSettingsOf(prompt: Prompt | undefined): PromptSettings {
  if (!prompt) return {};
  try {
    return readRunPrompt(prompt).settings;
  } catch {
    return {};
  }
}

/** Asks for the new value of one property; undefined when the user cancelled. */
async function askEdit(ctx: CommandContext, job: Job, property: Property): Promise<JobEdits | undefined> {
  const title = vscode.l10n.t('Edit Job: {0}', job.name);
  const place = { title };
  const o = job.options;
  const text = async (
    prompt: string,
    value: string,
    validate: Parameters<typeof askText>[0]['validate'],
    placeholder?: string,
  ) => {
    const r = await askText({ title, step: 1, totalSteps: 1, prompt, value, placeholder, validate });
    return r === undefined || r === 'back' ? undefined : r.value;
  };
  const clearable = vscode.l10n.t('Empty: none');
  switch (property) {
    case 'name': {
      const value = await text(vscode.l10n.t('Name of the job'), job.name, checkName);
      return value === undefined ? undefined : { name: value };
    }
    case 'schedule': {
      const r = await askCron(place, job.cronExpression, job.timezone);
      return r === undefined || r === 'back' ? undefined : { cronExpression: r.value };
    }
    case 'timezone': {
      const r = await pickTimeZone(place, job.timezone);
      return r === undefined || r === 'back' ? undefined : { timezone: r.value };
    }
    case 'folder': {
      const r = await pickFolder(place, o.workingDirectory);
      return r === undefined || r === 'back' ? undefined : { options: { workingDirectory: r.value } };
    }
    case 'prompt': {
      const edits = await editPrompt(ctx, job, place);
      if (edits?.promptFile === undefined) return edits;
      // A new file's grants are confirmed here, as Create Job does.
      const loaded = loadPromptFile(edits.promptFile);
      const grants = grantsUsedBy(o, loaded.prompt.settings);
      if (hasGrants(grants) && !(await confirmGrants(job.name, edits.promptFile, grants))) return undefined;
      return { ...edits, confirmGrants: true };
    }
    case 'model': {
      const value = await text(
        vscode.l10n.t("Claude model or alias (empty: Claude Code's default)"),
        o.model ?? '',
        (v) => stepCheck(v, checkModelName, vscode.l10n.t("Claude Code's default model")),
        'sonnet',
      );
      return value === undefined
        ? undefined
        : { options: { model: value.trim() === '' ? null : value.trim() } };
    }
    case 'permissionMode':
      return editPermissionMode(job, title);
    case 'isolation': {
      const r = await pickOne<Job['options']['isolation']>({
        title,
        placeholder: vscode.l10n.t('Where the runs of this job work'),
        items: [
          { label: vscode.l10n.t('none'), description: vscode.l10n.t('runs work in place'), value: 'none' },
          {
            label: vscode.l10n.t('worktree'),
            description: vscode.l10n.t(
              'each run in a git worktree and branch of its own, reviewed in the morning',
            ),
            value: 'worktree',
          },
          { label: vscode.l10n.t('(from the prompt file, else none)'), value: null },
        ],
        active: o.isolation,
      });
      return r === undefined || r === 'back' ? undefined : { options: { isolation: r.value } };
    }
    case 'baseBranch': {
      const value = await text(
        vscode.l10n.t(
          "The branch worktree runs start from and merge into (empty: the repository's current branch)",
        ),
        o.baseBranch ?? '',
        (v) => stepCheck(v, parseBranchName, vscode.l10n.t("the repository's current branch")),
        'main',
      );
      return value === undefined
        ? undefined
        : { options: { baseBranch: value.trim() === '' ? null : value.trim() } };
    }
    case 'allowedTools':
    case 'disallowedTools': {
      const value = await text(
        property === 'allowedTools'
          ? vscode.l10n.t('Tool rules Claude may use without asking, comma-separated')
          : vscode.l10n.t('Tool rules Claude may not use, comma-separated'),
        o[property].join(', '),
        (v) => stepCheck(v, parseToolRules, clearable),
        'Read, Bash(git log:*)',
      );
      if (value === undefined) return undefined;
      const rules = value.trim() === '' ? [] : (parseToolRules(value) as { ok: true; value: string[] }).value;
      return { options: { [property]: rules } };
    }
    case 'maxTurns':
    case 'timeout': {
      const [max, key, current] =
        property === 'maxTurns'
          ? ([MAX_TURNS, 'maxTurns', o.maxTurns] as const)
          : ([MAX_TIMEOUT_SECONDS, 'timeoutSeconds', o.timeoutSeconds] as const);
      const value = await text(
        property === 'maxTurns'
          ? vscode.l10n.t('Stop Claude after this many agentic turns (empty: no limit)')
          : vscode.l10n.t('End a run after this many seconds (empty: no limit)'),
        current === null ? '' : String(current),
        (v) => stepCheck(v, (raw) => parseWholeNumber(raw, 1, max), vscode.l10n.t('No limit')),
      );
      if (value === undefined) return undefined;
      return { options: { [key]: value.trim() === '' ? null : Number(value.trim()) } };
    }
    case 'priority': {
      const value = await text(
        vscode.l10n.t('Priority: {0} runs first, {1} last', PRIORITY_MIN, PRIORITY_MAX),
        String(job.priority),
        (v) => stepCheck(v, (raw) => parseWholeNumber(raw, PRIORITY_MIN, PRIORITY_MAX)),
      );
      return value === undefined ? undefined : { priority: Number(value.trim()) };
    }
    case 'missed': {
      const r = await pickOne({
        title,
        placeholder: vscode.l10n.t('Fires missed while VS Code was closed or the machine slept'),
        items: MISSED_RUN_POLICIES.map((p) => ({ label: missedLabel(p), description: p, value: p })),
        active: job.missedRunPolicy,
      });
      return r === undefined || r === 'back' ? undefined : { missedRunPolicy: r.value };
    }
    case 'retry':
      return editRetry(job, title);
    case 'parent':
      return pickParent(ctx, job, title);
    case 'setup':
    case 'validation':
    case 'cleanup': {
      const key = `${property}Command` as const;
      const prompts = {
        setup: vscode.l10n.t('Shell command run before Claude; its failure fails the run (empty: none)'),
        validation: vscode.l10n.t(
          'Shell command run after Claude; a non-zero exit fails the run (empty: none)',
        ),
        cleanup: vscode.l10n.t('Shell command run last, whatever happened (empty: none)'),
      };
      const value = await text(prompts[property], o[key] ?? '', () => ({ ok: true }));
      return value === undefined
        ? undefined
        : { options: { [key]: value.trim() === '' ? null : value.trim() } };
    }
    case 'env':
      return editEnvironment(job, title);
    case 'appendSystemPrompt': {
      const value = await text(
        vscode.l10n.t("Text appended to Claude's system prompt (empty: none)"),
        o.appendSystemPrompt ?? '',
        () => ({ ok: true }),
      );
      return value === undefined
        ? undefined
        : { options: { appendSystemPrompt: value.trim() === '' ? null : value } };
    }
  }
}

/** The permission mode; bypassPermissions only after a modal confirmation. */
async function editPermissionMode(job: Job, title: string): Promise<JobEdits | undefined> {
  const r = await pickOne<string | null>({
    title,
    placeholder: vscode.l10n.t('What Claude may do without asking'),
    items: [
      { label: vscode.l10n.t('(Claude Code default)'), value: null },
      ...PERMISSION_MODES.map((mode) => ({
        label: mode,
        description:
          mode === 'bypassPermissions'
            ? vscode.l10n.t('any tool, without asking: asks you to confirm')
            : undefined,
        value: mode,
      })),
    ],
    active: job.options.permissionMode,
  });
  if (r === undefined || r === 'back') return undefined;
  const mode = r.value as Job['options']['permissionMode'];
  if (mode !== 'bypassPermissions') return { options: { permissionMode: mode, allowBypass: false } };
  const allow = vscode.l10n.t('Allow Bypass for This Job');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Let "{0}" run every tool without asking?', job.name),
    {
      modal: true,
      detail: vscode.l10n.t(
        'bypassPermissions lets Claude edit files, run any command and use the network with no permission check, unattended. Use it only in a folder you can restore.',
      ),
    },
    allow,
  );
  return answer === allow
    ? { options: { permissionMode: 'bypassPermissions', allowBypass: true } }
    : undefined;
}
