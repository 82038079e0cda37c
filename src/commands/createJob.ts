// A first, modest "create job" flow: name, prompt text, cron expression with a live preview.
// The full editor (workspace prompt files, options, retries) comes later.
import * as vscode from 'vscode';
import { cronWarnings, describeCron, nextFireTimes, validateCron } from '../core/cron';
import type { NameProblem } from '../core/jobValidation';
import { checkJobName, isPromptText, nextRunTimeFor } from '../core/jobValidation';
import type { Job } from '../core/model';
import { defaultTimeZone, validateTimeZone } from '../core/timeZone';
import { formatWhen } from '../views/format';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import type { StepCheck } from './quickInput';
import { askText } from './quickInput';

/** Values that skip their step when given (scripts, tests, other extensions). */
export interface CreateJobArgs {
  name?: string;
  prompt?: string;
  cron?: string;
  /** IANA zone for the cron expression; defaults to this machine's. */
  timezone?: string;
}

const TITLE = 'Night Pilot: Create Job';

/** The job-name rules of src/core, worded for this input box. */
function nameMessage(p: NameProblem): string {
  switch (p.problem) {
    case 'empty':
      return vscode.l10n.t('Give the job a name, e.g. "Nightly review".');
    case 'control':
      return vscode.l10n.t('Keep the name on one line, without tabs or other control characters.');
    case 'tooLong':
      return vscode.l10n.t('The name is {0} characters long; keep it to {1}.', p.length, p.max);
  }
}

function checkName(value: string): StepCheck {
  const check = checkJobName(value);
  return check.ok ? { ok: true } : { ok: false, message: nameMessage(check) };
}

function checkPrompt(value: string): StepCheck {
  return isPromptText(value)
    ? { ok: true }
    : {
        ok: false,
        message: 'Write what Claude should do, e.g. "Review yesterday\'s commits and list risky changes".',
      };
}

/**
 * Validates the expression and, when valid, previews what it means and when it fires next; a
 * legal expression that is probably not meant (`*\/60` is just minute 0) is accepted with a
 * warning, which the description spells out.
 */
export function checkCron(value: string, timezone: string, now: Date): StepCheck {
  const expr = value.trim();
  const result = validateCron(expr);
  if (!result.ok) {
    // The message already names the field ("minute: 61 is out of range 0-59").
    return { ok: false, message: result.message };
  }
  const next = nextFireTimes(expr, now, 3, timezone).map((d) => formatWhen(d.toISOString(), now));
  const preview = next.length ? `next: ${next.join(', ')}` : 'it never fires again';
  const warning = cronWarnings(expr).length > 0;
  // A warning ends the description with a full stop; the preview follows it after a semicolon.
  return { ok: true, warning, message: `${describeCron(expr, timezone).replace(/\.$/, '')}; ${preview}` };
}

/**
 * Asks for the missing values, then stores a prompt and an active job in one write. Resolves with
 * the job, or undefined when the user cancelled.
 */
export async function createJob(ctx: CommandContext, args: CreateJobArgs = {}): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const timezone = args.timezone ?? defaultTimeZone();
  const zoneProblem = validateTimeZone(timezone);
  if (zoneProblem !== null) throw new Error(`Cannot create the job: ${zoneProblem}`);
  const values = { name: args.name ?? '', prompt: args.prompt ?? '', cron: args.cron ?? '0 2 * * *' };
  const steps = [
    {
      key: 'name',
      given: args.name !== undefined,
      prompt: 'Name of the job',
      placeholder: 'Nightly review',
      validate: checkName,
    },
    {
      key: 'prompt',
      given: args.prompt !== undefined,
      prompt: 'What should Claude do? (the prompt sent on every run)',
      placeholder: 'Review the changes merged yesterday and list anything risky.',
      validate: checkPrompt,
    },
    {
      key: 'cron',
      given: args.cron !== undefined,
      prompt: 'When should it run? A cron expression: minute hour day-of-month month day-of-week',
      placeholder: '0 2 * * *  (every day at 02:00)',
      validate: (v: string) => checkCron(v, timezone, new Date()),
    },
  ] as const;
  const asked = steps.filter((s) => !s.given);
  for (let i = 0; i < asked.length;) {
    const step = asked[i]!;
    const result = await askText({
      title: TITLE,
      step: i + 1,
      totalSteps: asked.length,
      prompt: step.prompt,
      placeholder: step.placeholder,
      value: values[step.key],
      validate: step.validate,
    });
    if (result === undefined) return undefined;
    if (result === 'back') {
      i = Math.max(0, i - 1);
      continue;
    }
    values[step.key] = result.value;
    i++;
  }
  // Values passed in skipped their step: hold them to the same rules.
  for (const step of steps) {
    const check = step.validate(values[step.key]);
    if (!check.ok) throw new Error(`Cannot create the job: ${check.message}`);
  }

  const name = values.name.trim();
  const cronExpression = values.cron.trim();
  const job = await db.write((tx) => {
    const prompt = tx.prompts.insert({ title: name, content: values.prompt.trim() });
    return tx.jobs.insert({
      name,
      promptId: prompt.id,
      cronExpression,
      timezone,
      nextRunTime: nextRunTimeFor({ cronExpression, timezone }, new Date(tx.now())),
    });
  });
  ctx.log.info(`Created job "${job.name}" (${job.id}), ${job.cronExpression} in ${job.timezone}.`);
  ctx.refresh();
  return job;
}
