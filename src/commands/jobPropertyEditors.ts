// The Edit Job properties that take more than one box: the prompt, retries and backoff, the
// parent job and the environment.
import * as vscode from 'vscode';
import { isEnvName, parseEnvEntry, parseSeconds, parseWholeNumber } from '../core/jobValidation';
import type { Job, RetryStrategy } from '../core/model';
import { RETRY_STRATEGIES } from '../core/model';
import { MAX_RETRY_ATTEMPTS } from '../core/retry';
import { createPromptFile } from '../prompts/promptFolder';
import { promptDocumentUri } from '../prompts/promptDocuments';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import type { StepPlace } from './jobFieldInputs';
import { pickPromptSource } from './jobFieldInputs';
import type { JobEdits } from './jobEdits';
import { stepCheck } from './jobFieldMessages';
import type { StepCheck } from './quickInput';
import { askText, pickOne } from './quickInput';

async function ask(
  title: string,
  prompt: string,
  value: string,
  validate: (v: string) => StepCheck,
): Promise<string | undefined> {
  const r = await askText({ title, step: 1, totalSteps: 1, prompt, value, validate });
  return r === undefined || r === 'back' ? undefined : r.value;
}

/**
 * The prompt: open it to edit (the file, or the stored text in an editor tab), or switch to
 * another prompt file, a new one, or text typed here.
 */
export async function editPrompt(
  ctx: CommandContext,
  job: Job,
  place: StepPlace,
): Promise<JobEdits | undefined> {
  const db = requireDatabase(ctx);
  const prompt = db.read((tx) => tx.prompts.require(job.promptId));
  const open = await pickOne<'open' | 'change'>({
    ...place,
    placeholder: vscode.l10n.t('The prompt of "{0}"', job.name),
    items: [
      {
        label: `$(go-to-file) ${vscode.l10n.t('Open the Prompt')}`,
        description: prompt.filePath
          ? vscode.workspace.asRelativePath(prompt.filePath)
          : vscode.l10n.t('stored in Night Pilot'),
        value: 'open',
      },
      { label: `$(replace) ${vscode.l10n.t('Use Another Prompt...')}`, value: 'change' },
    ],
  });
  if (open === undefined || open === 'back') return undefined;
  if (open.value === 'open') {
    await vscode.window.showTextDocument(
      prompt.filePath ? vscode.Uri.file(prompt.filePath) : promptDocumentUri(prompt),
      {
        preview: false,
      },
    );
    return undefined;
  }
  const source = await pickPromptSource(place);
  if (source === undefined || source === 'back') return undefined;
  switch (source.value.kind) {
    case 'file':
      return { promptFile: source.value.file };
    case 'newFile': {
      const folder =
        (job.options.workingDirectory &&
          vscode.workspace.getWorkspaceFolder(vscode.Uri.file(job.options.workingDirectory))) ||
        vscode.workspace.workspaceFolders?.[0];
      if (!folder)
        throw new Error(vscode.l10n.t('A new prompt file needs a workspace folder; open one first.'));
      const uri = await createPromptFile(folder, job.name);
      await vscode.window.showTextDocument(uri, { preview: false });
      return { promptFile: uri.fsPath };
    }
    case 'text': {
      const text = await ask(
        place.title,
        vscode.l10n.t('What should Claude do? (the prompt sent on every run)'),
        prompt.filePath ? '' : prompt.content,
        (v) =>
          v.trim() === ''
            ? { ok: false, message: vscode.l10n.t('Write what Claude should do.') }
            : { ok: true },
      );
      return text === undefined ? undefined : { promptText: text };
    }
  }
}

/** Retries and backoff: how many, the strategy, the first delay and the cap. */
export async function editRetry(job: Job, title: string): Promise<JobEdits | undefined> {
  const r = job.retry;
  const retries = await ask(
    title,
    vscode.l10n.t('Retries after a failed run (0: none)'),
    String(r.maxAttempts - 1),
    (v) => stepCheck(v, (raw) => parseWholeNumber(raw, 0, MAX_RETRY_ATTEMPTS - 1)),
  );
  if (retries === undefined) return undefined;
  const maxAttempts = Number(retries.trim()) + 1;
  if (maxAttempts === 1) return { retry: { maxAttempts } };
  const strategy = await pickOne<RetryStrategy>({
    title,
    placeholder: vscode.l10n.t('How the delay between retries grows'),
    items: RETRY_STRATEGIES.map((s) => ({
      label: s,
      description: {
        fixed: vscode.l10n.t('the same delay each time'),
        linear: vscode.l10n.t('the delay times the attempt'),
        exponential: vscode.l10n.t('the delay doubles each time'),
      }[s],
      value: s,
    })),
    active: r.strategy,
  });
  if (strategy === undefined || strategy === 'back') return undefined;
  const base = await ask(
    title,
    vscode.l10n.t('Seconds before the first retry'),
    String(r.baseDelaySeconds),
    (v) => stepCheck(v, parseSeconds),
  );
  if (base === undefined) return undefined;
  const max = await ask(
    title,
    vscode.l10n.t('The longest delay between retries, in seconds'),
    String(r.maxDelaySeconds),
    (v) => stepCheck(v, parseSeconds),
  );
  if (max === undefined) return undefined;
  return {
    retry: {
      maxAttempts,
      strategy: strategy.value,
      baseDelaySeconds: Number(base.trim()),
      maxDelaySeconds: Number(max.trim()),
    },
  };
}

/** The parent: a job whose success starts this one (no cycles), or none. */
export async function pickParent(
  ctx: CommandContext,
  job: Job,
  title: string,
): Promise<JobEdits | undefined> {
  const db = requireDatabase(ctx);
  const jobs = db.read((tx) => tx.jobs.list()).filter((j) => j.id !== job.id);
  const r = await pickOne<string | null>({
    title,
    placeholder: vscode.l10n.t('Run "{0}" after which job succeeds?', job.name),
    items: [
      {
        label: vscode.l10n.t('(no parent)'),
        description: vscode.l10n.t('runs on its own schedule'),
        value: null,
      },
      ...jobs.map((j) => ({
        label: j.name,
        description: j.cronExpression || vscode.l10n.t('triggered'),
        value: j.id,
      })),
    ],
    active: job.parentJobId,
  });
  if (r === undefined || r === 'back') return undefined;
  if (r.value === null || job.cronExpression === '') return { parentJobId: r.value };
  // With a parent, the job may keep its own schedule too, or run only after the parent.
  const keep = await pickOne<boolean>({
    title,
    placeholder: vscode.l10n.t("Keep the job's own schedule as well?"),
    items: [
      { label: vscode.l10n.t('Only After the Parent Succeeds'), value: false },
      { label: vscode.l10n.t('Also on Its Own Schedule'), description: job.cronExpression, value: true },
    ],
  });
  if (keep === undefined || keep === 'back') return undefined;
  return keep.value ? { parentJobId: r.value } : { parentJobId: r.value, cronExpression: '' };
}

/** The environment: add a variable, or change or remove one. */
export async function editEnvironment(job: Job, title: string): Promise<JobEdits | undefined> {
  const env = job.options.env;
  const r = await pickOne<string | null>({
    title,
    placeholder: vscode.l10n.t("Environment variables of the job's processes"),
    items: [
      { label: `$(add) ${vscode.l10n.t('Add a Variable...')}`, value: null },
      ...Object.entries(env).map(([name, value]) => ({ label: name, description: value, value: name })),
    ],
  });
  if (r === undefined || r === 'back') return undefined;
  if (r.value === null) {
    const entry = await ask(title, vscode.l10n.t('NAME=value'), '', (v) => stepCheck(v, parseEnvEntry));
    if (entry === undefined) return undefined;
    const parsed = parseEnvEntry(entry);
    if (!parsed.ok) return undefined;
    return { options: { env: { ...env, [parsed.value[0]]: parsed.value[1] } } };
  }
  const name = r.value;
  const value = await ask(
    title,
    vscode.l10n.t('The value of {0} (clear the box and press Enter to remove it)', name),
    env[name] ?? '',
    () => ({ ok: true }),
  );
  if (value === undefined) return undefined;
  const next = { ...env };
  if (value === '') delete next[name];
  else next[name] = value;
  if (!isEnvName(name)) return undefined;
  return { options: { env: next } };
}
