// The JSON documents the CLI prints with --json. These shapes are the scripted interface:
// docs/cli.md describes them, and fields are only ever added. camelCase, times ISO-8601 UTC.

import { describeCron } from '../core/cron';
import type { ExecutionProcess, Job, Prompt, Run, UsageRecord } from '../core/model';
import { summarizeRunUsage } from '../usage/runUsage';
import type { UsageJson } from '../usage/runUsage';
import { errorMessage } from '../core/errorMessage';

export interface PromptJson {
  id: string;
  title: string;
  filePath: string | null;
  /** Only in `job show`. */
  content?: string;
}

export interface JobJson extends Job {
  /** The schedule in plain English, with the zone (e.g. "At 02:00:00 every day, Europe/Berlin"). */
  description: string;
  prompt: PromptJson | null;
}

export interface ProcessJson {
  id: string;
  processType: ExecutionProcess['processType'];
  status: ExecutionProcess['status'];
  exitCode: number | null;
  startTime: string | null;
  endTime: string | null;
  errorMessage: string | null;
  logFile: string | null;
}

export type { UsageJson } from '../usage/runUsage';

export interface RunJson extends Run {
  jobName: string | null;
  processes: ProcessJson[];
  /** The run's totals; `model` is the model that cost the most. Null when nothing was recorded. */
  usage: UsageJson | null;
  /** One entry per model, most expensive first (empty when nothing was recorded). */
  usageByModel: UsageJson[];
}

/** "At 02:00:00 every day, Europe/Berlin"; what a triggered job waits for; never throws. */
export function describeSchedule(job: Pick<Job, 'cronExpression' | 'timezone' | 'jobType'>): string {
  if (job.cronExpression === '')
    return job.jobType === 'triggered' ? 'When its parent job succeeds' : 'No schedule';
  let text: string;
  try {
    text = describeCron(job.cronExpression, job.timezone);
  } catch (err) {
    return `Invalid schedule: ${errorMessage(err)}`;
  }
  return job.jobType === 'one_time' ? `Once: ${text}` : text;
}

export function jobJson(job: Job, prompt: Prompt | undefined, withContent = false): JobJson {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    jobType: job.jobType,
    cronExpression: job.cronExpression,
    timezone: job.timezone,
    description: describeSchedule(job),
    nextRunTime: job.nextRunTime,
    lastRunTime: job.lastRunTime,
    priority: job.priority,
    parentJobId: job.parentJobId,
    promptId: job.promptId,
    prompt: prompt
      ? {
          id: prompt.id,
          title: prompt.title,
          filePath: prompt.filePath,
          ...(withContent ? { content: prompt.content } : {}),
        }
      : null,
    options: job.options,
    retry: job.retry,
    missedRunPolicy: job.missedRunPolicy,
    executionCount: job.executionCount,
    failureCount: job.failureCount,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

export function processJson(p: ExecutionProcess): ProcessJson {
  return {
    id: p.id,
    processType: p.processType,
    status: p.status,
    exitCode: p.exitCode,
    startTime: p.startTime,
    endTime: p.endTime,
    errorMessage: p.errorMessage,
    logFile: p.logFile,
  };
}

/**
 * Sums a run's usage records per model, then over all models. The total's `costSource` is
 * `calculated` as soon as any part of it was calculated rather than reported.
 */
export function runJson(
  run: Run,
  jobName: string | null,
  processes: readonly ExecutionProcess[],
  usage: readonly UsageRecord[],
): RunJson {
  return { ...run, jobName, processes: processes.map(processJson), ...summarizeRunUsage(usage) };
}
