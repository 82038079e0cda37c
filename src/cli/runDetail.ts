// One run in full, as `run show`, `run cancel` and `job run` print it: the run object of
// `run list` plus each phase's output tail, and a readable text form.

import type { Run, RunWorktree } from '../core/model';
import { describeWorktreeState, describeWorktreeStats } from '../core/runBranch';
import { formatDuration } from '../core/timeFormat';
import type { Tx } from '../storage/database';
import { UsageError } from './exitCodes';
import type { ProcessJson, RunJson, UsageJson } from './output';
import { runJson } from './output';
import { formatInZone, keyValues, relative, table } from './textOutput';

/** A phase with the last few KiB of its output (the whole output is in `logFile`). */
export interface ProcessDetailJson extends ProcessJson {
  outputTail: string | null;
}

/** The run object of `run list`, whose processes also carry their `outputTail`. */
export interface RunDetailJson extends RunJson {
  processes: ProcessDetailJson[];
  /** The run's git worktree and branch, for a job with worktree isolation; else null. */
  worktree: RunWorktree | null;
}

/** A run with what the text output needs besides it. */
export interface RunDetail {
  run: RunDetailJson;
  /** The job's time zone, for showing times; UTC when the job is gone. */
  zone: string;
}

/**
 * The one run `reference` names: a full id or a unique prefix of at least 4 characters. Throws
 * UsageError (exit 2) for no match or several, listing the candidates.
 */
export function resolveRun(tx: Tx, reference: string): Run {
  const trimmed = reference.trim();
  if (trimmed === '') throw new UsageError('the run reference is empty');
  const matches = tx.runs.resolve(trimmed);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const short = trimmed.length < 4 ? ' (a prefix needs at least 4 characters)' : '';
    throw new UsageError(
      `no run matches "${reference}"${short}; give a run id or a unique prefix of it ("night-pilot run list" shows them)`,
    );
  }
  const lines = matches.map((run) => `  ${run.id}  ${run.status}  ${run.scheduledFor}`).join('\n');
  throw new UsageError(
    `"${reference}" matches ${matches.length} runs; use the full id (or a longer prefix) of one:\n${lines}`,
  );
}

/** Reads the run `runId` with its job's name and zone, its phases and its usage. */
export function readRunDetail(tx: Tx, runId: string): RunDetail {
  const run = tx.runs.require(runId);
  const job = tx.jobs.get(run.jobId);
  const processes = tx.processes.listByRun(run.id);
  const json = runJson(run, job?.name ?? null, processes, tx.usage.listByRun(run.id));
  return {
    run: {
      ...json,
      processes: json.processes.map((p, i) => ({ ...p, outputTail: processes[i]!.outputTail })),
      worktree: tx.worktrees.get(run.id) ?? null,
    },
    zone: job?.timezone ?? 'UTC',
  };
}

/** "night-pilot/x/20261127-0200: 3 files +12 -1, to review (run diff / merge / discard)". */
function worktreeText(w: RunWorktree): string {
  const changes = w.stats === null ? '' : `: ${describeWorktreeStats(w.stats)}`;
  const state =
    w.state === 'review'
      ? ', to review (night-pilot run diff | merge | discard)'
      : `, ${describeWorktreeState(w)}`;
  const where = w.state === 'review' || w.state === 'failed' ? `\n${w.path}` : '';
  return `${w.branch} from ${w.baseBranch}${changes}${state}${where}${w.detail ? `\n${w.detail}` : ''}`;
}

function when(iso: string | null, zone: string, now: Date): string | null {
  return iso === null ? null : `${formatInZone(iso, zone)} (${relative(iso, now)})`;
}

function usageText(u: UsageJson): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `${n(u.inputTokens)} in / ${n(u.outputTokens)} out / ${n(u.cacheCreationTokens)} cache write / ` +
    `${n(u.cacheReadTokens)} cache read tokens, $${u.costUsd.toFixed(4)} (${u.costSource}), ${u.model}`
  );
}

function phaseRows(processes: readonly ProcessDetailJson[], zone: string): string {
  return table(
    ['PHASE', 'STATUS', 'EXIT', 'STARTED', 'DURATION', 'LOG FILE'],
    processes.map((p) => [
      p.processType,
      p.status,
      p.exitCode === null ? '-' : String(p.exitCode),
      p.startTime === null ? '-' : formatInZone(p.startTime, zone),
      p.startTime === null || p.endTime === null
        ? p.status === 'running'
          ? 'running'
          : '-'
        : formatDuration(Date.parse(p.endTime) - Date.parse(p.startTime)),
      p.logFile ?? '-',
    ]),
  );
}

/** The run as `Key: value` lines, then its phases as a table and the errors of failed phases. */
export function formatRunDetail({ run, zone }: RunDetail, now: Date): string {
  const duration =
    run.startedAt !== null && run.endedAt !== null
      ? `, took ${formatDuration(Date.parse(run.endedAt) - Date.parse(run.startedAt))}`
      : '';
  const optional: [string, string | null][] = [
    ['ID', run.id],
    ['Job', `${run.jobName ?? '(removed)'} (${run.jobId})`],
    ['Status', `${run.status}${run.cancelRequested && run.endedAt === null ? ' (cancel requested)' : ''}`],
    ['Trigger', `${run.trigger}, attempt ${run.attempt}`],
    ['Scheduled', when(run.scheduledFor, zone, now)],
    ['Started', when(run.startedAt, zone, now)],
    ['Ended', run.endedAt === null ? null : `${when(run.endedAt, zone, now)}${duration}`],
    ['Resumes', run.status === 'waiting_for_limit' ? when(run.resumeAt, zone, now) : null],
    [
      'Waiting',
      run.status === 'queued' && run.waitReason !== null
        ? `${run.waitReason} Until ${when(run.resumeAt, zone, now)}`
        : null,
    ],
    ['Owner', run.owner],
    ['Session', run.sessionId],
    ['Usage', run.usage === null ? null : usageText(run.usage)],
    ['Error', run.error],
    ['Worktree', run.worktree === null ? null : worktreeText(run.worktree)],
  ];
  const pairs = optional.filter((pair): pair is [string, string] => pair[1] !== null);
  if (run.usageByModel.length > 1) {
    pairs.push(['Per model', run.usageByModel.map(usageText).join('\n')]);
  }
  const parts = [keyValues(pairs)];
  if (run.processes.length === 0) parts.push('No phases ran.');
  else {
    parts.push(`Phases:\n${phaseRows(run.processes, zone)}`);
    for (const p of run.processes) {
      // The run's error usually repeats the failing phase's; say it once.
      if (p.errorMessage !== null && p.errorMessage !== run.error)
        parts.push(`${p.processType}: ${p.errorMessage}`);
    }
  }
  return parts.join('\n\n');
}
