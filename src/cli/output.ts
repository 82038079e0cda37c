// The JSON documents the CLI prints with --json. These shapes are the scripted interface:
// docs/cli.md describes them, and fields are only ever added. camelCase, times ISO-8601 UTC.

import { describeCron } from '../core/cron';
import type { CostSource, ExecutionProcess, Job, Prompt, Run, UsageRecord } from '../core/model';

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

export interface UsageJson {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  costSource: CostSource;
}

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
    return `Invalid schedule: ${(err as Error).message}`;
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
export function summarizeUsage(records: readonly UsageRecord[]): {
  usage: UsageJson | null;
  usageByModel: UsageJson[];
} {
  const byModel = new Map<string, UsageJson>();
  for (const r of records) {
    const entry = byModel.get(r.model) ?? {
      model: r.model,
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
      costUsd: 0,
      costSource: r.costSource,
    };
    entry.inputTokens += r.inputTokens;
    entry.outputTokens += r.outputTokens;
    entry.cacheCreationTokens += r.cacheCreationTokens;
    entry.cacheReadTokens += r.cacheReadTokens;
    entry.costUsd += r.costUsd;
    if (r.costSource === 'calculated') entry.costSource = 'calculated';
    byModel.set(r.model, entry);
  }
  const usageByModel = [...byModel.values()]
    .map((u) => ({ ...u, costUsd: roundCost(u.costUsd) }))
    .sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model));
  const top = usageByModel[0];
  if (top === undefined) return { usage: null, usageByModel };
  const sum = (key: 'inputTokens' | 'outputTokens' | 'cacheCreationTokens' | 'cacheReadTokens' | 'costUsd') =>
    usageByModel.reduce((total, u) => total + u[key], 0);
  return {
    usage: {
      model: top.model,
      inputTokens: sum('inputTokens'),
      outputTokens: sum('outputTokens'),
      cacheCreationTokens: sum('cacheCreationTokens'),
      cacheReadTokens: sum('cacheReadTokens'),
      costUsd: roundCost(sum('costUsd')),
      costSource: usageByModel.some((u) => u.costSource === 'calculated') ? 'calculated' : 'reported',
    },
    usageByModel,
  };
}

/** Float sums of dollar amounts pick up noise (0.1 + 0.2); a millionth of a cent is plenty. */
function roundCost(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}

export function runJson(
  run: Run,
  jobName: string | null,
  processes: readonly ExecutionProcess[],
  usage: readonly UsageRecord[],
): RunJson {
  return { ...run, jobName, processes: processes.map(processJson), ...summarizeUsage(usage) };
}
