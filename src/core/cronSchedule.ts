// A read cron expression as a matcher of wall-clock times: which days match, and the next
// matching time of day. Knows nothing of time zones: cronIterate.ts maps wall-clock times to
// instants (local milliseconds, see zoneOffsets.ts).

import type { ParsedCron } from './cronSyntax';
import type { ParsedField } from './cronFields';
import { localMs } from './zoneOffsets';

/** A day-by-day search that finds nothing in 400 years (one whole Gregorian cycle) never will. */
const HORIZON_MS = 400 * 366 * 86_400_000;

/** The wall-clock side of an expression. */
export class LocalSchedule {
  /** Hour field `*` or a step: the job fires on real time through DST changes (see cronIterate.ts). */
  readonly realTime: boolean;
  private readonly _seconds: Int8Array;
  private readonly _minutes: Int8Array;
  private readonly _hours: Int8Array;
  private readonly _months: boolean[];
  private readonly _days: boolean[];
  private readonly _weekdays: boolean[];
  private readonly _lastWeekdays: boolean[];
  private readonly _lastDay: boolean;
  private readonly _nth: number;
  private readonly _dayRule: 'both' | 'dayOfMonth' | 'dayOfWeek';

  constructor(cron: ParsedCron) {
    this.realTime = cron.hour.periodic;
    this._seconds = nextTable(cron.second, 60);
    this._minutes = nextTable(cron.minute, 60);
    this._hours = nextTable(cron.hour, 24);
    this._months = flags(cron.month.values, 13);
    this._days = flags(cron.dayOfMonth.values, 32);
    this._weekdays = flags(cron.dayOfWeek.values, 7);
    this._lastWeekdays = flags(cron.dayOfWeek.lastWeekdays, 7);
    this._lastDay = cron.dayOfMonth.lastDay;
    this._nth = cron.dayOfWeek.nth;
    // Both day fields restricted: a day matching either fires (the classic cron OR rule);
    // otherwise the restricted one decides (with both unrestricted every day matches).
    this._dayRule =
      !cron.dayOfMonth.wildcard && !cron.dayOfWeek.wildcard
        ? 'both'
        : cron.dayOfMonth.wildcard && !cron.dayOfWeek.wildcard
          ? 'dayOfWeek'
          : 'dayOfMonth';
  }

  /** Whether the date (month 1-12, weekday 0-6 with Sunday 0) matches the day fields. */
  matchesDay(year: number, month: number, day: number, weekday: number): boolean {
    if (!this._months[month]) return false;
    const length = daysInMonth(year, month);
    const byMonthDay = this._days[day] === true || (this._lastDay && day === length);
    if (this._dayRule === 'dayOfMonth') return byMonthDay;
    const byWeekday =
      (this._weekdays[weekday] === true && (this._nth === 0 || Math.ceil(day / 7) === this._nth)) ||
      (this._lastWeekdays[weekday] === true && day + 7 > length);
    return this._dayRule === 'dayOfWeek' ? byWeekday : byMonthDay || byWeekday;
  }

  /** The first matching wall-clock time at or after `local` (rounded up to a second), or null. */
  nextAtOrAfter(local: number): number | null {
    let time = Math.ceil(local / 1000) * 1000;
    const end = time + HORIZON_MS;
    while (time <= end) {
      const date = new Date(time);
      const year = date.getUTCFullYear();
      const month = date.getUTCMonth() + 1;
      const day = date.getUTCDate();
      if (!this._months[month]) {
        time = localMs(year, month + 1, 1);
        continue;
      }
      if (!this.matchesDay(year, month, day, date.getUTCDay())) {
        time = localMs(year, month, day + 1);
        continue;
      }
      let hour = date.getUTCHours();
      let minute = date.getUTCMinutes();
      let second = date.getUTCSeconds();
      const nextHour = this._hours[hour] as number;
      if (nextHour < 0) {
        time = localMs(year, month, day + 1);
        continue;
      }
      if (nextHour !== hour) {
        hour = nextHour;
        minute = 0;
        second = 0;
      }
      const nextMinute = this._minutes[minute] as number;
      if (nextMinute < 0) {
        time = localMs(year, month, day, hour + 1);
        continue;
      }
      if (nextMinute !== minute) {
        minute = nextMinute;
        second = 0;
      }
      const nextSecond = this._seconds[second] as number;
      if (nextSecond < 0) {
        time = localMs(year, month, day, hour, minute + 1);
        continue;
      }
      return localMs(year, month, day, hour, minute, nextSecond);
    }
    return null;
  }
}

/** For each value v, the smallest matching value >= v, or -1 when there is none. */
function nextTable(field: ParsedField, size: number): Int8Array {
  const table = new Int8Array(size + 1).fill(-1);
  let next = -1;
  const matches = flags(field.values, size);
  for (let value = size - 1; value >= 0; value--) {
    if (matches[value]) next = value;
    table[value] = next;
  }
  return table;
}

function flags(values: readonly number[], size: number): boolean[] {
  const result = new Array<boolean>(size).fill(false);
  for (const value of values) result[value] = true;
  return result;
}

function daysInMonth(year: number, month: number): number {
  return new Date(localMs(year, month + 1, 0)).getUTCDate();
}
