// Short, local-time renderings of times and durations for tree descriptions and tooltips.

import { formatDuration } from '../core/timeFormat';

const DAY = 86_400_000;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "today 02:00", "tomorrow 02:00", "yesterday 23:10" or "Thu 28 Nov 02:00", in the machine's zone. */
export function formatWhen(iso: string, now: Date): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const days = Math.round((startOfDay(when) - startOfDay(now)) / DAY);
  const time = timeFormat.format(when);
  if (days === 0) return `today ${time}`;
  if (days === 1) return `tomorrow ${time}`;
  if (days === -1) return `yesterday ${time}`;
  return `${dateFormat.format(when)} ${time}`;
}

/** A full local date and time, for tooltips. */
export function formatFull(iso: string | null): string {
  if (iso === null) return '-';
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? iso : fullFormat.format(when);
}

/** The duration between two ISO times, or null when either is missing. */
export function durationBetween(startIso: string | null, endIso: string | null): string | null {
  if (startIso === null || endIso === null) return null;
  const ms = new Date(endIso).getTime() - new Date(startIso).getTime();
  // Tree rows stay short: a day or more is still counted in hours.
  return Number.isNaN(ms) ? null : formatDuration(ms, 'h');
}
