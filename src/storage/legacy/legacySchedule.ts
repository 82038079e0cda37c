// How the old app's schedules and statuses read in Night Pilot's terms. The old engine took cron
// expressions of SIX fields, seconds first, evaluated in UTC, and required BOTH day fields to match
// when both were restricted; five-field expressions were rejected by it and never fired.

import { validateCron } from '../../core/cron';
import type { JobStatus, RunStatus } from '../../core/model';
import type { ScheduleInput } from './legacyRows';

/** What a legacy schedule turned out to be. */
export type ScheduleKind =
  /** A cron expression the old engine ran, in UTC. */
  | 'utcCron'
  /** A standard five-field expression the old engine rejected (it never fired). */
  | 'fiveFieldRejected'
  /** `'*'` or no schedule at all: run by hand only. */
  | 'manual'
  /** A one-shot time (RFC 3339). */
  | 'once'
  /** Text that is no schedule Night Pilot can run; kept as written. */
  | 'unparseable'
  /** Generation D's empty cron_expression: lost by the old unification script. */
  | 'lost';

export interface ScheduleReading {
  kind: ScheduleKind;
  /** The expression to store (six fields for utcCron, five for fiveFieldRejected); '' when none. */
  cron: string;
  /** The schedule as the old app stored it, for the report. */
  original: string;
  /** utcCron with both day-of-month and day-of-week restricted (the old AND). */
  bothDaysRestricted: boolean;
  /** For `once`. */
  at: Date | null;
  /** Generation B's GUI kept the job's name in schedule_time. */
  nameFromSchedule: string | null;
  /** Why it is unparseable. */
  reason: string | null;
}

const reading = (
  kind: ScheduleKind,
  original: string,
  extra: Partial<ScheduleReading> = {},
): ScheduleReading => ({
  kind,
  cron: '',
  original,
  bothDaysRestricted: false,
  at: null,
  nameFromSchedule: null,
  reason: null,
  ...extra,
});

const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses the timestamps the old app wrote (RFC 3339, or SQLite's `YYYY-MM-DD HH:MM:SS` in UTC). */
export function parseLegacyTime(value: string | null): Date | null {
  if (value === null) return null;
  // The common case, RFC 3339 in UTC as the old app wrote it, without the regular expressions.
  if (value.length === 20 && value.endsWith('Z') && value[10] === 'T') {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return new Date(t);
  }
  const text = value.trim();
  if (/^\d{9,13}$/.test(text)) {
    const n = Number(text);
    return new Date(n < 1e12 ? n * 1000 : n);
  }
  if (!RFC3339.test(text)) return null;
  // Without a zone, SQLite's CURRENT_TIMESTAMP and chrono's naive times are UTC.
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const t = Date.parse(withZone.replace(' ', 'T'));
  return Number.isNaN(t) ? null : new Date(t);
}

/** Reads a cron expression as the old engine did. */
export function readOldCron(raw: string): ScheduleReading {
  const original = raw;
  const text = raw.trim();
  if (text === '*') return reading('manual', original);
  if (text === '') return reading('manual', original);
  let fields = text.split(/\s+/);
  if (fields.length === 7) {
    if (fields[6] !== '*') {
      return reading('unparseable', original, {
        reason: `it has a year field (${fields[6]}), which Night Pilot does not support`,
      });
    }
    fields = fields.slice(0, 6);
  }
  const expr = fields.join(' ');
  const checked = validateCron(expr);
  if (!checked.ok) return reading('unparseable', original, { reason: checked.message });
  if (fields.length === 5) return reading('fiveFieldRejected', original, { cron: expr });
  const restricted = (f: string | undefined) => f !== undefined && f !== '*' && f !== '?';
  return reading('utcCron', original, {
    cron: expr,
    bothDaysRestricted: fields.length === 6 && restricted(fields[3]) && restricted(fields[5]),
  });
}

function readInstant(raw: string): ScheduleReading {
  const at = parseLegacyTime(raw);
  if (at === null) return reading('unparseable', raw, { reason: 'it is not a date and time' });
  return reading('once', raw, { at });
}

const CRON_KEYS = ['cron_expression', 'cron_expr', 'cron', 'cronExpression', 'expression', 'schedule'];
const TIME_KEYS = [
  'run_at',
  'scheduled_at',
  'scheduled_time',
  'at',
  'datetime',
  'time',
  'start_time',
  'once_at',
];

function firstString(config: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = config[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}

/** Generation C: `schedule_type` and a JSON `schedule_config`. */
function readScheduleC(type: string, config: string): ScheduleReading {
  const original = `${type} ${config}`.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(config === '' ? '{}' : config);
  } catch {
    return reading('unparseable', original, { reason: 'schedule_config is not JSON' });
  }
  const object =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  const cron = firstString(object, CRON_KEYS);
  const time = firstString(object, TIME_KEYS);
  const kind = type.trim().toLowerCase();
  if (kind === 'cron' || (kind !== 'once' && cron !== null)) {
    if (cron === null)
      return reading('unparseable', original, { reason: 'schedule_config holds no cron expression' });
    return { ...readOldCron(cron), original };
  }
  if (kind === 'once') {
    if (time !== null) return { ...readInstant(time), original };
    if (cron !== null) return { ...readOldCron(cron), original };
    return reading('manual', original);
  }
  return reading('unparseable', original, {
    reason: `schedule type "${type}" has no Night Pilot equivalent`,
  });
}

/** Generation B: `schedule_time` (a name, a time or a cron) and `cron_expr`. */
function readScheduleB(scheduleTime: string, cronExpr: string | null): ScheduleReading {
  const time = scheduleTime.trim();
  const looksLikeTime = parseLegacyTime(time) !== null;
  const looksLikeCron = time === '*' || (time !== '' && validateCron(time).ok);
  const name = time !== '' && !looksLikeTime && !looksLikeCron ? time : null;
  if (cronExpr !== null && cronExpr.trim() !== '')
    return { ...readOldCron(cronExpr), nameFromSchedule: name };
  if (looksLikeTime) return readInstant(time);
  if (looksLikeCron) return readOldCron(time);
  return reading('manual', scheduleTime, { nameFromSchedule: name });
}

export function readSchedule(input: ScheduleInput, generation: string): ScheduleReading {
  switch (input.kind) {
    case 'cronText':
      if (generation === 'D' && input.text.trim() === '') return reading('lost', input.text);
      return readOldCron(input.text);
    case 'scheduleB':
      return readScheduleB(input.scheduleTime, input.cronExpr);
    case 'scheduleC':
      return readScheduleC(input.type, input.config);
    case 'instant':
      return readInstant(input.text);
  }
}

/** The statuses every generation wrote, case-insensitively, as Night Pilot's. */
const JOB_STATUS: Record<string, JobStatus> = {
  pending: 'active',
  active: 'active',
  running: 'active',
  scheduled: 'active',
  queued: 'active',
  cooldown: 'active',
  enabled: 'active',
  paused: 'paused',
  suspended: 'paused',
  cancelled: 'paused',
  canceled: 'paused',
  disabled: 'paused',
  inactive: 'paused',
  completed: 'completed',
  done: 'completed',
  finished: 'completed',
  failed: 'failed',
  error: 'failed',
};

/** The job status for a legacy status, or null when the old value is unknown. */
export function mapJobStatus(raw: string): JobStatus | null {
  return JOB_STATUS[raw.trim().toLowerCase()] ?? null;
}

const RUN_STATUS: Record<string, RunStatus> = {
  success: 'succeeded',
  succeeded: 'succeeded',
  successful: 'succeeded',
  completed: 'succeeded',
  complete: 'succeeded',
  done: 'succeeded',
  ok: 'succeeded',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  timeout: 'failed',
  timed_out: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  killed: 'cancelled',
  interrupted: 'cancelled',
};

const UNFINISHED = new Set(['running', 'pending', 'queued', 'started', 'in_progress']);

/**
 * The run status of a historical result, and whether it never finished (still `running` when the
 * old app stopped: recorded as failed, since nothing will finish it now).
 */
export function mapResultStatus(
  raw: string | null,
  contentSaysError: boolean,
): { status: RunStatus; unfinished: boolean } {
  if (raw !== null && raw.trim() !== '') {
    const key = raw.trim().toLowerCase();
    if (UNFINISHED.has(key)) return { status: 'failed', unfinished: true };
    const mapped = RUN_STATUS[key];
    if (mapped) return { status: mapped, unfinished: false };
  }
  // Generation A kept no status; failed runs stored "error: ...".
  return { status: contentSaysError ? 'failed' : 'succeeded', unfinished: false };
}
