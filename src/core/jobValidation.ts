// The one set of rules a job's own fields obey, for every way a job is made or changed: the CLI's
// `job add` / `job edit` / `job resume` and the extension's Create Job / Resume Job. Each problem
// comes back as a code with its numbers, so the CLI and the extension can word it in their own
// language (the extension localizes it).

import { nextFireTime, validateCron } from './cron';
import { splitToolRules } from './toolRules';
import type { Job, JobType } from './model';
import { ISOLATION_MODES, MISSED_RUN_POLICIES, PERMISSION_MODES } from './model';
import { branchNameProblem } from './runBranch';
import { validateRetryConfig } from './retry';
import { validateTimeZone } from './timeZone';
import { errorMessage } from './errorMessage';

/** The longest job name, in characters (after trimming). */
export const MAX_JOB_NAME_LENGTH = 200;

/** What is wrong with a job name. */
export type NameProblem =
  { problem: 'empty' } | { problem: 'control' } | { problem: 'tooLong'; length: number; max: number };

/** The name as stored (trimmed), or what is wrong with it. */
export function checkJobName(raw: string): { ok: true; name: string } | ({ ok: false } & NameProblem) {
  const name = raw.trim();
  if (name === '') return { ok: false, problem: 'empty' };
  // Tabs, newlines and other control characters would break one-line listings and the tree.
  if (/\p{Cc}/u.test(name)) return { ok: false, problem: 'control' };
  if (name.length > MAX_JOB_NAME_LENGTH)
    return { ok: false, problem: 'tooLong', length: name.length, max: MAX_JOB_NAME_LENGTH };
  return { ok: true, name };
}

/** The CLI's (English) wording of a name problem. */
export function describeNameProblem(p: NameProblem): string {
  switch (p.problem) {
    case 'empty':
      return 'the name is empty';
    case 'control':
      return 'the name must be one line without control characters';
    case 'tooLong':
      return `the name is ${p.length} characters long (at most ${p.max})`;
  }
}

/** Whether a prompt has text to send (whitespace alone is not a prompt). */
export function isPromptText(raw: string): boolean {
  return raw.trim() !== '';
}

/** The part of a job that decides its next fire. */
export type JobSchedule = Pick<Job, 'cronExpression' | 'timezone'> & Partial<Pick<Job, 'jobType'>>;

/**
 * The next fire of `job` after `now` as stored in `nextRunTime`: null for a job without a schedule
 * of its own (a triggered child job fires when its parent succeeds) and for an expression that
 * never fires again. Throws an Error naming the problem for an expression or a zone that cannot
 * be evaluated.
 */
export function nextRunTimeFor(job: JobSchedule, now: Date): string | null {
  if (job.jobType === 'triggered' || job.cronExpression.trim() === '') return null;
  const check = validateCron(job.cronExpression);
  if (!check.ok) throw new Error(`the cron expression "${job.cronExpression}" is invalid: ${check.message}`);
  return nextFireTime(job.cronExpression, now, job.timezone)?.toISOString() ?? null;
}

// ---------------------------------------------------------------------------------------------
// Field values as a person types them (the CLI's flags, the extension's input boxes): each parser
// returns the value or a problem code, which the CLI words in English (describeValueProblem) and
// the extension in the user's language.

/** Highest and lowest priority: 1 runs first. */
export const PRIORITY_MIN = 1;
export const PRIORITY_MAX = 10;
/** Largest max-turns. */
export const MAX_TURNS = 10_000;
/** Longest timeout: a week. */
export const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

/** What is wrong with one typed value. */
export type ValueProblem =
  | { problem: 'notWhole'; min: number; max: number }
  | { problem: 'notSeconds' }
  | { problem: 'notDollars' }
  | { problem: 'notOneOf'; allowed: readonly string[] }
  | { problem: 'modelName' }
  | { problem: 'toolRules'; detail: string }
  | { problem: 'envEntry' }
  | { problem: 'envName'; name: string }
  | { problem: 'branchName'; detail: string };

export type Checked<T> = { ok: true; value: T } | ({ ok: false } & ValueProblem);

/** A whole number in [min, max], written in plain digits. */
export function parseWholeNumber(raw: string, min: number, max: number): Checked<number> {
  const text = raw.trim();
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    return { ok: false, problem: 'notWhole', min, max };
  return { ok: true, value: Number(text) };
}

/** A number of seconds, 0 or more, decimals allowed. */
export function parseSeconds(raw: string): Checked<number> {
  const text = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return { ok: false, problem: 'notSeconds' };
  return { ok: true, value: Number(text) };
}

/** An amount of US dollars above 0 and at most 1,000,000 (a leading `$` is allowed). */
export function parseDollars(raw: string): Checked<number> {
  const text = raw.trim().replace(/^\$/, '');
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0) || value > 1_000_000)
    return { ok: false, problem: 'notDollars' };
  return { ok: true, value };
}

/** `raw` when it is one of `allowed` (exactly). */
export function parseChoice<T extends string>(raw: string, allowed: readonly T[]): Checked<T> {
  return (allowed as readonly string[]).includes(raw)
    ? { ok: true, value: raw as T }
    : { ok: false, problem: 'notOneOf', allowed };
}

/** A model name or alias: one word, not an option. */
export function checkModelName(raw: string): Checked<string> {
  const model = raw.trim();
  if (model === '' || /\s/.test(model) || model.startsWith('-')) return { ok: false, problem: 'modelName' };
  return { ok: true, value: model };
}

/** "Read,Bash(git log:*)" as its rules (commas inside parentheses do not split). */
export function parseToolRules(raw: string): Checked<string[]> {
  const split = splitToolRules(raw);
  if ('problem' in split) return { ok: false, problem: 'toolRules', detail: split.problem };
  const bad = split.rules.find((rule) => rule.startsWith('-') || /[\r\n]/.test(rule));
  if (bad !== undefined) return { ok: false, problem: 'toolRules', detail: `"${bad}" is not a tool rule` };
  return { ok: true, value: split.rules };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether `name` can be an environment variable's name: letters, digits and _, no leading digit. */
export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

/** `KEY=VALUE` (the value may be empty or hold `=`). */
export function parseEnvEntry(raw: string): Checked<[string, string]> {
  const eq = raw.indexOf('=');
  if (eq === -1) return { ok: false, problem: 'envEntry' };
  const name = raw.slice(0, eq);
  if (!isEnvName(name)) return { ok: false, problem: 'envName', name };
  return { ok: true, value: [name, raw.slice(eq + 1)] };
}

/** A git branch name (what `git check-ref-format --branch` accepts), trimmed. */
export function parseBranchName(raw: string): Checked<string> {
  const problem = branchNameProblem(raw);
  return problem === null
    ? { ok: true, value: raw.trim() }
    : { ok: false, problem: 'branchName', detail: problem };
}

/** The CLI's (English) wording of a value problem; `raw` is the value as typed. */
export function describeValueProblem(p: ValueProblem, raw: string): string {
  switch (p.problem) {
    case 'notWhole': {
      const shown = /^[+-]?\d+(\.\d+)?$/.test(raw.trim()) ? raw.trim() : JSON.stringify(raw);
      return `${shown} is not an integer from ${p.min} to ${p.max}`;
    }
    case 'notSeconds':
      return `${JSON.stringify(raw)} is not a number of seconds (0 or more, e.g. 30 or 1.5)`;
    case 'notDollars':
      return `${JSON.stringify(raw)} is not an amount of US dollars above 0 (e.g. 5 or 2.50)`;
    case 'notOneOf':
      return `"${raw}" is not one of ${p.allowed.join(', ')}`;
    case 'modelName':
      return /\s/.test(raw.trim())
        ? `"${raw}" contains spaces; use a model name or alias such as sonnet or claude-sonnet-4-5`
        : `"${raw}" is not a model name; use a model name or alias such as sonnet or claude-sonnet-4-5`;
    case 'toolRules':
      return p.detail;
    case 'envEntry':
      return `"${raw}" is not KEY=VALUE`;
    case 'envName':
      return `"${p.name}" is not a valid variable name (letters, digits and _, not starting with a digit)`;
    case 'branchName':
      return p.detail;
  }
}

// ---------------------------------------------------------------------------------------------
// A whole job: what the CLI, Create Job, Edit Job and Import Jobs all check before they write.

/** How a job's schedule comes out of its cron expression, its parent and "once". */
export type SchedulePlan =
  | { ok: true; jobType: JobType; nextRunTime: string | null }
  | { ok: false; problem: 'noSchedule' | 'onceNeedsCron' | 'neverFires' }
  | { ok: false; problem: 'cron'; detail: string };

/**
 * No cron expression and a parent: `triggered` (no fire of its own); `once`: `one_time`; else
 * `scheduled`, with the first fire after `now`.
 */
export function planJobSchedule(
  input: { cronExpression: string; timezone: string; once: boolean; hasParent: boolean },
  now: Date,
): SchedulePlan {
  const cron = input.cronExpression.trim();
  if (cron === '') {
    if (!input.hasParent) return { ok: false, problem: 'noSchedule' };
    if (input.once) return { ok: false, problem: 'onceNeedsCron' };
    return { ok: true, jobType: 'triggered', nextRunTime: null };
  }
  const check = validateCron(cron);
  if (!check.ok) return { ok: false, problem: 'cron', detail: check.message };
  let next: Date | null;
  try {
    next = nextFireTime(cron, now, input.timezone);
  } catch (err) {
    return { ok: false, problem: 'cron', detail: errorMessage(err) };
  }
  if (next === null) return { ok: false, problem: 'neverFires' };
  return { ok: true, jobType: input.once ? 'one_time' : 'scheduled', nextRunTime: next.toISOString() };
}

/** The parts of a job a person decides (what Edit Job changes and Import Jobs reads). */
export type JobDraft = Pick<
  Job,
  | 'name'
  | 'cronExpression'
  | 'timezone'
  | 'jobType'
  | 'priority'
  | 'parentJobId'
  | 'options'
  | 'retry'
  | 'missedRunPolicy'
>;

/** One thing wrong with a job: the field (a Job key, `options.x` or `retry`) and why. */
export interface JobProblem {
  field: string;
  message: string;
}

const isText = (v: unknown): v is string => typeof v === 'string';
const isWhole = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isAmount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 1_000_000;

/**
 * Everything wrong with `job`, checked field by field with the rules the CLI's flags and the
 * extension's inputs obey, then across fields (a schedule or a parent, the bypass opt-in, the
 * retry bounds). Values of the wrong type (an imported file) are reported too. Empty when the job
 * may be stored.
 */
export function checkJobDraft(job: JobDraft): JobProblem[] {
  const problems: JobProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field, message });
  const shown = (v: unknown) => JSON.stringify(v) ?? String(v);

  if (!isText(job.name)) bad('name', `${shown(job.name)} is not a name`);
  else {
    const name = checkJobName(job.name);
    if (!name.ok) bad('name', describeNameProblem(name));
  }
  if (!isText(job.timezone)) bad('timezone', `${shown(job.timezone)} is not a time zone`);
  else {
    const zone = validateTimeZone(job.timezone);
    if (zone !== null) bad('timezone', zone);
  }
  if (!isText(job.cronExpression))
    bad('cronExpression', `${shown(job.cronExpression)} is not a cron expression`);
  else if (job.cronExpression.trim() !== '') {
    const cron = validateCron(job.cronExpression);
    if (!cron.ok) bad('cronExpression', cron.message);
  }
  if (job.parentJobId !== null && !isText(job.parentJobId))
    bad('parentJobId', `${shown(job.parentJobId)} is not a job id`);
  const cron = isText(job.cronExpression) ? job.cronExpression.trim() : '';
  if (job.jobType === 'triggered') {
    if (job.parentJobId === null) bad('jobType', 'a triggered job needs a parent job');
    if (cron !== '') bad('jobType', 'a triggered job has no cron expression of its own');
  } else if (job.jobType === 'scheduled' || job.jobType === 'one_time') {
    if (cron === '') bad('cronExpression', 'a job without a parent needs a cron expression');
  } else bad('jobType', `${shown(job.jobType)} is not one of scheduled, one_time, triggered`);
  if (!isWhole(job.priority, PRIORITY_MIN, PRIORITY_MAX))
    bad('priority', `${shown(job.priority)} is not an integer from ${PRIORITY_MIN} to ${PRIORITY_MAX}`);
  if (!(MISSED_RUN_POLICIES as readonly unknown[]).includes(job.missedRunPolicy))
    bad('missedRunPolicy', `${shown(job.missedRunPolicy)} is not one of ${MISSED_RUN_POLICIES.join(', ')}`);
  const retry =
    typeof job.retry === 'object' && job.retry !== null ? validateRetryConfig(job.retry) : 'not an object';
  if (retry !== null) bad('retry', retry);
  if (typeof job.options !== 'object' || job.options === null) bad('options', 'not an object');
  else checkOptions(job.options, bad);
  return problems;
}

function checkOptions(o: Job['options'], bad: (field: string, message: string) => void): void {
  const shown = (v: unknown) => JSON.stringify(v) ?? String(v);
  const optionalText = (key: keyof Job['options']) => {
    const v = o[key];
    if (v !== null && (!isText(v) || v.trim() === ''))
      bad(`options.${key}`, `${shown(v)} is not a non-empty text`);
  };
  for (const key of [
    'workingDirectory',
    'appendSystemPrompt',
    'setupCommand',
    'validationCommand',
    'cleanupCommand',
  ] as const)
    optionalText(key);
  if (o.model !== null) {
    const model = isText(o.model) ? checkModelName(o.model) : null;
    if (!model?.ok) bad('options.model', describeValueProblem({ problem: 'modelName' }, String(o.model)));
  }
  if (o.maxTurns !== null && !isWhole(o.maxTurns, 1, MAX_TURNS))
    bad('options.maxTurns', `${shown(o.maxTurns)} is not an integer from 1 to ${MAX_TURNS}`);
  if (o.timeoutSeconds !== null && !isWhole(o.timeoutSeconds, 1, MAX_TIMEOUT_SECONDS))
    bad(
      'options.timeoutSeconds',
      `${shown(o.timeoutSeconds)} is not an integer from 1 to ${MAX_TIMEOUT_SECONDS}`,
    );
  for (const key of ['maxBudgetUsd', 'dailyBudgetUsd', 'monthlyBudgetUsd'] as const) {
    if (o[key] !== null && !isAmount(o[key]))
      bad(`options.${key}`, `${shown(o[key])} is not an amount of US dollars above 0 (at most 1,000,000)`);
  }
  if (o.permissionMode !== null && !(PERMISSION_MODES as readonly unknown[]).includes(o.permissionMode))
    bad('options.permissionMode', `${shown(o.permissionMode)} is not one of ${PERMISSION_MODES.join(', ')}`);
  if (typeof o.allowBypass !== 'boolean')
    bad('options.allowBypass', `${shown(o.allowBypass)} is not true or false`);
  if (o.permissionMode === 'bypassPermissions' && o.allowBypass !== true)
    bad(
      'options.permissionMode',
      'bypassPermissions lets Claude run any tool without asking; the job must opt in explicitly (allowBypass)',
    );
  for (const key of ['allowedTools', 'disallowedTools'] as const) {
    const list = o[key];
    const oneRule = (r: unknown) => {
      const parsed = isText(r) ? parseToolRules(r) : null;
      return parsed?.ok === true && parsed.value.length === 1;
    };
    if (!Array.isArray(list) || !list.every(oneRule))
      bad(`options.${key}`, `${shown(list)} is not a list of tool rules such as ["Read", "Bash(git log:*)"]`);
  }
  if (o.isolation !== null && !(ISOLATION_MODES as readonly unknown[]).includes(o.isolation))
    bad('options.isolation', `${shown(o.isolation)} is not one of ${ISOLATION_MODES.join(', ')}`);
  if (o.baseBranch !== null) {
    const problem = isText(o.baseBranch) ? branchNameProblem(o.baseBranch) : 'not a branch name';
    if (problem !== null) bad('options.baseBranch', problem);
  }
  if (typeof o.env !== 'object' || o.env === null || Array.isArray(o.env))
    bad('options.env', 'not a mapping of NAME: value');
  else
    for (const [name, value] of Object.entries(o.env)) {
      if (!isEnvName(name)) bad('options.env', describeValueProblem({ problem: 'envName', name }, name));
      else if (!isText(value)) bad(`options.env.${name}`, `${shown(value)} is not a text`);
    }
}
