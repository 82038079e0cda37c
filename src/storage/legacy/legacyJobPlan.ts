// Legacy prompts and jobs as the Night Pilot prompts and jobs they become: names, schedules in
// Night Pilot's cron with a zone, statuses, and the decisions that change them.

import { nextFireTime } from '../../core/cron';
import type { JobStatus } from '../../core/model';
import { DEFAULT_RETRY } from '../../core/model';
import { MAX_RETRY_ATTEMPTS, validateRetryConfig } from '../../core/retry';
import { validateTimeZone } from '../../core/timeZone';
import { validateCron } from '../../core/cron';
import type { ImportedIndex } from './importedIndex';
import { skipReasonText, skippedRows } from './legacyReasons';
import type { LegacyJob, LegacyRows, SourceRef } from './legacyRows';
import { fingerprint } from './legacyRows';
import type { ScheduleReading } from './legacySchedule';
import { mapJobStatus, readSchedule } from './legacySchedule';
import type { MigrationDecisions, PlannedJob, PlannedPrompt, SkippedRows, WarningCode } from './legacyTypes';

export const refKey = (ref: SourceRef): string => `${ref.table}\u0000${ref.id}`;
export const label = (ref: SourceRef): string => `${ref.table} #${ref.id}`;

/** Longest job name Night Pilot accepts (the CLI's --name rule). */
const MAX_NAME = 200;

function oneLine(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, MAX_NAME)
      .trim()
  );
}

export interface JobPlanContext {
  rows: LegacyRows;
  decisions: MigrationDecisions;
  index: ImportedIndex;
  now: Date;
  localZone: string;
  sourcePath: string;
  skipped: SkippedRows[];
}

export interface JobPlanResult {
  prompts: PlannedPrompt[];
  jobs: PlannedJob[];
  /** Legacy job (table, id) -> the planned job its results belong to. */
  jobsByRef: Map<string, PlannedJob>;
}

function plannedPrompt(
  ctx: JobPlanContext,
  source: SourceRef | null,
  key: SourceRef & { fingerprint: string },
  fields: { title: string; content: string; tags: string[] },
): PlannedPrompt {
  const existing = ctx.index.target(key.table, key.id, key.fingerprint);
  return {
    source,
    key,
    action: existing ? 'already' : 'import',
    targetId: existing?.targetId ?? null,
    ...fields,
  };
}

/** A one-shot instant as the six-field UTC cron that fires at it once (job type one_time). */
function cronAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}

/**
 * The job checks Night Pilot applies to every job (cron, zone, retry bounds), in one place: the
 * migration's only call into job validation. Returns the problem, or null.
 */
function jobProblem(job: Pick<PlannedJob, 'cronExpression' | 'timezone' | 'maxAttempts'>): string | null {
  if (job.cronExpression !== '') {
    const cron = validateCron(job.cronExpression);
    if (!cron.ok) return cron.message;
  }
  return (
    validateTimeZone(job.timezone) ?? validateRetryConfig({ ...DEFAULT_RETRY, maxAttempts: job.maxAttempts })
  );
}

interface ScheduleOutcome {
  cron: string;
  timezone: string;
  jobType: PlannedJob['jobType'];
  /** Set when the job must be imported paused whatever its old status. */
  pause: WarningCode | null;
  flags: WarningCode[];
}

function applySchedule(ctx: JobPlanContext, schedule: ScheduleReading, mapped: JobStatus): ScheduleOutcome {
  const d = ctx.decisions;
  const zone = d.utcCron === 'keepUtc' ? 'UTC' : ctx.localZone;
  const out: ScheduleOutcome = { cron: '', timezone: zone, jobType: 'scheduled', pause: null, flags: [] };
  switch (schedule.kind) {
    case 'utcCron': {
      out.cron = schedule.cron;
      out.flags.push('utcCron');
      if (schedule.bothDaysRestricted) {
        out.flags.push('bothDays');
        const fields = schedule.cron.split(' ');
        if (d.bothDays === 'pause') out.pause = 'bothDays';
        else if (d.bothDays === 'dayOfMonth') fields[5] = '*';
        else if (d.bothDays === 'dayOfWeek') fields[3] = '*';
        out.cron = fields.join(' ');
      }
      return out;
    }
    case 'fiveFieldRejected':
      out.cron = schedule.cron;
      out.flags.push('fiveField');
      if (d.fiveField === 'pause') out.pause = 'fiveField';
      return out;
    case 'manual':
      out.flags.push('manual');
      out.pause = 'manual';
      return out;
    case 'lost':
      out.flags.push('lostSchedule');
      out.pause = 'lostSchedule';
      return out;
    case 'unparseable':
      // Kept as written, so the user sees what it was and can fix it with "job edit --cron".
      out.cron = oneLine(schedule.original);
      out.flags.push('unparseable');
      out.pause = 'unparseable';
      return out;
    case 'once': {
      const at = schedule.at!;
      out.timezone = 'UTC';
      if (at.getTime() > ctx.now.getTime()) {
        out.cron = cronAt(at);
        out.jobType = 'one_time';
      } else if (mapped === 'active') {
        out.flags.push('oncePast');
        out.pause = 'oncePast';
      }
      return out;
    }
  }
}

/** Plans every legacy prompt and job. */
export function planJobs(ctx: JobPlanContext): JobPlanResult {
  const prompts: PlannedPrompt[] = [];
  const promptsByRef = new Map<string, PlannedPrompt>();
  for (const p of ctx.rows.prompts) {
    const planned = plannedPrompt(ctx, p.ref, { ...p.ref, fingerprint: p.fingerprint }, p);
    prompts.push(planned);
    promptsByRef.set(refKey(p.ref), planned);
  }
  const missingPrompts = new Map<string, PlannedPrompt>();
  const missingPrompt = (ref: SourceRef): PlannedPrompt => {
    let planned = missingPrompts.get(refKey(ref));
    if (!planned) {
      planned = plannedPrompt(
        ctx,
        null,
        { ...ref, fingerprint: fingerprint('missing', [ctx.sourcePath]) },
        {
          title: `Deleted prompt #${ref.id} (legacy)`,
          content: '',
          tags: ['legacy-missing-prompt'],
        },
      );
      missingPrompts.set(refKey(ref), planned);
      prompts.push(planned);
    }
    return planned;
  };

  // Generation D's rows were copied from the older job tables by the old app's own script, which
  // lost their schedules: a copy whose original is in the same file is the same job.
  const olderByPrompt = new Map<string, LegacyJob[]>();
  for (const job of ctx.rows.jobs) {
    if (job.generation === 'D' || job.prompt.kind !== 'ref') continue;
    const list = olderByPrompt.get(job.prompt.ref.id) ?? [];
    list.push(job);
    olderByPrompt.set(job.prompt.ref.id, list);
  }

  const jobs: PlannedJob[] = [];
  const jobsByRef = new Map<string, PlannedJob>();
  const copies: [LegacyJob, LegacyJob][] = [];
  const usedNames = new Map<string, number>();
  const orphanSkips: string[] = [];

  for (const job of ctx.rows.jobs) {
    if (job.generation === 'D' && job.prompt.kind === 'ref') {
      const schedule = readSchedule(job.schedule, job.generation);
      const originals = olderByPrompt.get(job.prompt.ref.id) ?? [];
      if (schedule.kind === 'lost' && originals.length === 1) {
        copies.push([job, originals[0]!]);
        continue;
      }
    }
    let prompt: PlannedPrompt | null;
    if (job.prompt.kind === 'text') {
      prompt = plannedPrompt(
        ctx,
        null,
        { table: `${job.ref.table}.prompt`, id: job.ref.id, fingerprint: job.fingerprint },
        {
          title: oneLine(job.prompt.text.split('\n')[0] ?? '') || label(job.ref),
          content: job.prompt.text,
          tags: [],
        },
      );
      prompts.push(prompt);
    } else {
      prompt = promptsByRef.get(refKey(job.prompt.ref)) ?? null;
    }
    const planned = planOneJob(ctx, job, prompt, usedNames);
    if (prompt === null && job.prompt.kind === 'ref') {
      planned.flags.push('orphanJobs');
      if (ctx.decisions.orphans === 'skip') {
        planned.action = planned.action === 'already' ? 'already' : 'skip';
        planned.skipWhy = { key: 'promptDeleted' };
        planned.skipReason = skipReasonText(planned.skipWhy, 'en');
        if (planned.action === 'skip') orphanSkips.push(job.ref.id);
      } else {
        planned.prompt = missingPrompt(job.prompt.ref);
        if (planned.status === 'active') {
          planned.status = 'paused';
          planned.pausedBecause = 'orphanJobs';
          planned.nextRunTime = null;
        }
      }
    }
    jobs.push(planned);
    jobsByRef.set(refKey(job.ref), planned);
  }
  if (orphanSkips.length > 0) {
    const table = ctx.rows.jobs.find((j) => orphanSkips.includes(j.ref.id))?.ref.table ?? 'jobs';
    ctx.skipped.push(skippedRows(table, orphanSkips, orphanSkips.length, { key: 'promptDeleted' }));
  }
  for (const [copy, original] of copies) {
    const target = jobsByRef.get(refKey(original.ref));
    if (target) jobsByRef.set(refKey(copy.ref), target);
    ctx.skipped.push(
      skippedRows(copy.ref.table, [copy.ref.id], 1, { key: 'copyOf', original: label(original.ref) }),
    );
  }
  return { prompts, jobs, jobsByRef };
}

function uniqueName(base: string, used: Map<string, number>, ref: SourceRef): string {
  const name = base === '' ? `Legacy job ${label(ref)}` : base;
  const seen = used.get(name) ?? 0;
  used.set(name, seen + 1);
  return seen === 0 ? name : oneLine(`${name} (${label(ref)})`);
}

function planOneJob(
  ctx: JobPlanContext,
  job: LegacyJob,
  prompt: PlannedPrompt | null,
  usedNames: Map<string, number>,
): PlannedJob {
  const schedule = readSchedule(job.schedule, job.generation);
  const mappedStatus = mapJobStatus(job.status);
  const flags: WarningCode[] = [];
  if (mappedStatus === null) flags.push('unknownStatus');
  const mapped: JobStatus = mappedStatus ?? 'paused';
  const outcome = applySchedule(ctx, schedule, mapped);
  flags.push(...outcome.flags);
  if (schedule.nameFromSchedule !== null) flags.push('nameInSchedule');
  const name = uniqueName(
    oneLine(job.name ?? schedule.nameFromSchedule ?? prompt?.title ?? ''),
    usedNames,
    job.ref,
  );
  const maxAttempts =
    job.maxRetries === null
      ? DEFAULT_RETRY.maxAttempts
      : Math.min(MAX_RETRY_ATTEMPTS, Math.max(1, job.maxRetries + 1));
  let status: JobStatus = mapped;
  let pausedBecause: WarningCode | null = null;
  if (outcome.pause !== null && status === 'active') {
    status = 'paused';
    pausedBecause = outcome.pause;
  }
  const planned: PlannedJob = {
    source: job.ref,
    key: { ...job.ref, fingerprint: job.fingerprint },
    label: label(job.ref),
    action: 'import',
    targetId: null,
    skipReason: null,
    skipWhy: null,
    prompt,
    name,
    cronExpression: outcome.cron,
    timezone: outcome.timezone,
    status,
    jobType: outcome.jobType,
    priority: job.priority ?? 5,
    maxAttempts,
    nextRunTime: null,
    originalSchedule: schedule.original,
    originalStatus: job.status,
    legacyActive: mapped === 'active',
    pausedBecause,
    flags,
    executionCount: 0,
    failureCount: 0,
    lastRunTime: null,
  };
  if (!flags.includes('unparseable')) {
    const problem = jobProblem(planned);
    if (problem !== null) {
      planned.flags.push('unparseable');
      if (planned.status === 'active') {
        planned.status = 'paused';
        planned.pausedBecause = 'unparseable';
      }
    }
  }
  if (planned.jobType === 'one_time' && planned.status === 'active' && schedule.at !== null) {
    // The cron of an instant has no year: its next match is within a year, the instant may not be.
    planned.nextRunTime = schedule.at.toISOString();
  } else if (planned.status === 'active' && planned.cronExpression !== '') {
    try {
      planned.nextRunTime =
        nextFireTime(planned.cronExpression, ctx.now, planned.timezone)?.toISOString() ?? null;
    } catch {
      planned.nextRunTime = null;
    }
  }
  const existing = ctx.index.target(job.ref.table, job.ref.id, job.fingerprint);
  if (existing) {
    planned.action = 'already';
    planned.targetId = existing.targetId;
  }
  return planned;
}
