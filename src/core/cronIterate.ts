// Fire times of a cron expression in an IANA zone, with one rule for DST changes of any size:
//
//   - A fixed local time in a skipped interval fires once, moved forward by the gap's length
//     (02:30 in a one-hour gap fires at 03:30, 02:17 in Lord Howe's 30-minute gap at 02:47), so
//     the day's fires keep their order.
//   - A fixed local time in a repeated interval fires once, at its first occurrence.
//   - Jobs whose hour field is `*` or a step (`*\/2`, `1-23/3`) fire on real time: not at all in
//     a skipped interval, in both passes of a repeated one (cronie does the same for jobs that run
//     hourly or more often).
//
// "Fixed" means any other hour field (a number, a list, a range, H). The fires form one set of
// instants; every query answers from that set, so a sequence of fires and "the next fire after
// now" always agree.

import { parseCron } from './cronSyntax';
import { LocalSchedule } from './cronSchedule';
import { assertTimeZone } from './timeZone';
import { zoneOffsets } from './zoneOffsets';
import type { ZoneOffsets } from './zoneOffsets';

/**
 * The next `count` fire times strictly after `after`, reading the expression in `timeZone`.
 * Throws a CronError for an invalid expression and a TimeZoneError for an unknown zone.
 */
export function nextFireTimes(expr: string, after: Date, count: number, timeZone: string): Date[] {
  assertDate('after', after);
  assertCount('count', count);
  const finder = new FireFinder(expr, timeZone);
  const times: Date[] = [];
  let last = after.getTime();
  while (times.length < count) {
    const next = finder.next(last);
    if (next === null) break;
    times.push(new Date(next));
    last = next;
  }
  return times;
}

/** The next fire time strictly after `after`, or null when the expression never fires again. */
export function nextFireTime(expr: string, after: Date, timeZone: string): Date | null {
  return nextFireTimes(expr, after, 1, timeZone)[0] ?? null;
}

/**
 * Every fire time in (`afterExclusive`, `untilInclusive`], oldest first, at most `limit` of them;
 * `truncated` says more were left out.
 */
export function fireTimesBetween(
  expr: string,
  afterExclusive: Date,
  untilInclusive: Date,
  timeZone: string,
  limit: number,
): { times: Date[]; truncated: boolean } {
  assertDate('afterExclusive', afterExclusive);
  assertDate('untilInclusive', untilInclusive);
  assertCount('limit', limit);
  const finder = new FireFinder(expr, timeZone);
  const until = untilInclusive.getTime();
  const times: Date[] = [];
  let last = afterExclusive.getTime();
  while (last < until) {
    const next = finder.next(last);
    if (next === null || next > until) break;
    if (times.length === limit) return { times, truncated: true };
    times.push(new Date(next));
    last = next;
  }
  return { times, truncated: false };
}

const DAY_MS = 86_400_000;
/** Offsets near an instant: within two days either side (no zone changes more in that time). */
const NEAR_MS = 2 * DAY_MS;

/** The fire set of one expression in one zone, queried by "first fire after". */
class FireFinder {
  private readonly _schedule: LocalSchedule;
  private readonly _zone: ZoneOffsets;
  private readonly _instants: number[] = [];

  constructor(expr: string, zone: string) {
    assertTimeZone(zone);
    this._schedule = new LocalSchedule(parseCron(expr));
    this._zone = zoneOffsets(zone);
  }

  /** The first fire strictly after `after`, or null when there is none. */
  next(after: number): number | null {
    // A wall-clock time w is the instant w - o for an offset o in effect near that instant, so no
    // time before after + (the lowest offset near `after`) can fire after `after`.
    const [lowest] = this._zone.offsetRange(after - NEAR_MS, after + NEAR_MS);
    let best = Infinity;
    let stop = Infinity;
    // Wall-clock times are scanned in order, but a time moved out of a gap can land after the
    // next times of the day: the scan goes on until no later time can fire before the best found.
    for (let local = this._schedule.nextAtOrAfter(after + lowest); local !== null && local <= stop;) {
      const fire = this._firstFireAfter(local, after);
      if (fire < best) {
        best = fire;
        stop = best + this._zone.offsetRange(best - NEAR_MS, best + NEAR_MS)[1];
      }
      local = this._schedule.nextAtOrAfter(local + 1000);
    }
    return best === Infinity ? null : best;
  }

  /** The earliest instant the wall-clock time `local` fires at after `after`, or Infinity. */
  private _firstFireAfter(local: number, after: number): number {
    const instants = this._instants;
    const shifted = this._zone.resolve(local, instants);
    if (instants.length === 0) {
      // Skipped by a DST change: a fixed time moves forward by the gap, a periodic one is lost.
      return !this._schedule.realTime && shifted > after ? shifted : Infinity;
    }
    // Repeated by a DST change: a fixed time fires at its first occurrence only.
    const candidates = this._schedule.realTime ? instants : instants.slice(0, 1);
    for (const instant of candidates) {
      if (instant > after) return instant;
    }
    return Infinity;
  }
}

function assertDate(name: string, value: Date): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`${name} must be a valid Date, got ${String(value)}`);
  }
}

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number, 0 or more, got ${String(value)}`);
  }
}
