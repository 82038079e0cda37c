// The job options of `job add` and `job edit`: their declarations, and the checks that turn the
// raw strings into model values. Every check runs before the database is written, and every
// message names the option, the value and what would be accepted.

import fs from 'node:fs';
import path from 'node:path';
import { validateCron } from '../core/cron';
import type { Checked } from '../core/jobValidation';
import {
  MAX_TIMEOUT_SECONDS,
  MAX_TURNS,
  PRIORITY_MAX,
  PRIORITY_MIN,
  checkJobName,
  checkModelName,
  describeNameProblem,
  describeValueProblem,
  isEnvName,
  isPromptText,
  parseChoice,
  parseBranchName,
  parseDollars,
  parseEnvEntry,
  parseSeconds,
  parseToolRules,
  parseWholeNumber,
} from '../core/jobValidation';
import { ISOLATION_MODES, MISSED_RUN_POLICIES, PERMISSION_MODES, RETRY_STRATEGIES } from '../core/model';
import type { ExecutionOptions, MissedRunPolicy, RetryConfig } from '../core/model';
import { MAX_RETRY_ATTEMPTS } from '../core/retry';
import { validateTimeZone } from '../core/timeZone';
import type { OptionSpec, ParsedArgs } from './args';
import { UsageError } from './exitCodes';
import type { PromptFile } from './promptFile';
import { readPromptFile } from './promptFile';
import { closest } from './suggest';

/** Whether empty values mean "clear this setting" (edit) or are mistakes (add). */
export type JobOptionMode = 'add' | 'edit';

/** Where the prompt comes from. */
export type PromptInput = { kind: 'text'; content: string } | { kind: 'file'; file: PromptFile };

/**
 * What a command line asks to set. An absent key was not given (edit keeps the current value);
 * null (edit only) clears the setting back to its default.
 */
export interface JobFlags {
  name?: string;
  prompt?: PromptInput;
  /** '' (edit only) removes the schedule, leaving a job triggered by its parent. */
  cron?: string;
  timezone?: string;
  once?: boolean;
  /** A job reference (id, prefix or name), resolved against the database; null clears it. */
  parent?: string | null;
  priority?: number;
  missedRunPolicy?: MissedRunPolicy;
  options: Partial<ExecutionOptions>;
  /** `--env` entries to set; edit merges them into the job's environment. */
  envSet: Record<string, string>;
  /** `--unset-env` keys (edit only). */
  envUnset: string[];
  retry: Partial<RetryConfig>;
  /** `--accept-prompt` (edit only): confirm what the job's prompt file grants now. */
  acceptPrompt?: boolean;
}

/** Options shared by `job add` and `job edit`. */
export const JOB_OPTIONS: readonly OptionSpec[] = [
  { name: 'name', value: 'NAME', description: 'Name of the job (also usable as its ID).' },
  { name: 'prompt', value: 'TEXT', description: 'The prompt text, stored in the database.' },
  {
    name: 'prompt-file',
    value: 'FILE',
    description:
      'A Markdown prompt file. Its absolute path and current content are stored; the title is its front matter "title:", else the file name.',
  },
  {
    name: 'cron',
    value: 'EXPR',
    description:
      '5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or @daily, @hourly...',
  },
  {
    name: 'tz',
    value: 'ZONE',
    description: "IANA time zone the cron expression is read in. Default: this machine's zone.",
  },
  { name: 'once', description: 'Fire at the next cron match only, then complete (job type one_time).' },
  {
    name: 'parent',
    value: 'JOB_ID',
    description: 'Parent job. Without --cron the job is triggered: it fires when its parent succeeds.',
  },
  { name: 'priority', value: '1-10', description: '1 runs first, 10 last. Default: 5.' },
  {
    name: 'cwd',
    value: 'DIR',
    description: 'Working folder for Claude and the phase commands (must exist).',
  },
  {
    name: 'model',
    value: 'MODEL',
    description: 'Claude model or alias (sonnet, opus, claude-sonnet-4-5...).',
  },
  { name: 'max-turns', value: 'N', description: `Stop Claude after N agentic turns (1-${MAX_TURNS}).` },
  {
    name: 'permission-mode',
    value: 'MODE',
    description: `${PERMISSION_MODES.join(', ')}. bypassPermissions also needs --allow-bypass.`,
  },
  { name: 'allow-bypass', description: 'Allow --permission-mode bypassPermissions for this job.' },
  {
    name: 'isolation',
    value: 'MODE',
    description:
      'none: runs work in --cwd itself; worktree: each run works in a git worktree and branch of its own, reviewed and merged later (--cwd must be in a git repository).',
  },
  {
    name: 'base-branch',
    value: 'BRANCH',
    description:
      "The branch a worktree run starts from and merges into. Default: the repository's current branch.",
  },
  {
    name: 'allowed-tools',
    value: 'LIST',
    description:
      'Comma-separated permission rules Claude may use without asking, e.g. "Read,Bash(git log:*)".',
  },
  {
    name: 'disallowed-tools',
    value: 'LIST',
    description: 'Comma-separated permission rules Claude may not use.',
  },
  { name: 'append-system-prompt', value: 'TEXT', description: "Text appended to Claude's system prompt." },
  {
    name: 'env',
    value: 'KEY=VALUE',
    repeatable: true,
    description: 'An environment variable for the job (repeatable).',
  },
  { name: 'timeout', value: 'SECONDS', description: `End a run after this long (1-${MAX_TIMEOUT_SECONDS}).` },
  {
    name: 'max-budget-usd',
    value: 'USD',
    description:
      'The most one run may spend; passed to Claude as --max-budget-usd (a run stopped by it is not retried).',
  },
  {
    name: 'daily-budget',
    value: 'USD',
    description: "Once the job's runs spent this much in a local day, its next runs wait for the next day.",
  },
  {
    name: 'monthly-budget',
    value: 'USD',
    description:
      "Once the job's runs spent this much in a local month, its next runs wait for the next month.",
  },
  {
    name: 'retries',
    value: 'N',
    description: `Retries after a failed first attempt (0-${MAX_RETRY_ATTEMPTS - 1}). Default: 0.`,
  },
  {
    name: 'retry-strategy',
    value: 'STRATEGY',
    description: `${RETRY_STRATEGIES.join(', ')}. Default: exponential.`,
  },
  { name: 'retry-delay', value: 'SECONDS', description: 'Delay before the first retry. Default: 60.' },
  {
    name: 'retry-max-delay',
    value: 'SECONDS',
    description: 'Upper bound on any retry delay. Default: 3600.',
  },
  {
    name: 'missed',
    value: 'POLICY',
    description: `What to do with fires missed while nothing ran: ${MISSED_RUN_POLICIES.join(', ')}. Default: run_once.`,
  },
  { name: 'setup', value: 'CMD', description: 'Shell command run before Claude; a failure fails the run.' },
  {
    name: 'validate',
    value: 'CMD',
    description: 'Shell command run after Claude; a non-zero exit fails the run.',
  },
  { name: 'cleanup', value: 'CMD', description: 'Shell command run last, whatever happened.' },
];

/** Options only `job edit` has: the ways back from a flag. */
export const EDIT_ONLY_OPTIONS: readonly OptionSpec[] = [
  { name: 'no-once', description: 'Make a one-time job recurring again.' },
  { name: 'no-allow-bypass', description: 'Withdraw --allow-bypass.' },
  {
    name: 'accept-prompt',
    description:
      "Confirm the permissions the job's prompt file grants now (permissionMode, allowedTools, env); runs held for review start.",
  },
  {
    name: 'unset-env',
    value: 'KEY',
    repeatable: true,
    description: 'Remove an environment variable (repeatable).',
  },
];

/** Reads and checks every job option given on the line; throws UsageError on the first problem. */
export function readJobFlags(args: ParsedArgs, mode: JobOptionMode, cwd: string): JobFlags {
  const flags: JobFlags = { options: {}, envSet: {}, envUnset: [], retry: {} };
  const edit = mode === 'edit';
  const value = (name: string) => args.string(name);

  const name = value('name');
  if (name !== undefined) flags.name = checkName(name);

  readPrompt(args, cwd, flags);

  const cron = value('cron');
  if (cron !== undefined) {
    if (edit && cron === '') flags.cron = '';
    else flags.cron = checkCron(cron);
  }
  const tz = value('tz');
  if (tz !== undefined) {
    const problem = validateTimeZone(tz);
    if (problem !== null) throw new UsageError(`--tz: ${problem}`);
    flags.timezone = tz;
  }
  if (args.flag('once') && args.flag('no-once'))
    throw new UsageError('--once and --no-once cannot be used together');
  if (args.flag('once')) flags.once = true;
  if (args.flag('no-once')) flags.once = false;

  const parent = value('parent');
  if (parent !== undefined) {
    if (parent.trim() === '') {
      if (!edit) throw new UsageError('--parent: the job reference is empty');
      flags.parent = null;
    } else {
      flags.parent = parent;
    }
  }
  const priority = value('priority');
  if (priority !== undefined) flags.priority = integer('--priority', priority, PRIORITY_MIN, PRIORITY_MAX);
  const missed = value('missed');
  if (missed !== undefined) flags.missedRunPolicy = oneOf('--missed', missed, MISSED_RUN_POLICIES);

  readExecutionOptions(args, mode, cwd, flags.options);
  readEnv(args, flags);
  readRetry(args, flags.retry);
  if (edit && args.flag('accept-prompt')) flags.acceptPrompt = true;
  return flags;
}

function readPrompt(args: ParsedArgs, cwd: string, flags: JobFlags): void {
  const text = args.string('prompt');
  const file = args.string('prompt-file');
  if (text !== undefined && file !== undefined)
    throw new UsageError('--prompt and --prompt-file cannot be used together');
  if (text !== undefined) {
    if (!isPromptText(text)) throw new UsageError('--prompt: the prompt text is empty');
    flags.prompt = { kind: 'text', content: text };
  } else if (file !== undefined) {
    flags.prompt = { kind: 'file', file: readPromptFile(file, cwd) };
  }
}

function readExecutionOptions(
  args: ParsedArgs,
  mode: JobOptionMode,
  cwd: string,
  out: Partial<ExecutionOptions>,
): void {
  const edit = mode === 'edit';
  /** The value, null for an empty value in edit (clear), undefined when not given. */
  const given = (name: string, what: string): string | null | undefined => {
    const raw = args.string(name);
    if (raw === undefined) return undefined;
    if (raw.trim() === '') {
      if (edit) return null;
      throw new UsageError(`--${name}: the ${what} is empty`);
    }
    return raw;
  };

  const dir = given('cwd', 'folder name');
  if (dir !== undefined) out.workingDirectory = dir === null ? null : checkDirectory(dir, cwd);
  const model = given('model', 'model name');
  if (model !== undefined)
    out.model = model === null ? null : checked('--model', model, checkModelName(model));
  const turns = given('max-turns', 'number');
  if (turns !== undefined) out.maxTurns = turns === null ? null : integer('--max-turns', turns, 1, MAX_TURNS);
  const permission = given('permission-mode', 'mode');
  if (permission !== undefined) {
    out.permissionMode =
      permission === null ? null : oneOf('--permission-mode', permission, PERMISSION_MODES);
  }
  const isolation = given('isolation', 'mode');
  if (isolation !== undefined)
    out.isolation = isolation === null ? null : oneOf('--isolation', isolation, ISOLATION_MODES);
  const base = given('base-branch', 'branch name');
  if (base !== undefined)
    out.baseBranch = base === null ? null : checked('--base-branch', base, parseBranchName(base));
  if (args.flag('allow-bypass') && args.flag('no-allow-bypass')) {
    throw new UsageError('--allow-bypass and --no-allow-bypass cannot be used together');
  }
  if (args.flag('allow-bypass')) out.allowBypass = true;
  if (args.flag('no-allow-bypass')) out.allowBypass = false;
  const allowed = given('allowed-tools', 'list');
  if (allowed !== undefined) out.allowedTools = allowed === null ? [] : toolList('--allowed-tools', allowed);
  const disallowed = given('disallowed-tools', 'list');
  if (disallowed !== undefined)
    out.disallowedTools = disallowed === null ? [] : toolList('--disallowed-tools', disallowed);
  const append = given('append-system-prompt', 'text');
  if (append !== undefined) out.appendSystemPrompt = append;
  const timeout = given('timeout', 'number');
  if (timeout !== undefined) {
    out.timeoutSeconds = timeout === null ? null : integer('--timeout', timeout, 1, MAX_TIMEOUT_SECONDS);
  }
  for (const [name, key] of [
    ['max-budget-usd', 'maxBudgetUsd'],
    ['daily-budget', 'dailyBudgetUsd'],
    ['monthly-budget', 'monthlyBudgetUsd'],
  ] as const) {
    const raw = given(name, 'amount');
    if (raw !== undefined) out[key] = raw === null ? null : dollars(`--${name}`, raw);
  }
  const setup = given('setup', 'command');
  if (setup !== undefined) out.setupCommand = setup;
  const validate = given('validate', 'command');
  if (validate !== undefined) out.validationCommand = validate;
  const cleanup = given('cleanup', 'command');
  if (cleanup !== undefined) out.cleanupCommand = cleanup;
}

function readEnv(args: ParsedArgs, flags: JobFlags): void {
  for (const entry of args.list('env')) {
    const [key, value] = checked('--env', entry, parseEnvEntry(entry));
    if (key in flags.envSet) throw new UsageError(`--env: ${key} is given more than once`);
    flags.envSet[key] = value;
  }
  for (const key of args.list('unset-env')) {
    if (!isEnvName(key)) throw new UsageError(`--unset-env: "${key}" is not a valid variable name`);
    if (key in flags.envSet) throw new UsageError(`--env and --unset-env both name ${key}`);
    flags.envUnset.push(key);
  }
}

function readRetry(args: ParsedArgs, out: Partial<RetryConfig>): void {
  const retries = args.string('retries');
  if (retries !== undefined) out.maxAttempts = integer('--retries', retries, 0, MAX_RETRY_ATTEMPTS - 1) + 1;
  const strategy = args.string('retry-strategy');
  if (strategy !== undefined) out.strategy = oneOf('--retry-strategy', strategy, RETRY_STRATEGIES);
  const delay = args.string('retry-delay');
  if (delay !== undefined) out.baseDelaySeconds = seconds('--retry-delay', delay);
  const maxDelay = args.string('retry-max-delay');
  if (maxDelay !== undefined) out.maxDelaySeconds = seconds('--retry-max-delay', maxDelay);
}

/** Retry fields as the options that set them, for messages from validateRetryConfig. */
export const RETRY_FIELD_OPTIONS: Readonly<Record<string, string>> = {
  maxAttempts: '--retries',
  strategy: '--retry-strategy',
  baseDelaySeconds: '--retry-delay',
  maxDelaySeconds: '--retry-max-delay',
};

function checkName(raw: string): string {
  const check = checkJobName(raw);
  if (!check.ok) throw new UsageError(`--name: ${describeNameProblem(check)}`);
  return check.name;
}

function checkCron(raw: string): string {
  const result = validateCron(raw);
  if (!result.ok) throw new UsageError(`--cron: ${result.message}`);
  return raw.trim();
}

function checkDirectory(raw: string, cwd: string): string {
  const dir = path.resolve(cwd, raw);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UsageError(`--cwd: ${dir} does not exist`);
  }
  if (!stat.isDirectory()) throw new UsageError(`--cwd: ${dir} is not a directory`);
  return dir;
}

/** The value, or a UsageError naming the option, the value and what would be accepted. */
function checked<T>(option: string, raw: string, result: Checked<T>): T {
  if (result.ok) return result.value;
  return fail(option, raw, result);
}

function fail(option: string, raw: string, problem: Exclude<Checked<unknown>, { ok: true }>): never {
  throw new UsageError(`${option}: ${describeValueProblem(problem, raw)}`);
}

/** `raw` as a whole number in [min, max]; the message quotes what was given. */
export function integer(option: string, raw: string, min: number, max: number): number {
  return checked(option, raw, parseWholeNumber(raw, min, max));
}

function seconds(option: string, raw: string): number {
  return checked(option, raw, parseSeconds(raw));
}

/** A budget in US dollars: a number above 0 (cents allowed), at most 1,000,000. */
export function dollars(option: string, raw: string): number {
  return checked(option, raw, parseDollars(raw));
}

/** `raw` when it is one of `allowed`; else a message listing them, with a "did you mean". */
export function oneOf<T extends string>(option: string, raw: string, allowed: readonly T[]): T {
  const result = parseChoice(raw, allowed);
  if (result.ok) return result.value;
  const hint = closest(raw, allowed);
  throw new UsageError(
    `${option}: ${describeValueProblem(result, raw)}${hint !== undefined ? `; did you mean ${hint}?` : ''}`,
  );
}

/** Splits "Read,Bash(git log:*),Edit" at the commas outside parentheses. */
function toolList(option: string, raw: string): string[] {
  return checked(option, raw, parseToolRules(raw));
}
