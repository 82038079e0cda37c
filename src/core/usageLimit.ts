// Usage-limit detection for a finished Claude run, and the reset-time arithmetic it needs. A limit is
// not a failure of the job: the scheduler holds the whole queue until the reset, then resumes.
// See reference/claude-cli-headless.md "Usage limits" and test/fixtures/README.md for the evidence.

import { wallTime, zoneOffsetMs } from './calendar';

/** Where the detection came from (and so how far its `resetAt` can be trusted), best first. */
export type UsageLimitSource = 'rate_limit_event' | 'api_429' | 'text';

export interface UsageLimitDetection {
  /** When the limit lifts; null when nothing said so (use a fallback wait). */
  resetAt: Date | null;
  source: UsageLimitSource;
  /** What to show the user: the CLI's own wording when there is one. */
  message: string;
}

export interface UsageLimitInput {
  /** `resetsAt` (epoch seconds) of the last `rate_limit_event` whose status was `rejected`. */
  rateLimitRejectedResetsAt?: number | null;
  /** The result's `is_error`. */
  isError: boolean;
  /** The result's `api_error_status`. */
  apiErrorStatus: number | null;
  /** The result's `result` text. */
  resultText: string | null;
  stderr: string | null;
  now: Date;
  /** IANA zone for reset times printed without a zone: the machine's zone. */
  defaultZone: string;
}

// Only these wordings count: a job's answer that merely mentions a "limit" must not stall the queue.
const LIMIT_WORDINGS: readonly RegExp[] = [
  /Claude AI usage limit reached\|\d{9,13}/,
  /Claude usage limit reached/i,
  /\b\d+-hour limit reached/i,
  /\bYou(?:'|’)ve hit your\b[^\n]{0,40}?\blimit\b/i,
  /\bYou have hit your\b[^\n]{0,40}?\blimit\b/i,
  /\bUsage limit reached\b/i,
];

// A successful result is the job's own answer; only a short one that opens with a limit wording and
// names a reset is the CLI talking (older versions printed the limit as a non-error result).
const MAX_NON_ERROR_LIMIT_TEXT = 300;

/**
 * Decides whether a finished run hit a usage limit, most reliable evidence first:
 *
 * 1. a `rate_limit_event` with status `rejected` and a `resetsAt` (the subscription limit; exact),
 *    unless the run still produced a successful answer;
 * 2. an error result with `api_error_status: 429`. If its text carries a reset time (the
 *    subscription wording) that time is used (`source: 'text'`). Otherwise this is a 429 without any
 *    reset information: with an API key, `API Error: Request rejected (429) · ...` is a rate limit on
 *    the KEY (requests or tokens per minute), and with an OAuth token `Server is temporarily limiting
 *    requests (not your usage limit)` is a server-side throttle. Both are still treated as a limit
 *    (`source: 'api_429'`, `resetAt: null`) so the caller waits its fallback time instead of
 *    burning retries against the same wall;
 * 3. the known limit wordings in the result text or stderr, with the reset time they print
 *    (honouring the IANA zone in parentheses; `defaultZone` otherwise).
 *
 * Returns null for everything else, including auth failures ("Not logged in · Please run /login"),
 * 5xx errors, `error_max_turns` and answers that merely talk about limits.
 */
export function detectUsageLimit(input: UsageLimitInput): UsageLimitDetection | null {
  assertValidNow(input.now, 'now');
  assertValidZone(input.defaultZone, 'defaultZone');
  const resultText = input.resultText?.trim() || null;
  const stderr = input.stderr?.trim() || null;

  const resetsAt = input.rateLimitRejectedResetsAt;
  // A rejected window can still end in a successful answer (e.g. paid overage took over): that run
  // is done. Without any result (resultText null) the event is all there is, so it counts.
  const answered = !input.isError && resultText !== null;
  if (typeof resetsAt === 'number' && Number.isFinite(resetsAt) && resetsAt > 0 && !answered) {
    // Epoch seconds per the CLI; a millisecond value (13 digits) is accepted too.
    const resetAt = new Date(resetsAt > 1e11 ? resetsAt : resetsAt * 1000);
    return {
      resetAt,
      source: 'rate_limit_event',
      message: limitLine(resultText) ?? `Claude usage limit reached; resets at ${resetAt.toISOString()}`,
    };
  }

  const textHit = findLimitText(resultText, input.isError) ?? findLimitText(stderr, true);
  if (input.isError && input.apiErrorStatus === 429) {
    const resetAt = textHit ? parseLimitResetTime(textHit, input.now, input.defaultZone) : null;
    if (textHit && resetAt) return { resetAt, source: 'text', message: textHit };
    return {
      resetAt: null,
      source: 'api_429',
      message: firstLine(resultText) ?? firstLine(stderr) ?? 'API rate limit (429) with no reset time',
    };
  }

  if (textHit) {
    return {
      resetAt: parseLimitResetTime(textHit, input.now, input.defaultZone),
      source: 'text',
      message: textHit,
    };
  }
  return null;
}

/**
 * The reset instant printed in a limit message, or null when it has none that can be read:
 * `...|1760000000` (epoch seconds), `resets 1am`, `reset at 5pm (Europe/Warsaw)`,
 * `resets Mon 12:00am`, `resets Oct 6, 6pm`, `resets Dec 1, 6:07am (Asia/Tokyo)`, `21:41`.
 * A wall-clock time is its NEXT occurrence after `now` in the zone in parentheses (an IANA zone),
 * else in `defaultZone`; a weekday means the next such day, a month and day the next such date.
 */
export function parseLimitResetTime(text: string, now: Date, defaultZone: string): Date | null {
  assertValidNow(now, 'now');
  assertValidZone(defaultZone, 'defaultZone');
  const epoch = /\|(\d{9,13})\b/.exec(text);
  if (epoch?.[1]) {
    const value = Number(epoch[1]);
    return new Date(epoch[1].length > 11 ? value : value * 1000);
  }
  const match = RESET_FRAGMENT.exec(text);
  if (!match?.groups) return null;
  const g = match.groups;
  const zone = g.zone && isValidZone(g.zone.trim()) ? g.zone.trim() : defaultZone;
  let hour = Number(g.hour ?? g.hour24);
  const minute = Number(g.minute ?? g.minute24 ?? 0);
  const meridiem = g.meridiem?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return null;
  const today = zonedDate(now, zone);

  if (g.month) {
    const month = monthIndex(g.month);
    const day = Number(g.day);
    if (month === null || day < 1 || day > 31) return null;
    for (const year of [today.year, today.year + 1]) {
      if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) continue; // e.g. Feb 29
      const at = zonedWallClockToInstant({ year, month, day, hour, minute }, zone);
      if (at.getTime() > now.getTime()) return at;
    }
    return null;
  }

  const weekday = g.weekday ? weekdayIndex(g.weekday) : null;
  for (let offset = 0; offset <= 7; offset++) {
    const date = addDays(today, offset);
    if (weekday !== null && date.weekday !== weekday) continue;
    const at = zonedWallClockToInstant({ ...date, hour, minute }, zone);
    if (at.getTime() > now.getTime()) return at;
  }
  return null;
}

/**
 * When a run held by a limit may start again: the reset plus `marginSeconds` (the reset instant is
 * rounded and clocks differ), or `now + fallbackWaitSeconds` when the reset is unknown; never before
 * `now`.
 */
export function limitResumeAt(
  detection: UsageLimitDetection,
  now: Date,
  marginSeconds: number,
  fallbackWaitSeconds: number,
): Date {
  assertValidNow(now, 'now');
  assertNonNegative(marginSeconds, 'marginSeconds');
  assertNonNegative(fallbackWaitSeconds, 'fallbackWaitSeconds');
  const at = detection.resetAt
    ? detection.resetAt.getTime() + marginSeconds * 1000
    : now.getTime() + fallbackWaitSeconds * 1000;
  return new Date(Math.max(at, now.getTime()));
}

/** A calendar date and wall-clock time, month 1-12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/**
 * The UTC instant at which the clocks in `zone` show `wall`. A time skipped by a DST change (02:30 on
 * the spring-forward night) maps to the instant the clocks reach it after the jump (03:30); a time
 * that happens twice (autumn) maps to its first occurrence.
 */
export function zonedWallClockToInstant(wall: WallClock, zone: string): Date {
  assertValidZone(zone, 'zone');
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // At most one transition lies within a day of any wall time, so the offsets a day before and
  // after are the only two candidates.
  const before = zoneOffsetMs(asUtc - DAY_MS, zone);
  const after = zoneOffsetMs(asUtc + DAY_MS, zone);
  const valid = [asUtc - before, asUtc - after].filter((t) => zoneOffsetMs(t, zone) === asUtc - t);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(asUtc - before);
}

const DAY_MS = 86_400_000;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const RESET_FRAGMENT = new RegExp(
  String.raw`\bresets?\s+(?:at\s+|on\s+)?` +
    String.raw`(?:(?<weekday>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?` +
    String.raw`(?:(?<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?:at\s+)?)?` +
    // 12-hour with am/pm (minutes optional), or 24-hour with minutes.
    String.raw`(?:(?<hour>\d{1,2})(?::(?<minute>\d{2}))?\s*(?<meridiem>am|pm)\b|(?<hour24>\d{1,2}):(?<minute24>\d{2})\b)` +
    String.raw`(?:\s*\((?<zone>[^)]+)\))?`,
  'i',
);

function findLimitText(text: string | null, isError: boolean): string | null {
  if (!text) return null;
  if (!isError) {
    const opensWithLimit = LIMIT_WORDINGS.some((re) => re.exec(text)?.index === 0);
    const namesReset = /\|\d{9,13}\b/.test(text) || RESET_FRAGMENT.test(text);
    if (text.length > MAX_NON_ERROR_LIMIT_TEXT || !opensWithLimit || !namesReset) return null;
  }
  for (const line of text.split('\n')) {
    if (LIMIT_WORDINGS.some((re) => re.test(line))) return line.trim();
  }
  return null;
}

function limitLine(text: string | null): string | null {
  return findLimitText(text, true) ?? firstLine(text);
}

function firstLine(text: string | null): string | null {
  const line = text?.split('\n').find((l) => l.trim().length > 0);
  return line ? line.trim() : null;
}

interface ZonedDate {
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday. */
  weekday: number;
}

function zonedDate(instant: Date, zone: string): ZonedDate {
  const p = wallTime(instant.getTime(), zone);
  return {
    year: p.year,
    month: p.month,
    day: p.day,
    weekday: new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay(),
  };
}

function addDays(date: ZonedDate, days: number): ZonedDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}

function monthIndex(name: string): number | null {
  const i = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return i < 0 ? null : i + 1;
}

function weekdayIndex(name: string): number | null {
  const i = WEEKDAYS.indexOf(name.slice(0, 3).toLowerCase());
  return i < 0 ? null : i;
}

function isValidZone(zone: string): boolean {
  if (zone.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function assertValidZone(zone: string, field: string): void {
  if (!isValidZone(zone)) {
    throw new Error(
      `${field}: "${zone}" is not a time zone this runtime knows; use an IANA name such as "Europe/Warsaw" or "UTC"`,
    );
  }
}

function assertValidNow(now: Date, field: string): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new Error(`${field}: expected a valid Date, got ${String(now)}`);
  }
}

function assertNonNegative(value: number, field: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${field}: expected a number of seconds >= 0, got ${String(value)}`);
  }
}
