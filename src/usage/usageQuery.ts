// The usage reports as documents: what `night-pilot usage <report> --json` prints (daily, monthly,
// session and blocks in ccusage's shapes) and what the dashboard reads. One place turns a query
// into a report, for the CLI and the extension alike.

import type { CostMode, PriceRule } from '../core/pricing';
import type { Tx } from '../storage/database';
import type { UsageBlock } from './blocks';
import { blocksReport } from './blocks';
import type { JobUsageRow } from './jobUsage';
import { jobUsageReport } from './jobUsage';
import type { DailyRow, MonthlyRow, ProjectRow, ReportTotals, SessionRow } from './reports';
import { dailyReport, monthlyReport, projectReport, reportTotals, sessionReport } from './reports';
import type { TranscriptStore } from './transcriptStore';

/** The transcript cache's file name, in the extension's global storage or beside the CLI's database. */
export const TRANSCRIPT_CACHE_FILE = 'usage-transcripts-cache.json';

export const USAGE_REPORTS = ['daily', 'monthly', 'session', 'blocks', 'projects', 'jobs'] as const;
export type UsageReportKind = (typeof USAGE_REPORTS)[number];

export interface UsageQuery {
  mode: CostMode;
  prices: readonly PriceRule[];
  timeZone: string;
  /** Inclusive local dates `YYYY-MM-DD`. */
  since?: string;
  until?: string;
}

export type UsageDocument =
  | { daily: DailyRow[]; totals: ReportTotals }
  | { monthly: MonthlyRow[]; totals: ReportTotals }
  | { sessions: SessionRow[]; totals: ReportTotals }
  | { blocks: UsageBlock[] }
  | { projects: ProjectRow[]; totals: ReportTotals }
  | { jobs: JobUsageRow[]; totals: { runs: number; totalTokens: number; totalCost: number } };

/**
 * One report over the store's current entries (refresh the store first). `read` runs a function
 * on the database for the jobs report; without one the jobs report is empty.
 */
export function usageDocument(
  kind: UsageReportKind,
  store: TranscriptStore,
  query: UsageQuery,
  now: Date,
  read?: <T>(fn: (tx: Tx) => T) => T,
): UsageDocument {
  switch (kind) {
    case 'daily': {
      const rows = dailyReport(store.entries(), query);
      return { daily: rows, totals: reportTotals(rows) };
    }
    case 'monthly': {
      const rows = monthlyReport(store.entries(), query);
      return { monthly: rows, totals: reportTotals(rows) };
    }
    case 'session': {
      const rows = sessionReport(store.entries(), query);
      return { sessions: rows, totals: reportTotals(rows) };
    }
    case 'blocks':
      return { blocks: blocksReport(store.entries('time'), query, now) };
    case 'projects': {
      const rows = projectReport(store.entries(), query);
      return { projects: rows, totals: reportTotals(rows) };
    }
    case 'jobs': {
      const rows = read ? read((tx) => jobRows(tx, store, query)) : [];
      return {
        jobs: rows,
        totals: {
          runs: rows.reduce((n, r) => n + r.runs, 0),
          totalTokens: rows.reduce((n, r) => n + r.totalTokens, 0),
          totalCost: rows.reduce((n, r) => n + r.totalCost, 0),
        },
      };
    }
  }
}

function jobRows(tx: Tx, store: TranscriptStore, query: UsageQuery): JobUsageRow[] {
  const runs = tx.runs.list();
  return jobUsageReport({
    jobs: tx.jobs.list(),
    runs,
    records: tx.usage.listBetween('0000', '9999'),
    daily: tx.usage.listDaily(query.since ?? '0000-00-00', query.until ?? '9999-99-99'),
    entries: store.entries(),
    ...query,
  });
}
