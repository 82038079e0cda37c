// A job's cron expression in its IANA zone as GitHub Actions schedules, which are UTC only. The
// local pattern is shifted by every offset the zone uses, so the UTC schedules fire at (at least)
// every local fire all year; the workflow's guard then lets exactly one run per local fire through.
//
// The local wall-clock pattern comes from the project's cron module (fire times read in UTC, where
// no DST applies, and the fields as src/core/cronSyntax.ts reads them); nothing here re-reads cron
// syntax.

import { fireTimesBetween, nextFireTime } from '../core/cron';
import { parseCron } from '../core/cronSyntax';

/** GitHub runs scheduled workflows at most every 5 minutes. */
export const GITHUB_MIN_INTERVAL_MINUTES = 5;

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
const DAY_MS = DAY_MINUTES * MINUTE_MS;
// Four years, one of them a leap year: every combination of day of month, month and weekday a cron
// day field can select occurs in it, so the day sets read from it hold for any year.
const PATTERN_FROM = Date.UTC(2024, 0, 1);
const PATTERN_TO = Date.UTC(2028, 0, 1);

/**
 * What a cron expression matches on a wall clock, as the guard script tests it: the expanded
 * fields with the scheduler's day rule (day of month OR day of week when both are restricted).
 * `null` means unrestricted.
 */
export interface CronMatchFields {
  minutes: number[];
  hours: number[];
  months: number[] | null;
  days: number[] | null;
  /** `L` in day-of-month: the last day of the month. */
  lastDay: boolean;
  weekdays: number[] | null;
  /** `5L` in day-of-week: the last such weekday of the month. */
  lastWeekdays: number[];
  /** `#n` in day-of-week: only the nth such weekday of the month; 0 for none. */
  nth: number;
}

/** One `on.schedule` entry: a 5-field UTC cron in the plain syntax GitHub accepts. */
export interface UtcSchedule extends CronMatchFields {
  cron: string;
}

export type Refusal = { ok: false; reason: string };

/** The local pattern of `expr`, or why GitHub cannot run it (seconds, fires under 5 minutes apart). */
export function localMatchFields(expr: string): { ok: true; fields: CronMatchFields } | Refusal {
  const cron = parseCron(expr);
  const seconds = cron.second.values;
  if (seconds.length !== 1 || seconds[0] !== 0) {
    return {
      ok: false,
      reason:
        'its schedule fires at seconds past the minute, and GitHub Actions schedules have minute precision; ' +
        'use a 5-field expression',
    };
  }
  const minutes = [...cron.minute.values];
  const hours = [...cron.hour.values];
  const gap = smallestGap(timesOfDay(minutes, hours));
  if (gap < GITHUB_MIN_INTERVAL_MINUTES) {
    return {
      ok: false,
      reason: `its schedule fires ${gap} minute(s) apart, and GitHub Actions runs a schedule at most every ${GITHUB_MIN_INTERVAL_MINUTES} minutes`,
    };
  }
  return {
    ok: true,
    fields: {
      minutes,
      hours,
      months: cron.month.values.length === 12 ? null : [...cron.month.values],
      days: cron.dayOfMonth.wildcard ? null : [...cron.dayOfMonth.values],
      lastDay: cron.dayOfMonth.lastDay,
      weekdays: cron.dayOfWeek.wildcard ? null : [...cron.dayOfWeek.values],
      lastWeekdays: [...cron.dayOfWeek.lastWeekdays],
      nth: cron.dayOfWeek.nth,
    },
  };
}

/**
 * The UTC schedules that fire at every local fire of `expr` for each of `offsets` (minutes east
 * of UTC). They never overlap (each UTC time of day belongs to one entry), and their day fields
 * are the tightest GitHub cron can say: a superset the guard narrows down.
 */
export function utcSchedules(
  expr: string,
  fields: CronMatchFields,
  offsets: readonly number[],
): { ok: true; schedules: UtcSchedule[] } | Refusal {
  const localDays = matchingDays(expr);
  // UTC time of day -> the day shifts (-1, 0, +1) its local fires come from.
  const shifts = new Map<number, Set<number>>();
  for (const offset of offsets) {
    for (const local of timesOfDay(fields.minutes, fields.hours)) {
      const utc = local - offset;
      const shift = Math.floor(utc / DAY_MINUTES);
      const minuteOfDay = utc - shift * DAY_MINUTES;
      if (!shifts.has(minuteOfDay)) shifts.set(minuteOfDay, new Set());
      shifts.get(minuteOfDay)!.add(shift);
    }
  }
  const gap = smallestGap([...shifts.keys()].sort((a, b) => a - b));
  if (gap < GITHUB_MIN_INTERVAL_MINUTES) {
    return {
      ok: false,
      reason:
        `covering every UTC offset of its zone (${offsets.map(formatOffset).join(', ')}) needs UTC schedules ` +
        `${gap} minute(s) apart, and GitHub Actions runs a schedule at most every ${GITHUB_MIN_INTERVAL_MINUTES} minutes`,
    };
  }
  const groups = new Map<string, { days: DayFields; times: number[] }>();
  for (const [minuteOfDay, dayShifts] of [...shifts].sort((a, b) => a[0] - b[0])) {
    const days = dayFields(localDays, [...dayShifts]);
    const key = JSON.stringify(days);
    if (!groups.has(key)) groups.set(key, { days, times: [] });
    groups.get(key)!.times.push(minuteOfDay);
  }
  const schedules: UtcSchedule[] = [];
  for (const { days, times } of groups.values()) {
    // Hours that share the same minutes become one entry: `0 0,1 * * *`.
    const byHour = new Map<number, number[]>();
    for (const time of times) {
      const hour = Math.floor(time / 60);
      if (!byHour.has(hour)) byHour.set(hour, []);
      byHour.get(hour)!.push(time % 60);
    }
    const byMinutes = new Map<string, { minutes: number[]; hours: number[] }>();
    for (const [hour, minutes] of byHour) {
      const key = minutes.join(',');
      if (!byMinutes.has(key)) byMinutes.set(key, { minutes, hours: [] });
      byMinutes.get(key)!.hours.push(hour);
    }
    for (const { minutes, hours } of byMinutes.values()) {
      const everyMinute = minutes.length === 60 ? null : minutes;
      const everyHour = hours.length === 24 ? null : hours;
      const cron = [everyMinute, everyHour, days.days, days.months, days.weekdays]
        .map((values) => (values === null ? '*' : cronList(values)))
        .join(' ');
      schedules.push({ cron, minutes, hours, ...days, lastDay: false, lastWeekdays: [], nth: 0 });
    }
  }
  return { ok: true, schedules };
}

type DayFields = Pick<CronMatchFields, 'days' | 'months' | 'weekdays'>;

// Walking four years of days costs more than the rest of an export; the same expression is often
// mapped for several zones (tests, a re-export), so the last few results are kept.
const MATCHING_DAYS_LIMIT = 16;
const matchingDaysCache = new Map<string, readonly number[]>();

/** The local dates (days since the epoch) in the pattern window on which `expr` fires. */
function matchingDays(expr: string): readonly number[] {
  const cached = matchingDaysCache.get(expr);
  if (cached) return cached;
  const days = walkMatchingDays(expr);
  if (matchingDaysCache.size >= MATCHING_DAYS_LIMIT) matchingDaysCache.clear();
  matchingDaysCache.set(expr, days);
  return days;
}

function walkMatchingDays(expr: string): number[] {
  const days: number[] = [];
  let cursor = PATTERN_FROM - 1;
  for (;;) {
    const next = nextFireTime(expr, new Date(cursor), 'UTC');
    if (next === null || next.getTime() >= PATTERN_TO) return days;
    const day = Math.floor(next.getTime() / DAY_MS);
    days.push(day);
    cursor = (day + 1) * DAY_MS - 1;
  }
}

/**
 * GitHub cron day fields that match every one of `localDays` moved by each of `shifts`. When
 * both the day of month and the weekday would be restricted, GitHub (like cron) reads them as OR,
 * which only widens the set; the narrower of the two alone is kept instead.
 */
function dayFields(localDays: readonly number[], shifts: readonly number[]): DayFields {
  const dates = [...new Set(shifts.flatMap((shift) => localDays.map((day) => day + shift)))].map(
    (day) => new Date(day * DAY_MS),
  );
  const collect = (read: (d: Date) => number, all: number) => {
    const values = [...new Set(dates.map(read))].sort((a, b) => a - b);
    return values.length === all ? null : values;
  };
  const days = collect((d) => d.getUTCDate(), 31);
  const months = collect((d) => d.getUTCMonth() + 1, 12);
  const weekdays = collect((d) => d.getUTCDay(), 7);
  if (days === null || weekdays === null) return { days, months, weekdays };
  let byDay = 0;
  let byWeekday = 0;
  for (let day = PATTERN_FROM / DAY_MS; day < PATTERN_TO / DAY_MS; day++) {
    const date = new Date(day * DAY_MS);
    if (months !== null && !months.includes(date.getUTCMonth() + 1)) continue;
    if (days.includes(date.getUTCDate())) byDay++;
    if (weekdays.includes(date.getUTCDay())) byWeekday++;
  }
  return byDay <= byWeekday ? { days, months, weekdays: null } : { days: null, months, weekdays };
}

/** Every local time of day (minutes since midnight) the minute and hour fields select, ascending. */
function timesOfDay(minutes: readonly number[], hours: readonly number[]): number[] {
  return hours.flatMap((hour) => minutes.map((minute) => hour * 60 + minute)).sort((a, b) => a - b);
}

/** The smallest distance between two of `times` (ascending minutes of day), across midnight too. */
function smallestGap(times: readonly number[]): number {
  if (times.length < 2) return times.length === 1 ? DAY_MINUTES : Infinity;
  let gap = times[0]! + DAY_MINUTES - times[times.length - 1]!;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i]! - times[i - 1]!);
  return gap;
}

/** `[0, 1, 2, 3, 5]` as `0-3,5`. */
export function cronList(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(','));
    i = j + 1;
  }
  return parts.join(',');
}

/** `UTC+1`, `UTC-4`, `UTC+5:30`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const rest = abs % 60;
  return `UTC${sign}${Math.floor(abs / 60)}${rest === 0 ? '' : `:${String(rest).padStart(2, '0')}`}`;
}

/** Every fire of the UTC schedules in (`from`, `to`], ascending. */
export function scheduleFires(schedules: readonly UtcSchedule[], from: number, to: number): number[] {
  const all = schedules.flatMap((s) =>
    fireTimesBetween(s.cron, new Date(from), new Date(to), 'UTC', Number.MAX_SAFE_INTEGER).times.map((t) =>
      t.getTime(),
    ),
  );
  return [...new Set(all)].sort((a, b) => a - b);
}
