// The one set of rules a job's own fields obey, for every way a job is made or changed: the CLI's
// `job add` / `job edit` / `job resume` and the extension's Create Job / Resume Job. Each problem
// comes back as a code with its numbers, so the CLI and the extension can word it in their own
// language (the extension localizes it).

import { nextFireTime, validateCron } from './cron';
import type { Job } from './model';

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
