// Short, local-time renderings of times, durations, tokens and money for tree rows, tooltips, the
// status bar and notifications. Always the machine's local time: never an epoch, never ISO.
import * as vscode from 'vscode';
import { formatDuration } from '../core/timeFormat';

const DAY = 86_400_000;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const yearFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function parse(iso: string): Date | null {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? null : when;
}

/** "02:00" in the machine's zone. */
export function formatTime(iso: string): string {
  const when = parse(iso);
  return when ? timeFormat.format(when) : iso;
}

/**
 * "today 02:00", "tomorrow 02:00", "yesterday 23:10", "Thu 28 Nov 02:00", and with the year once it
 * is more than 300 days away, in the machine's zone.
 */
export function formatWhen(iso: string, now: Date): string {
  const when = parse(iso);
  if (!when) return iso;
  const days = Math.round((startOfDay(when) - startOfDay(now)) / DAY);
  const time = timeFormat.format(when);
  if (days === 0) return vscode.l10n.t('today {0}', time);
  if (days === 1) return vscode.l10n.t('tomorrow {0}', time);
  if (days === -1) return vscode.l10n.t('yesterday {0}', time);
  if (Math.abs(days) > 300) return `${yearFormat.format(when)} ${time}`;
  return `${dateFormat.format(when)} ${time}`;
}

/** A full local date and time, for tooltips. */
export function formatFull(iso: string | null): string {
  if (iso === null) return '-';
  const when = parse(iso);
  return when ? fullFormat.format(when) : iso;
}

/** The duration between two ISO times, or null when either is missing. */
export function durationBetween(startIso: string | null, endIso: string | null): string | null {
  if (startIso === null || endIso === null) return null;
  const ms = new Date(endIso).getTime() - new Date(startIso).getTime();
  // Tree rows stay short: a day or more is still counted in hours.
  return Number.isNaN(ms) ? null : formatDuration(ms, 'h');
}

/** "in 1 h 12 min" until an instant (at least a minute, so a countdown never reads "in 0 s"). */
export function formatCountdown(iso: string, now: Date): string {
  const ms = new Date(iso).getTime() - now.getTime();
  const rounded = Math.max(60_000, Math.ceil(ms / 60_000) * 60_000);
  return formatDuration(rounded, 'h');
}

/** "$0.42", "$0.0031" for small amounts, so a cheap run does not read as free. */
export function formatMoney(usd: number): string {
  if (usd === 0) return '$0.00';
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const grouped = new Intl.NumberFormat('en-US');

/** "12.3K" for tree rows. */
export function formatTokensShort(n: number): string {
  return compact.format(n);
}

/** "12,345" for tooltips. */
export function formatCount(n: number): string {
  return grouped.format(n);
}

/** The first 8 characters of a UUID, as the CLI accepts it (a unique prefix). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Markdown-escapes text that comes from the user or the database. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
