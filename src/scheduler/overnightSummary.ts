// "Last night: 5 runs, 3 with changes to review, 1 failed": what the first VS Code window of the
// day says once. Which window is first is decided in the database (every window and CLI shares
// it), so two windows opened at once never both say it.

import { wallTime } from '../core/calendar';
import { PENDING_REVIEW_STATES } from '../core/model';
import type { Tx } from '../storage/database';

/** What happened since the last summary (at most the last 24 hours). */
export interface OvernightSummary {
  /** Runs that ended (succeeded, failed or cancelled). */
  runs: number;
  /** Of those, runs whose worktree holds changes waiting for review. */
  toReview: number;
  failed: number;
}

const DAY_KEY = 'overnight_summary_day';
const AT_KEY = 'overnight_summary_at';
const DAY_MS = 24 * 3600_000;

/**
 * Inside a write: claims today's summary (in `zone`) for the caller and returns it, or null when
 * it was already claimed today or nothing ended since the last one.
 */
export function claimOvernightSummary(tx: Tx, now: Date, zone: string): OvernightSummary | null {
  const t = wallTime(now.getTime(), zone);
  const today = `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
  if (tx.state.get(DAY_KEY) === today) return null;
  const last = Date.parse(tx.state.get(AT_KEY) ?? '');
  const since = new Date(Math.max(Number.isNaN(last) ? 0 : last, now.getTime() - DAY_MS)).toISOString();
  tx.state.set(DAY_KEY, today);
  tx.state.set(AT_KEY, now.toISOString());
  const ended = tx.runs
    .list({ statuses: ['succeeded', 'failed', 'cancelled'], endedSince: since })
    .filter((r) => r.endedAt !== null && r.endedAt <= now.toISOString());
  if (ended.length === 0) return null;
  const pending = new Set(tx.worktrees.list(PENDING_REVIEW_STATES).map((w) => w.runId));
  return {
    runs: ended.length,
    toReview: ended.filter((r) => pending.has(r.id)).length,
    failed: ended.filter((r) => r.status === 'failed').length,
  };
}
