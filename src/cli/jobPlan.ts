// From checked flags to the job that will be stored: the rules that span several options
// (schedule or parent, bypass opt-in, retry bounds) and the next fire time.

import { planJobSchedule } from '../core/jobValidation';
import { grantsUsedBy, hasGrants, resolvePromptOptions } from '../core/promptGrants';
import { DEFAULT_EXECUTION_OPTIONS, DEFAULT_RETRY } from '../core/model';
import type { ExecutionOptions, Job, JobType, PromptGrants, RetryConfig } from '../core/model';
import { validateRetryConfig } from '../core/retry';
import type { JobPatch, NewJob } from '../storage/jobRepository';
import type { NewPrompt } from '../storage/promptRepository';
import { UsageError } from './exitCodes';
import type { JobFlags, PromptInput } from './jobOptions';
import { RETRY_FIELD_OPTIONS } from './jobOptions';

export interface ScheduleInput {
  cronExpression: string;
  timezone: string;
  once: boolean;
  hasParent: boolean;
}

export interface Schedule {
  jobType: JobType;
  nextRunTime: string | null;
}

/**
 * The job type and first fire implied by the final settings: no cron and a parent is
 * `triggered` (no fire time of its own); `--once` is `one_time`; else `scheduled`.
 */
export function planSchedule(input: ScheduleInput, now: Date, mode: 'add' | 'edit'): Schedule {
  const plan = planJobSchedule(input, now);
  if (plan.ok) return { jobType: plan.jobType, nextRunTime: plan.nextRunTime };
  switch (plan.problem) {
    case 'noSchedule':
      throw new UsageError(
        mode === 'add'
          ? 'missing --cron (or --parent, for a job that fires when its parent succeeds)'
          : '--cron: a job without --parent needs a cron expression',
      );
    case 'onceNeedsCron':
      throw new UsageError(
        '--once needs --cron: a one-time job fires at the next match of its cron expression',
      );
    case 'cron':
      throw new UsageError(`--cron: "${input.cronExpression}": ${plan.detail}`);
    case 'neverFires':
      throw new UsageError(`--cron: "${input.cronExpression}" has no fire time after ${now.toISOString()}`);
  }
}

/** Refuses bypassPermissions without the job's explicit opt-in. */
export function checkPermissions(options: ExecutionOptions, flags: JobFlags): void {
  if (options.permissionMode !== 'bypassPermissions' || options.allowBypass) return;
  if (flags.options.allowBypass === false) {
    throw new UsageError(
      "--no-allow-bypass: the job's permission mode is bypassPermissions; change --permission-mode as well",
    );
  }
  throw new UsageError(
    '--permission-mode: bypassPermissions lets Claude run any tool without asking; add --allow-bypass to confirm this job may',
  );
}

/** validateRetryConfig, with its field names turned into the options that set them. */
export function checkRetry(retry: RetryConfig): void {
  const problem = validateRetryConfig(retry);
  if (problem === null) return;
  const field = /^(\w+):\s*/.exec(problem);
  const option = field ? RETRY_FIELD_OPTIONS[field[1]!] : undefined;
  let message =
    field && option ? `${option}: ${problem.slice(field[0].length)}` : `retry settings: ${problem}`;
  for (const [name, opt] of Object.entries(RETRY_FIELD_OPTIONS)) message = message.split(name).join(opt);
  throw new UsageError(message);
}

/**
 * The grants of a `--prompt-file` the job will use, confirmed by naming the file on the command
 * line; null when it grants nothing. A file asking for bypassPermissions is refused.
 */
export function confirmPromptFile(
  input: PromptInput | undefined,
  options: ExecutionOptions,
): PromptGrants | null | undefined {
  if (input?.kind !== 'file') return undefined;
  const { settings, filePath } = input.file;
  const resolved = resolvePromptOptions({ ...options, promptGrants: null }, settings);
  if (!resolved.ok && resolved.reason === 'bypass') {
    throw new UsageError(
      `--prompt-file: ${filePath} asks for permissionMode bypassPermissions, which Night Pilot never takes from a file; remove it there, or set --permission-mode (with --allow-bypass) on the job itself`,
    );
  }
  const grants = grantsUsedBy(options, settings);
  return hasGrants(grants) ? grants : null;
}

/** The prompt row for a new job or a changed prompt. */
export function promptFor(input: PromptInput, jobName: string): NewPrompt {
  return input.kind === 'text'
    ? { title: jobName, content: input.content, filePath: null }
    : { title: input.file.title, content: input.file.content, filePath: input.file.filePath };
}

export interface NewJobPlan {
  prompt: NewPrompt;
  /** Everything but the prompt id and the parent, which need the database. */
  job: Omit<NewJob, 'promptId' | 'parentJobId'>;
  parentRef: string | null;
}

/** Checks a complete `job add` line and builds the rows to insert. */
export function planNewJob(flags: JobFlags, now: Date, defaultZone: string): NewJobPlan {
  if (flags.name === undefined) throw new UsageError('missing --name');
  if (flags.prompt === undefined) throw new UsageError('missing --prompt or --prompt-file');
  const timezone = flags.timezone ?? defaultZone;
  const parentRef = flags.parent ?? null;
  const schedule = planSchedule(
    { cronExpression: flags.cron ?? '', timezone, once: flags.once ?? false, hasParent: parentRef !== null },
    now,
    'add',
  );
  const options: ExecutionOptions = {
    ...DEFAULT_EXECUTION_OPTIONS,
    ...flags.options,
    env: { ...flags.envSet },
  };
  checkPermissions(options, flags);
  options.promptGrants = confirmPromptFile(flags.prompt, options) ?? null;
  const retry: RetryConfig = { ...DEFAULT_RETRY, ...flags.retry };
  checkRetry(retry);
  return {
    prompt: promptFor(flags.prompt, flags.name),
    parentRef,
    job: {
      name: flags.name,
      cronExpression: flags.cron ?? '',
      timezone,
      status: 'active',
      jobType: schedule.jobType,
      priority: flags.priority ?? 5,
      options,
      retry,
      missedRunPolicy: flags.missedRunPolicy ?? 'run_once',
      nextRunTime: schedule.nextRunTime,
    },
  };
}

/**
 * The patch `job edit` applies to `current`. `parentJobId` is the resolved `--parent` (undefined
 * when not given, null when cleared). Throws UsageError when nothing would change or the result
 * could not run.
 */
export function planJobEdit(
  flags: JobFlags,
  current: Job,
  parentJobId: string | null | undefined,
  now: Date,
): JobPatch {
  const patch: JobPatch = {};
  if (flags.name !== undefined) patch.name = flags.name;
  if (flags.priority !== undefined) patch.priority = flags.priority;
  if (flags.missedRunPolicy !== undefined) patch.missedRunPolicy = flags.missedRunPolicy;
  if (parentJobId !== undefined) patch.parentJobId = parentJobId;

  const optionChanges: Partial<ExecutionOptions> = { ...flags.options };
  if (Object.keys(flags.envSet).length > 0 || flags.envUnset.length > 0) {
    const env = { ...current.options.env, ...flags.envSet };
    for (const key of flags.envUnset) delete env[key];
    optionChanges.env = env;
  }
  if (Object.keys(optionChanges).length > 0) patch.options = optionChanges;
  // Only a change of these two can break the opt-in rule; other edits leave it as it was.
  if ('permissionMode' in optionChanges || 'allowBypass' in optionChanges) {
    checkPermissions({ ...current.options, ...optionChanges }, flags);
  }

  if (Object.keys(flags.retry).length > 0) {
    patch.retry = flags.retry;
    checkRetry({ ...current.retry, ...flags.retry });
  }

  const scheduleGiven =
    flags.cron !== undefined ||
    flags.timezone !== undefined ||
    flags.once !== undefined ||
    parentJobId !== undefined;
  if (scheduleGiven) {
    const cronExpression = flags.cron ?? current.cronExpression;
    const timezone = flags.timezone ?? current.timezone;
    const schedule = planSchedule(
      {
        cronExpression,
        timezone,
        // A one-time job whose schedule is removed becomes triggered rather than an error.
        once: flags.once ?? (current.jobType === 'one_time' && cronExpression !== ''),
        hasParent: (parentJobId === undefined ? current.parentJobId : parentJobId) !== null,
      },
      now,
      'edit',
    );
    const timing = flags.cron !== undefined || flags.timezone !== undefined || flags.once !== undefined;
    if (timing || schedule.jobType !== current.jobType) {
      Object.assign(patch, {
        cronExpression,
        timezone,
        jobType: schedule.jobType,
        nextRunTime: schedule.nextRunTime,
      });
    }
  }
  const grants = confirmPromptFile(flags.prompt, { ...current.options, ...optionChanges });
  if (grants !== undefined) patch.options = { ...patch.options, promptGrants: grants };
  if (Object.keys(patch).length === 0 && flags.prompt === undefined && !flags.acceptPrompt) {
    throw new UsageError('nothing to change: give at least one option (see "night-pilot job edit --help")');
  }
  return patch;
}
