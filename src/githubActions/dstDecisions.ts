// Around a DST change, "the local wall clock matches the cron expression" is not what Night
// Pilot's scheduler does (a skipped time fires once after the gap, a repeated one as the cron
// module decides). So the export asks the cron module for the fires around each change in the
// next years, and records the triggers where the guard's plain wall-clock test would be wrong.

import { fireTimesBetween, nextFireTime } from '../core/cron';
import type { Refusal, UtcSchedule } from './utcSchedule';
import { scheduleFires } from './utcSchedule';
import type { ZoneTransition } from './zoneOffsets';
import { offsetMinutes, zoneTransitions } from './zoneOffsets';

/** How far ahead DST decisions are computed; the guard warns once they run out. */
export const DST_DECISION_YEARS = 5;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
// A fire may wait for the next UTC trigger after a skipped hour, never longer than this.
const MAX_LATENESS_MS = 60 * MINUTE_MS;
// The triggers checked around a change, and the fires that can be served by them.
const TRIGGER_WINDOW_MS = 26 * HOUR_MS;
const FIRE_LOOKBACK_MS = 50 * HOUR_MS;

export interface DstDecisions {
  /** Trigger instant (ISO) -> whether it runs; only where the wall-clock test would be wrong. */
  decisions: Record<string, boolean>;
  /** The end of the computed span (ISO), or null when the zone has no offset change in it. */
  until: string | null;
}

/** True when the wall clock of `instant` in `zone` is a fire time of `expr` (no DST rules applied). */
export function wallClockMatches(expr: string, zone: string, instant: number): boolean {
  const wall = instant + offsetMinutes(zone, instant) * MINUTE_MS;
  return nextFireTime(expr, new Date(wall - 1), 'UTC')?.getTime() === wall;
}

/**
 * The guard's decisions around each offset change of `zone` in [`now`, `now` + 5 years], or why
 * the UTC schedules cannot serve every fire there (two fires falling into one GitHub run, or a
 * fire with no trigger within an hour after it).
 */
export function dstDecisions(
  expr: string,
  zone: string,
  schedules: readonly UtcSchedule[],
  now: Date,
): { ok: true; value: DstDecisions } | Refusal {
  const from = now.getTime();
  const to = Date.UTC(now.getUTCFullYear() + DST_DECISION_YEARS, now.getUTCMonth(), now.getUTCDate());
  const transitions = zoneTransitions(zone, from, to);
  const decisions: Record<string, boolean> = {};
  for (const change of transitions) {
    const found = decideAround(expr, zone, schedules, change);
    if (!found.ok) return found;
    Object.assign(decisions, found.decisions);
  }
  const sorted = Object.fromEntries(Object.entries(decisions).sort(([a], [b]) => a.localeCompare(b)));
  return {
    ok: true,
    value: { decisions: sorted, until: transitions.length === 0 ? null : new Date(to).toISOString() },
  };
}

function decideAround(
  expr: string,
  zone: string,
  schedules: readonly UtcSchedule[],
  change: ZoneTransition,
): { ok: true; decisions: Record<string, boolean> } | Refusal {
  const start = change.at - TRIGGER_WINDOW_MS;
  const end = change.at + TRIGGER_WINDOW_MS;
  const fires = fireTimesBetween(
    expr,
    new Date(change.at - FIRE_LOOKBACK_MS),
    new Date(end),
    zone,
    Number.MAX_SAFE_INTEGER,
  ).times.map((t) => t.getTime());
  const triggers = scheduleFires(schedules, change.at - FIRE_LOOKBACK_MS - 1, end + 2 * HOUR_MS);
  // Each fire is served by the first trigger at or after it.
  const served = new Map<number, number>();
  let next = 0;
  for (const fire of fires) {
    while (next < triggers.length && triggers[next]! < fire) next++;
    const trigger = triggers[next];
    const local = describeLocal(fire, zone);
    if (trigger === undefined || trigger - fire > MAX_LATENESS_MS) {
      return {
        ok: false,
        reason: `around the DST change of ${zone} on ${local.slice(0, 10)}, its fire at ${local} has no GitHub trigger within an hour`,
      };
    }
    const other = served.get(trigger);
    if (other !== undefined) {
      return {
        ok: false,
        reason:
          `around the DST change of ${zone} on ${local.slice(0, 10)}, its fires at ${describeLocal(other, zone)} ` +
          `and ${local} would fall into one GitHub run`,
      };
    }
    served.set(trigger, fire);
  }
  const decisions: Record<string, boolean> = {};
  for (const trigger of triggers) {
    if (trigger < start || trigger > end) continue;
    const runs = served.has(trigger);
    if (runs !== wallClockMatches(expr, zone, trigger)) decisions[new Date(trigger).toISOString()] = runs;
  }
  return { ok: true, decisions };
}

/** `2026-03-29 03:30 Europe/Berlin`. */
function describeLocal(instant: number, zone: string): string {
  const wall = new Date(instant + offsetMinutes(zone, instant) * MINUTE_MS).toISOString();
  return `${wall.slice(0, 10)} ${wall.slice(11, 16)} ${zone}`;
}
