// The UTC offsets of an IANA zone, read from Intl (the runtime's own time zone data) and
// remembered per UTC day, and the other way round: which instants a local wall-clock time is.
//
// Wall-clock times are handled as "local milliseconds": the time written as if it were UTC
// (Date.UTC(year, month - 1, day, hour, minute, second)), so that calendar arithmetic is plain
// Date.UTC arithmetic and instant = local - offset.
//
// A day's offsets come from one Intl reading at each UTC midnight; when the two differ, the change
// is found to the second by bisection. This assumes a zone never changes its offset twice within
// one UTC day and back again, which holds for every zone in the time zone database.

const DAY_MS = 86_400_000;
/** Offsets of real zones lie within -12:00 and +14:00; the margin covers local mean times. */
const MAX_OFFSET_MS = 18 * 3600_000;
/** Remembered days per zone before the memory starts over (a few years' worth). */
const DAYS_LIMIT = 4096;
const ZONES_LIMIT = 64;

interface DayOffsets {
  /** The offset at the day's first instant, in milliseconds. */
  start: number;
  /** Changes within the day, oldest first: from `at` on, the offset is `offset`. */
  changes: { at: number; offset: number }[];
}

/** The offsets of one zone; get one from {@link zoneOffsets}. */
export class ZoneOffsets {
  private readonly _format: Intl.DateTimeFormat;
  private readonly _days = new Map<number, DayOffsets>();
  private readonly _midnights = new Map<number, number>();

  constructor(readonly zone: string) {
    this._format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The offset in milliseconds at `instant`: its wall clock is `instant + offset`. */
  offsetAt(instant: number): number {
    const day = this._day(Math.floor(instant / DAY_MS));
    let offset = day.start;
    for (const change of day.changes) {
      if (instant < change.at) break;
      offset = change.offset;
    }
    return offset;
  }

  /** The lowest and highest offsets in effect at any instant from `from` to `to`. */
  offsetRange(from: number, to: number): [number, number] {
    let low = Infinity;
    let high = -Infinity;
    for (let index = Math.floor(from / DAY_MS); index <= Math.floor(to / DAY_MS); index++) {
      const day = this._day(index);
      low = Math.min(low, day.start);
      high = Math.max(high, day.start);
      for (const change of day.changes) {
        low = Math.min(low, change.offset);
        high = Math.max(high, change.offset);
      }
    }
    return [low, high];
  }

  /** Every change of offset at an instant in (`from`, `to`], oldest first; offsets in milliseconds. */
  changesBetween(from: number, to: number): { at: number; before: number; after: number }[] {
    const out: { at: number; before: number; after: number }[] = [];
    let previous = this.offsetAt(from);
    for (let index = Math.floor(from / DAY_MS); index <= Math.floor(to / DAY_MS); index++) {
      const day = this._day(index);
      const midnight = index * DAY_MS;
      if (midnight > from && midnight <= to && day.start !== previous) {
        out.push({ at: midnight, before: previous, after: day.start });
        previous = day.start;
      }
      for (const change of day.changes) {
        if (change.at <= from || change.at > to || change.offset === previous) continue;
        out.push({ at: change.at, before: previous, after: change.offset });
        previous = change.offset;
      }
    }
    return out;
  }

  /**
   * The instants whose wall clock is `local`, oldest first, into `into` (cleared first): one
   * normally, two in a repeated interval, none in a skipped one. For a skipped time the result is
   * the instant it would be with the offset from before the gap (the time moved forward by the
   * gap's length), else NaN.
   */
  resolve(local: number, into: number[]): number {
    into.length = 0;
    const first = Math.floor((local - MAX_OFFSET_MS) / DAY_MS);
    const last = Math.floor((local + MAX_OFFSET_MS) / DAY_MS);
    let previous = this._day(first).start;
    let shifted = NaN;
    this._tryOffset(local, previous, into);
    for (let index = first; index <= last; index++) {
      const day = this._day(index);
      if (day.start !== previous) {
        shifted = this._step(local, previous, day.start, index * DAY_MS, into, shifted);
        previous = day.start;
      }
      for (const change of day.changes) {
        shifted = this._step(local, previous, change.offset, change.at, into, shifted);
        previous = change.offset;
      }
    }
    if (into.length > 1) into.sort((a, b) => a - b);
    return into.length === 0 ? shifted : NaN;
  }

  /** One offset change seen while resolving: the new offset may fit, or `local` may be in its gap. */
  private _step(
    local: number,
    before: number,
    after: number,
    at: number,
    into: number[],
    shifted: number,
  ): number {
    this._tryOffset(local, after, into);
    return after > before && local >= at + before && local < at + after ? local - before : shifted;
  }

  private _tryOffset(local: number, offset: number, into: number[]): void {
    const instant = local - offset;
    if (!into.includes(instant) && this.offsetAt(instant) === offset) into.push(instant);
  }

  private _day(index: number): DayOffsets {
    let day = this._days.get(index);
    if (day === undefined) {
      if (this._days.size >= DAYS_LIMIT) {
        this._days.clear();
        this._midnights.clear();
      }
      const from = index * DAY_MS;
      const start = this._midnight(from);
      const end = this._midnight(from + DAY_MS);
      const changes: DayOffsets['changes'] = [];
      if (start !== end) this._findChanges(from, start, from + DAY_MS, end, changes);
      day = { start, changes };
      this._days.set(index, day);
    }
    return day;
  }

  private _midnight(instant: number): number {
    let offset = this._midnights.get(instant);
    if (offset === undefined) {
      offset = this._read(instant);
      this._midnights.set(instant, offset);
    }
    return offset;
  }

  /** Bisects (low, high] to the second for where `lowOffset` ends; repeats while more follow. */
  private _findChanges(
    low: number,
    lowOffset: number,
    high: number,
    highOffset: number,
    into: DayOffsets['changes'],
  ): void {
    let from = low;
    let fromOffset = lowOffset;
    while (fromOffset !== highOffset) {
      let a = from;
      let b = high;
      while (b - a > 1000) {
        const middle = a + Math.floor((b - a) / 2000) * 1000;
        if (this._read(middle) === fromOffset) a = middle;
        else b = middle;
      }
      const offset = this._read(b);
      into.push({ at: b, offset });
      from = b;
      fromOffset = offset;
    }
  }

  /** The offset at `instant` as Intl reports it, to the second. */
  private _read(instant: number): number {
    const text = this._format.format(new Date(instant));
    const match = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/.exec(text);
    if (match === null) {
      throw new RangeError(
        `cannot read the UTC offset of ${this.zone} at ${new Date(instant).toISOString()}`,
      );
    }
    const [, month, day, year, hour, minute, second] = match.map(Number) as number[];
    const local = localMs(year!, month!, day!, hour!, minute!, second!);
    return local - Math.floor(instant / 1000) * 1000;
  }
}

/** Wall-clock fields as local milliseconds (see the top of this file); years 0-99 included. */
export function localMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  if (year >= 100) return time;
  const date = new Date(time);
  date.setUTCFullYear(year);
  return date.getTime();
}

const zones = new Map<string, ZoneOffsets>();

/** The (remembered) offsets of `zone`, which must be a valid IANA zone. */
export function zoneOffsets(zone: string): ZoneOffsets {
  let offsets = zones.get(zone);
  if (offsets === undefined) {
    if (zones.size >= ZONES_LIMIT) zones.clear();
    offsets = new ZoneOffsets(zone);
    zones.set(zone, offsets);
  }
  return offsets;
}
