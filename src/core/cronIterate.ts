// Fire times of a cron expression in an IANA zone, forward only, with a recovery for the DST
// changes where cron-parser gives up or steps backwards.

import { CronDate, CronExpressionParser } from 'cron-parser';
import type { CronExpression } from 'cron-parser';
import { assertTimeZone } from './timeZone';
import { CronError, isLoopLimit, parseCron } from './cronSyntax';
import type { CheckedCron } from './cronSyntax';

/**
 * The next `count` fire times strictly after `after`, reading the expression in `timeZone`.
 * Throws a {@link CronError} for an invalid expression and a TimeZoneError for an unknown zone.
 */
export function nextFireTimes(expr: string, after: Date, count: number, timeZone: string): Date[] {
  assertDate('after', after);
  assertCount('count', count);
  const iterator = new FireIterator(expr, timeZone, after);
  const times: Date[] = [];
  while (times.length < count) {
    times.push(iterator.next());
  }
  return times;
}

/** The next fire time strictly after `after`, or null when none can be found. */
export function nextFireTime(expr: string, after: Date, timeZone: string): Date | null {
  return nextFireTimes(expr, after, 1, timeZone)[0] ?? null;
}

/**
 * Every fire time in (`afterExclusive`, `untilInclusive`], oldest first, at most `limit` of them;
 * `truncated` says more were left out. Iterates forward only (cron-parser's `prev()` is wrong
 * around DST), which is what missed-run catch-up needs.
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
  const iterator = new FireIterator(expr, timeZone, afterExclusive);
  const until = untilInclusive.getTime();
  const times: Date[] = [];
  if (until <= afterExclusive.getTime()) {
    return { times, truncated: false };
  }
  for (;;) {
    const time = iterator.next();
    if (time.getTime() > until) {
      return { times, truncated: false };
    }
    if (times.length === limit) {
      return { times, truncated: true };
    }
    times.push(time);
  }
}

const MINUTE_MS = 60_000;
// Every zone's offset and DST changes fall on quarter hours, so a local hour (and day) is the same
// throughout a UTC-aligned quarter hour.
const BLOCK_MS = 15 * MINUTE_MS;
// How far past a cron-parser failure the recovery looks: a day covers hourly and daily jobs, a
// week covers weekly ones.
const RECOVERY_WINDOWS_MS = [26 * 3600_000, 8 * 24 * 3600_000];

/** Yields strictly increasing fire times from one cron-parser expression. */
class FireIterator {
  private readonly _cron: CronExpression;
  private readonly _checked: CheckedCron;
  private readonly _expr: string;
  private readonly _zone: string;
  private _last: number;

  constructor(expr: string, zone: string, after: Date) {
    assertTimeZone(zone);
    const { checked, cron } = parseCron(expr, zone, after);
    this._checked = checked;
    this._cron = cron;
    this._expr = expr;
    this._zone = zone;
    this._last = after.getTime();
  }

  next(): Date {
    let time = this._tryNext();
    // cron-parser can give up, or even step backwards, inside some DST changes (both happen at the
    // end of Australia/Lord_Howe's half-hour DST); a time that does not move forward could fire a
    // job twice.
    if (time === null || time <= this._last) {
      time = this._recover();
    }
    this._last = time;
    return new Date(time);
  }

  private _tryNext(): number | null {
    try {
      return this._cron.next().getTime();
    } catch (error) {
      if (isLoopLimit(error)) {
        return null;
      }
      throw error;
    }
  }

  /**
   * Finds the next fire by checking instants one by one past the trouble, then by restarting
   * cron-parser further on. Only reached in the rare zones where cron-parser fails.
   */
  private _recover(): number {
    const [, , hour, dayOfMonth, month, dayOfWeek] = this._checked.sixFields.split(' ');
    // The same fields with every second and minute: tells whether a whole quarter hour can match.
    const coarse = CronExpressionParser.parse(['*', '*', hour, dayOfMonth, month, dayOfWeek].join(' '), {
      tz: this._zone,
      hashSeed: this._checked.seed,
    });
    const seconds = this._cron.fields.second.values as readonly number[];
    const lastWallClock = wallClock(this._last, this._zone);
    let scanned = this._last;
    for (const window of RECOVERY_WINDOWS_MS) {
      const end = this._last + window;
      const found = this._scan(coarse, seconds, lastWallClock, scanned, end);
      if (found !== null) {
        this._cron.reset(new Date(found));
        return found;
      }
      scanned = end;
      this._cron.reset(new Date(end));
      const candidate = this._tryNext();
      if (candidate !== null && candidate > end) {
        return candidate;
      }
    }
    throw new CronError(
      this._expr,
      null,
      `no fire time could be found after ${new Date(this._last).toISOString()} in ${this._zone}`,
    );
  }

  /**
   * The first instant in (from, to] that matches and whose local time is later than the last
   * fire's (so a repeated half hour after a DST change does not fire again).
   */
  private _scan(
    coarse: CronExpression,
    seconds: readonly number[],
    lastWallClock: number,
    from: number,
    to: number,
  ): number | null {
    for (let block = Math.floor(from / BLOCK_MS) * BLOCK_MS; block <= to; block += BLOCK_MS) {
      if (!coarse.includesDate(new Date(block))) {
        continue;
      }
      for (let minute = block; minute < block + BLOCK_MS; minute += MINUTE_MS) {
        for (const second of seconds) {
          const instant = minute + second * 1000;
          if (
            instant > from &&
            instant <= to &&
            this._cron.includesDate(new Date(instant)) &&
            wallClock(instant, this._zone) > lastWallClock
          ) {
            return instant;
          }
        }
      }
    }
    return null;
  }
}

/** The local date and time in `zone` as a comparable number (milliseconds, as if it were UTC). */
function wallClock(instant: number, zone: string): number {
  const local = new CronDate(new Date(instant), zone);
  return Date.UTC(
    local.getFullYear(),
    local.getMonth(),
    local.getDate(),
    local.getHours(),
    local.getMinutes(),
    local.getSeconds(),
  );
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
