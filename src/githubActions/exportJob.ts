// `night-pilot job export --to github-actions` and "Export Job to GitHub Actions...": a job and its
// prompt file in a repository become one workflow file, or a list of reasons it cannot be mapped
// faithfully. Pure: the callers read the repository and write the file.

import { describeCron, validateCron } from '../core/cron';
import { readPromptSettings, splitFrontMatter } from '../core/frontMatter';
import { jobSlug } from '../core/jobSlug';
import { applyPromptDefaults } from '../core/promptGrants';
import type { ExecutionOptions, Job } from '../core/model';
import { buildClaudeArgs } from '../scheduler/claudeArgs';
import { dstDecisions } from './dstDecisions';
import { guardScript } from './guardScript';
import { AUTH_SECRETS, secretLikeness, splitEnv } from './secretScan';
import { formatOffset, localMatchFields, utcSchedules } from './utcSchedule';
import type { CronMatchFields, UtcSchedule } from './utcSchedule';
import { workflowYaml } from './workflowYaml';
import { zoneOffsetsBetween } from './zoneOffsets';
import { errorMessage } from '../core/errorMessage';

/** The Claude Code CLI version this project tests with (package.json's devDependency; a test keeps them equal). */
export const TESTED_CLAUDE_CODE_VERSION = '2.1.332';
/** The Node.js major the runner installs it with (that version of Claude Code needs 22 or later). */
export const RUNNER_NODE_VERSION = '22';
/** GitHub-hosted runners end a job after 6 hours. */
const MAX_JOB_MINUTES = 360;
const CLEANUP_MINUTES = 10;

export interface ExportInput {
  job: Job;
  /**
   * The prompt file's path relative to the repository root, `/`-separated, or why the prompt is
   * not a file in the repository (stored text, a file elsewhere, a file that is gone).
   */
  prompt: { path: string; text: string } | { problem: string };
  /** The job's working folder relative to the repository root ('' for the root), or why it is not in it. */
  workingDirectory: { path: string } | { problem: string };
  /** `--max-budget-usd` for Claude: a cloud run has no usage-limit wait, a dollar cap may replace it. */
  maxBudgetUsd?: number | null;
  now: Date;
}

export type ExportResult =
  | {
      ok: true;
      yaml: string;
      /** The default file name, `night-pilot-<slug>.yml`. */
      fileName: string;
      slug: string;
      /** Repository secrets the workflow references besides the Claude credentials. */
      secrets: string[];
      /** Where the run differs from the machine's, in plain words. */
      notes: string[];
    }
  | { ok: false; reasons: string[] };

/** Turns `input` into a workflow, or the reasons it cannot be exported. */
export function exportJob(input: ExportInput): ExportResult {
  const { job } = input;
  const reasons: string[] = [];
  const notes: string[] = [];
  if (job.jobType === 'triggered' || job.cronExpression === '') {
    reasons.push(
      'it runs when its parent job succeeds, and an exported workflow needs a schedule of its own',
    );
  }
  if (job.jobType === 'one_time') reasons.push('it is a one-time job, and GitHub Actions schedules repeat');
  if ('problem' in input.prompt) reasons.push(input.prompt.problem);
  if ('problem' in input.workingDirectory) reasons.push(input.workingDirectory.problem);

  const front = 'text' in input.prompt ? splitFrontMatter(input.prompt.text) : null;
  if (front?.error) reasons.push(`its prompt file ${promptPathOf(input)}: ${front.error}`);
  const fromFile = readPromptSettings(front?.data ?? {});
  notes.push(...fromFile.problems.map((p) => `${p}; it is not used`));
  const options = applyPromptDefaults(job.options, fromFile.settings);

  let claudeArgs: string[] = [];
  try {
    claudeArgs = buildClaudeArgs(options, { promptViaStdin: true });
  } catch (err) {
    reasons.push(`its options cannot be passed to Claude Code: ${errorMessage(err)}`);
  }
  if (input.maxBudgetUsd !== undefined && input.maxBudgetUsd !== null) {
    claudeArgs.push('--max-budget-usd', String(input.maxBudgetUsd));
  }
  for (const [what, value] of inlinedValues(options, claudeArgs)) {
    const looks = secretLikeness(value);
    if (looks !== null) {
      reasons.push(
        `its ${what} contains what looks like ${looks}, which must not be written into a workflow file; ` +
          'keep it in a repository secret and use it through an environment variable',
      );
    }
  }
  const env = { ...options.env };
  for (const name of AUTH_SECRETS) delete env[name];
  const { inline, secrets } = splitEnv(env);
  for (const name of secrets.filter((s) => /^GITHUB_/i.test(s))) {
    reasons.push(
      `its environment variable ${name} would have to be a repository secret, and GitHub reserves names starting with GITHUB_`,
    );
  }

  const timeoutMinutes = options.timeoutSeconds === null ? null : Math.ceil(options.timeoutSeconds / 60);
  if (timeoutMinutes !== null && timeoutMinutes > MAX_JOB_MINUTES - 20) {
    reasons.push(
      `its timeout of ${timeoutMinutes} minutes does not fit in the 6 hours a GitHub-hosted runner gives a job`,
    );
  }

  const schedule = job.cronExpression === '' ? null : mapSchedule(job, input.now);
  if (schedule && !schedule.ok) reasons.push(schedule.reason);
  if (
    reasons.length > 0 ||
    !schedule ||
    !schedule.ok ||
    !('path' in input.prompt) ||
    !('path' in input.workingDirectory)
  ) {
    return { ok: false, reasons };
  }

  if (job.missedRunPolicy === 'run_all') {
    notes.push(
      'missed-run policy run_all: GitHub keeps at most one run waiting for a running one, so fires that come ' +
        'while a run is going collapse into one (as with run_once)',
    );
  }
  if (job.retry.maxAttempts > 1) {
    notes.push('retries are not mapped: re-run a failed run from the Actions tab ("Re-run jobs")');
  }
  if (job.status !== 'active') {
    notes.push(`the job is ${job.status} here, but the workflow runs on its schedule once it is pushed`);
  }
  if (Object.keys(fromFile.settings).some((key) => key !== 'title')) {
    notes.push(
      `options from the front matter of ${input.prompt.path} are written in as of now; export again after changing them`,
    );
  }

  const slug = jobSlug(job.name, job.id);
  const { local, schedules, offsets, decisions } = schedule;
  const skipWhileRunning = job.missedRunPolicy === 'skip';
  const description = describeCron(job.cronExpression, job.timezone);
  const yaml = workflowYaml({
    jobName: job.name,
    slug,
    cron: job.cronExpression,
    zone: job.timezone,
    schedules,
    scheduleComments: schedules.map((s) => scheduleComment(s, local, offsets, job.timezone)),
    guardScript: guardScript({
      zone: job.timezone,
      cron: job.cronExpression,
      slug,
      local,
      schedules,
      offsets,
      dstDecisions: decisions.decisions,
      dstDecisionsUntil: decisions.until,
      skipWhileRunning,
    }),
    skipWhileRunning,
    claudeVersion: TESTED_CLAUDE_CODE_VERSION,
    nodeVersion: RUNNER_NODE_VERSION,
    claudeArgs,
    promptPath: input.prompt.path,
    workingDirectory: input.workingDirectory.path,
    env: inline,
    secretEnv: secrets,
    timeoutMinutes,
    cleanupTimeoutMinutes: CLEANUP_MINUTES,
    setupCommand: options.setupCommand,
    validationCommand: options.validationCommand,
    cleanupCommand: options.cleanupCommand,
    header: [
      `Night Pilot job "${oneLine(job.name)}" (${job.id.slice(0, 8)}), exported to GitHub Actions.`,
      `Schedule: ${description} ("${job.cronExpression}").`,
      `GitHub's cron is UTC only: the schedules below cover ${offsets.map(formatOffset).join(' and ')}, and the guard`,
      'job lets exactly one run per local fire through, DST changes included.',
      `Prompt: ${input.prompt.path} (its front matter is not sent to Claude).`,
      `Each run that changes something is committed to a branch night-pilot/${slug}/<YYYYMMDD-HHMM>`,
      'and opened as a pull request. Needs the repository secret ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN.',
      'Written by Night Pilot: export the job again rather than editing this file.',
    ],
  });
  return { ok: true, yaml, fileName: `night-pilot-${slug}.yml`, slug, secrets, notes };
}

function promptPathOf(input: ExportInput): string {
  return 'path' in input.prompt ? input.prompt.path : 'prompt';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** Every job value written into the file as it is, with what to call it in a message. */
function inlinedValues(options: ExecutionOptions, claudeArgs: readonly string[]): [string, string][] {
  const values: [string, string | null][] = [
    ['setup command', options.setupCommand],
    ['validation command', options.validationCommand],
    ['cleanup command', options.cleanupCommand],
    ['Claude options', claudeArgs.join(' ')],
  ];
  return values.filter((v): v is [string, string] => v[1] !== null);
}

interface MappedSchedule {
  ok: true;
  local: CronMatchFields;
  schedules: UtcSchedule[];
  offsets: number[];
  decisions: { decisions: Record<string, boolean>; until: string | null };
}

function mapSchedule(job: Job, now: Date): MappedSchedule | { ok: false; reason: string } {
  const valid = validateCron(job.cronExpression);
  if (!valid.ok) return { ok: false, reason: `its cron expression is invalid: ${valid.message}` };
  const local = localMatchFields(job.cronExpression);
  if (!local.ok) return local;
  const from = now.getTime();
  const offsets = zoneOffsetsBetween(job.timezone, from, Date.UTC(now.getUTCFullYear() + 2, 11, 31));
  const mapped = utcSchedules(job.cronExpression, local.fields, offsets);
  if (!mapped.ok) return mapped;
  const decisions = dstDecisions(job.cronExpression, job.timezone, mapped.schedules, now);
  if (!decisions.ok) return decisions;
  return { ok: true, local: local.fields, schedules: mapped.schedules, offsets, decisions: decisions.value };
}

/** `00:00 UTC is 02:00 at UTC+2; 01:00 UTC is 02:00 at UTC+1`, or the offsets alone for long lists. */
function scheduleComment(
  schedule: UtcSchedule,
  local: CronMatchFields,
  offsets: readonly number[],
  zone: string,
): string {
  if (offsets.length === 1 && offsets[0] === 0) return `${zone} is UTC: no offset to cover`;
  const times = schedule.hours.flatMap((h) => schedule.minutes.map((m) => h * 60 + m));
  const localTimes = new Set(local.hours.flatMap((h) => local.minutes.map((m) => h * 60 + m)));
  const parts: string[] = [];
  for (const utc of times) {
    for (const offset of offsets) {
      const wall = (((utc + offset) % 1440) + 1440) % 1440;
      if (localTimes.has(wall)) parts.push(`${clock(utc)} UTC is ${clock(wall)} at ${formatOffset(offset)}`);
    }
  }
  return parts.length > 0 && parts.length <= 4
    ? parts.join('; ')
    : `the local times of ${zone} at ${offsets.map(formatOffset).join(' and ')}`;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
