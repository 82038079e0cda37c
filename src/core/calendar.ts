// Local calendar days and months in an IANA zone, for usage reports and budget periods. The zone's
// offsets come from zoneOffsets.ts (Intl, remembered per UTC day), the one source of zone rules;
// dates are cached per quarter hour because reports format hundreds of thousands of timestamps and
// every real zone offset is a multiple of 15 minutes.

import { zoneOffsets } from './zoneOffsets';

const QUARTER_HOUR = 15 * 60_000;

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time of an instant in a zone. */
export function wallTime(ms: number, zone: string): WallTime {
  const local = new Date(Math.floor(ms / 1000) * 1000 + zoneOffsetMs(ms, zone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/**
 * A function from epoch milliseconds to the local date `YYYY-MM-DD` in `zone`. Reports call it
 * for every transcript line, and Intl is slow (tens of microseconds a call): the zone's offset is
 * read at the start and the end of each UTC day, and when they agree (no DST change that day,
 * and a day never holds two) the date is plain arithmetic; a day with a change is read per
 * quarter hour.
 */
export function localDayFormatter(zone: string): (ms: number) => string {
  const DAY = 86_400_000;
  /** Per UTC day with one offset: the local midnight inside it, and the dates before and after. */
  const days = new Map<number, { boundary: number; before: string; after: string } | null>();
  const quarters = new Map<number, string>();
  const dateOf = (ms: number, offset: number) => new Date(ms + offset).toISOString().slice(0, 10);
  return (ms) => {
    const day = Math.floor(ms / DAY);
    let known = days.get(day);
    if (known === undefined) {
      const start = day * DAY;
      const offset = zoneOffsetMs(start, zone);
      if (offset === zoneOffsetMs(start + DAY - 1000, zone)) {
        const boundary = Math.ceil((start + offset) / DAY) * DAY - offset;
        known = { boundary, before: dateOf(start, offset), after: dateOf(start + DAY - 1, offset) };
      } else {
        known = null;
      }
      if (days.size > 100_000) days.clear();
      days.set(day, known);
    }
    if (known !== null) return ms < known.boundary ? known.before : known.after;
    const bucket = Math.floor(ms / QUARTER_HOUR);
    let text = quarters.get(bucket);
    if (text === undefined) {
      text = dateOf(bucket * QUARTER_HOUR, zoneOffsetMs(bucket * QUARTER_HOUR, zone));
      quarters.set(bucket, text);
    }
    return text;
  };
}

/** How far `zone`'s clocks are ahead of UTC at an instant, in milliseconds (whole seconds). */
export function zoneOffsetMs(ms: number, zone: string): number {
  return zoneOffsets(zone).offsetAt(ms);
}

/** The instant a local date starts in a zone (its first existing minute around a DST gap). */
export function startOfLocalDate(year: number, month: number, day: number, zone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const next = wall - zoneOffsetMs(guess, zone);
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

/** The start of the local day that holds `at`, and of the next one. */
export function localDayBounds(at: Date, zone: string): { start: Date; end: Date } {
  const w = wallTime(at.getTime(), zone);
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  return {
    start: startOfLocalDate(w.year, w.month, w.day, zone),
    end: startOfLocalDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), zone),
  };
}

/** The start of the local month that holds `at`, and of the next one. */
export function localMonthBounds(at: Date, zone: string): { start: Date; end: Date } {
  const w = wallTime(at.getTime(), zone);
  const nextMonth = w.month === 12 ? { y: w.year + 1, m: 1 } : { y: w.year, m: w.month + 1 };
  return {
    start: startOfLocalDate(w.year, w.month, 1, zone),
    end: startOfLocalDate(nextMonth.y, nextMonth.m, 1, zone),
  };
}

/** `YYYYMMDD` (the CLI's `--since` / `--until`) as `YYYY-MM-DD`, or null when it is not a real date. */
export function parseCompactDate(text: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}
