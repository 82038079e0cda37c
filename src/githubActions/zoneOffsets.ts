// A zone's UTC offsets in minutes and the instants they change, for mapping a local schedule onto
// GitHub's UTC-only cron. The offsets themselves come from src/core/zoneOffsets.ts, the project's
// one reader of the time zone database.

import { zoneOffsets } from '../core/zoneOffsets';

const MINUTE_MS = 60_000;

/** An instant at which a zone's offset changes. Offsets are minutes east of UTC. */
export interface ZoneTransition {
  at: number;
  before: number;
  after: number;
}

/** The offset of `zone` at `instant` (milliseconds), in minutes east of UTC (Berlin in winter: 60). */
export function offsetMinutes(zone: string, instant: number): number {
  return Math.round(zoneOffsets(zone).offsetAt(instant) / MINUTE_MS);
}

/** Every offset change of `zone` in (`from`, `to`], oldest first. */
export function zoneTransitions(zone: string, from: number, to: number): ZoneTransition[] {
  return zoneOffsets(zone)
    .changesBetween(from, to)
    .map(({ at, before, after }) => ({
      at,
      before: Math.round(before / MINUTE_MS),
      after: Math.round(after / MINUTE_MS),
    }))
    .filter((change) => change.before !== change.after);
}

/** The distinct offsets `zone` has in [`from`, `to`], in ascending order. */
export function zoneOffsetsBetween(zone: string, from: number, to: number): number[] {
  const offsets = new Set([offsetMinutes(zone, from)]);
  for (const change of zoneTransitions(zone, from, to)) offsets.add(change.after);
  return [...offsets].sort((a, b) => a - b);
}
