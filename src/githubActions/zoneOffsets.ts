// UTC offsets of an IANA zone and the instants they change, read from Intl (the runtime's tz
// database), for mapping a local schedule onto GitHub's UTC-only cron.

const MINUTE_MS = 60_000;
// DST periods last months; a 6-hour step finds every change, a bisection then pins it to the minute.
const SCAN_STEP_MS = 6 * 3600_000;

/** An instant at which a zone's offset changes. Offsets are minutes east of UTC. */
export interface ZoneTransition {
  at: number;
  before: number;
  after: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, found);
  }
  return found;
}

/** The offset of `zone` at `instant` (milliseconds), in minutes east of UTC (Berlin in winter: 60). */
export function offsetMinutes(zone: string, instant: number): number {
  const minute = Math.floor(instant / MINUTE_MS) * MINUTE_MS;
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(minute))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return Math.round((wall - minute) / MINUTE_MS);
}

/** Every offset change of `zone` in (`from`, `to`], oldest first. */
export function zoneTransitions(zone: string, from: number, to: number): ZoneTransition[] {
  const out: ZoneTransition[] = [];
  let previousAt = from;
  let previous = offsetMinutes(zone, from);
  for (let at = from + SCAN_STEP_MS; previousAt < to; at += SCAN_STEP_MS) {
    const probe = Math.min(at, to);
    const offset = offsetMinutes(zone, probe);
    if (offset !== previous) {
      // Bisect to the first minute with the new offset.
      let low = previousAt;
      let high = probe;
      while (high - low > MINUTE_MS) {
        const mid = Math.floor((low + high) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetMinutes(zone, mid) === previous) low = mid;
        else high = mid;
      }
      out.push({ at: high, before: previous, after: offsetMinutes(zone, high) });
    }
    previous = offset;
    previousAt = probe;
  }
  return out;
}

/** The distinct offsets `zone` has in [`from`, `to`], in ascending order. */
export function zoneOffsetsBetween(zone: string, from: number, to: number): number[] {
  const offsets = new Set([offsetMinutes(zone, from)]);
  for (const change of zoneTransitions(zone, from, to)) offsets.add(change.after);
  return [...offsets].sort((a, b) => a - b);
}
