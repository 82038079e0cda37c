// Human-readable output: aligned tables for lists, "key: value" blocks for single items. Times
// are shown in the job's own zone (the one its cron is read in) next to how far away they are.

import { formatDuration } from '../core/timeFormat';
import type { JobJson, ProcessJson, RunJson } from './output';

/** Columns separated by two spaces, padded to the widest cell; no trailing spaces. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `Key:   value` lines with the values aligned; continuation lines of a value are indented. */
export function keyValues(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 2;
  return pairs
    .map(([key, value]) => `${`${key}:`.padEnd(width)}${value.split('\n').join(`\n${' '.repeat(width)}`)}`)
    .join('\n');
}

/** "2025-01-16 02:00 Europe/Berlin" (with seconds when they are not zero). */
export function formatInZone(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
  } catch {
    return iso;
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const seconds = get('second') === '00' ? '' : `:${get('second')}`;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}${seconds} ${zone}`;
}

/** "in 13 h 5 min" or "5 min ago". */
export function relative(iso: string, now: Date): string {
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return '';
  return ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago`;
}

function when(iso: string | null, zone: string, now: Date): string {
  return iso === null ? '-' : `${formatInZone(iso, zone)} (${relative(iso, now)})`;
}

function shortId(id: string): string {
  return id.slice(0, 8);
}

function nextRunCell(job: JobJson, now: Date): string {
  if (job.status !== 'active') return `- (${job.status})`;
  if (job.nextRunTime === null) return job.jobType === 'triggered' ? 'after parent' : '-';
  return `${formatInZone(job.nextRunTime, job.timezone)} (${relative(job.nextRunTime, now)})`;
}

export function formatJobTable(jobs: readonly JobJson[], now: Date): string {
  if (jobs.length === 0) return 'No jobs yet. Create one with "night-pilot job add --help".';
  return table(
    ['ID', 'NAME', 'STATUS', 'CRON', 'NEXT RUN', 'SCHEDULE'],
    jobs.map((j) => [
      shortId(j.id),
      j.name,
      j.status,
      j.cronExpression || '-',
      nextRunCell(j, now),
      j.description,
    ]),
  );
}

function retryText(job: JobJson): string {
  const r = job.retry;
  if (r.maxAttempts <= 1) return 'no retries';
  const retries = r.maxAttempts - 1;
  const growth = r.strategy === 'exponential' ? `, x${r.multiplier}` : '';
  return `${retries} ${retries === 1 ? 'retry' : 'retries'}, ${r.strategy} from ${r.baseDelaySeconds} s${growth}, at most ${r.maxDelaySeconds} s`;
}

export function formatJobDetail(
  job: JobJson,
  parentName: string | null,
  runs: readonly RunJson[],
  now: Date,
): string {
  const o = job.options;
  const pairs: [string, string][] = [
    ['ID', job.id],
    ['Name', job.name],
    ['Status', job.status],
    ['Type', job.jobType],
    ['Cron', job.cronExpression === '' ? '-' : `${job.cronExpression} (${job.timezone})`],
    ['Schedule', job.description],
    ['Next run', job.status === 'active' ? when(job.nextRunTime, job.timezone, now) : `- (${job.status})`],
    ['Last run', when(job.lastRunTime, job.timezone, now)],
    ['Priority', String(job.priority)],
  ];
  if (job.parentJobId !== null)
    pairs.push(['Parent', `${job.parentJobId}${parentName ? ` (${parentName})` : ''}`]);
  const prompt = job.prompt;
  pairs.push([
    'Prompt',
    prompt ? `${prompt.title}${prompt.filePath ? ` (${prompt.filePath})` : ''}` : `missing (${job.promptId})`,
  ]);
  const optional: [string, string | null][] = [
    ['Working folder', o.workingDirectory],
    ['Model', o.model],
    ['Max turns', o.maxTurns === null ? null : String(o.maxTurns)],
    [
      'Permission mode',
      o.permissionMode === null ? null : `${o.permissionMode}${o.allowBypass ? ' (bypass allowed)' : ''}`,
    ],
    [
      'Isolation',
      o.isolation === 'worktree' ? `worktree${o.baseBranch ? ` (from ${o.baseBranch})` : ''}` : o.isolation,
    ],
    ['Allowed tools', o.allowedTools.length ? o.allowedTools.join(', ') : null],
    ['Disallowed tools', o.disallowedTools.length ? o.disallowedTools.join(', ') : null],
    ['System prompt +', o.appendSystemPrompt],
    ['Timeout', o.timeoutSeconds === null ? null : formatDuration(o.timeoutSeconds * 1000)],
    ['Budget per run', o.maxBudgetUsd === null ? null : `$${o.maxBudgetUsd.toFixed(2)}`],
    ['Daily budget', o.dailyBudgetUsd === null ? null : `$${o.dailyBudgetUsd.toFixed(2)}`],
    ['Monthly budget', o.monthlyBudgetUsd === null ? null : `$${o.monthlyBudgetUsd.toFixed(2)}`],
    // Values can be secrets: the text output names the variables only (--json has them all).
    ['Environment', Object.keys(o.env).length ? `${Object.keys(o.env).join(', ')} (values: --json)` : null],
    ['Setup', o.setupCommand],
    ['Validate', o.validationCommand],
    ['Cleanup', o.cleanupCommand],
  ];
  for (const [key, value] of optional) if (value !== null) pairs.push([key, value]);
  pairs.push(
    ['Retries', retryText(job)],
    ['Missed runs', job.missedRunPolicy],
    ['Runs', `${job.executionCount} (${job.failureCount} failed)`],
    ['Created', job.createdAt],
    ['Updated', job.updatedAt],
  );
  const recent =
    runs.length === 0 ? 'No runs yet.' : `Recent runs:\n${formatRunTable(runs, () => job.timezone)}`;
  return `${keyValues(pairs)}\n\n${recent}`;
}

function phases(processes: readonly ProcessJson[]): string {
  if (processes.length === 0) return '-';
  return processes
    .map(
      (p) =>
        `${p.processType} ${p.status}${p.exitCode !== null && p.exitCode !== 0 ? ` (exit ${p.exitCode})` : ''}`,
    )
    .join(', ');
}

function oneLine(text: string | null): string {
  if (text === null || text === '') return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}

function tokens(run: RunJson): string {
  if (run.usage === null) return '-';
  const u = run.usage;
  return `${u.inputTokens.toLocaleString('en-US')} in / ${u.outputTokens.toLocaleString('en-US')} out`;
}

/** The runs as a table; `zoneOf` gives the zone to show a run's times in (its job's). */
export function formatRunTable(runs: readonly RunJson[], zoneOf: (run: RunJson) => string): string {
  if (runs.length === 0) return 'No runs.';
  return table(
    ['RUN', 'JOB', 'STATUS', 'TRIGGER', 'TRY', 'SCHEDULED', 'DURATION', 'TOKENS', 'COST', 'PHASES', 'ERROR'],
    runs.map((r) => {
      const duration =
        r.startedAt === null
          ? '-'
          : r.endedAt === null
            ? 'running'
            : formatDuration(Date.parse(r.endedAt) - Date.parse(r.startedAt));
      return [
        shortId(r.id),
        r.jobName ?? shortId(r.jobId),
        r.status,
        r.trigger,
        String(r.attempt),
        formatInZone(r.scheduledFor, zoneOf(r)),
        duration,
        tokens(r),
        r.usage === null ? '-' : `$${r.usage.costUsd.toFixed(4)}`,
        phases(r.processes),
        oneLine(r.error),
      ];
    }),
  );
}
