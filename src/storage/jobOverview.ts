// What the Jobs view shows about each job's runs, read for every job in two queries instead of
// several queries per job: with a thousand jobs the view's root is read in one go. Also the token
// and cost sums its tooltips show.

import type { RunStatus, TokenCounts } from '../core/model';
import type { Tx } from './repositories';
import type { Row } from './sql';
import { num, str, strOrNull } from './sql';

export interface JobOverview {
  /** The job has runs recorded (its row expands to them). */
  readonly hasRuns: boolean;
  /** Jobs whose parent this job is. */
  readonly childCount: number;
  /** The latest finished run's status (succeeded, failed or cancelled), or null. */
  readonly lastOutcome: RunStatus | null;
  /** The most telling unfinished run: running, else waiting for a limit, else queued. */
  readonly activeStatus: 'running' | 'waiting_for_limit' | 'queued' | null;
  /** Why a queued run waits (a budget, smart start), when one does. */
  readonly waitReason: string | null;
  /** When the waiting or queued run may start (a limit's reset, a retry's backoff). */
  readonly resumeAt: string | null;
}

const EMPTY: JobOverview = {
  hasRuns: false,
  childCount: 0,
  lastOutcome: null,
  activeStatus: null,
  waitReason: null,
  resumeAt: null,
};

const ACTIVE_RANK: Record<string, number> = { running: 0, waiting_for_limit: 1, queued: 2 };

/**
 * The overview of every job, by job id. One pass over the jobs whose per-job parts walk the
 * (job_id, created_at) index from the newest run back (usually one row each), plus the unfinished
 * runs (few, by the status index): no scan of the whole run history.
 */
export function readJobOverviews(tx: Tx): Map<string, JobOverview> {
  const map = new Map<string, { -readonly [K in keyof JobOverview]: JobOverview[K] }>();
  for (const r of tx.sql.all(
    `SELECT j.id,
       EXISTS (SELECT 1 FROM job_runs r WHERE r.job_id = j.id) AS has_runs,
       (SELECT COUNT(*) FROM jobs c WHERE c.parent_job_id = j.id) AS children,
       (SELECT r.status FROM job_runs r WHERE r.job_id = j.id AND r.status IN ('succeeded', 'failed', 'cancelled')
          ORDER BY r.created_at DESC LIMIT 1) AS last_outcome
     FROM jobs j`,
  )) {
    const hasRuns = num(r.has_runs) === 1;
    const childCount = num(r.children);
    if (!hasRuns && childCount === 0) continue;
    map.set(str(r.id), {
      ...EMPTY,
      hasRuns,
      childCount,
      lastOutcome: strOrNull(r.last_outcome) as RunStatus | null,
    });
  }
  for (const r of tx.sql.all(
    `SELECT job_id, status, wait_reason, resume_at FROM job_runs
     WHERE status IN ('queued', 'running', 'waiting_for_limit') ORDER BY created_at`,
  )) {
    const e = map.get(str(r.job_id));
    if (!e) continue;
    const status = str(r.status) as 'running' | 'waiting_for_limit' | 'queued';
    if (e.activeStatus !== null && ACTIVE_RANK[e.activeStatus]! <= ACTIVE_RANK[status]!) continue;
    e.activeStatus = status;
    e.waitReason = strOrNull(r.wait_reason);
    e.resumeAt = strOrNull(r.resume_at);
  }
  return map;
}

export function overviewOf(map: ReadonlyMap<string, JobOverview>, jobId: string): JobOverview {
  return map.get(jobId) ?? EMPTY;
}

/** Tokens and cost of some runs or jobs: what their usage records (and roll-ups) add up to. */
export interface UsageSum extends TokenCounts {
  costUsd: number;
  /** The part of `costUsd` Claude Code reported (the rest was calculated from prices). */
  reportedCostUsd: number;
  models: string[];
}

function emptySum(): UsageSum {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    costUsd: 0,
    reportedCostUsd: 0,
    models: [],
  };
}

function add(sum: UsageSum, r: Row, reported: number): void {
  sum.inputTokens += num(r.input_tokens);
  sum.outputTokens += num(r.output_tokens);
  sum.cacheCreationTokens += num(r.cache_creation_tokens);
  sum.cacheReadTokens += num(r.cache_read_tokens);
  sum.costUsd += num(r.cost_usd);
  sum.reportedCostUsd += reported;
  const model = str(r.model);
  if (!sum.models.includes(model)) sum.models.push(model);
}

/** The usage of each of these runs, by run id (runs without records are absent). */
export function usageByRun(tx: Tx, runIds: readonly string[]): Map<string, UsageSum> {
  const out = new Map<string, UsageSum>();
  for (let i = 0; i < runIds.length; i += 500) {
    const chunk = runIds.slice(i, i + 500);
    for (const r of tx.sql.all(
      `SELECT run_id, model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd,
         cost_source FROM usage_records WHERE run_id IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    )) {
      const runId = str(r.run_id);
      let sum = out.get(runId);
      if (!sum) out.set(runId, (sum = emptySum()));
      add(sum, r, str(r.cost_source) === 'reported' ? num(r.cost_usd) : 0);
    }
  }
  return out;
}

/**
 * What a job's runs used since an instant: its usage records since `fromIso` plus the daily
 * roll-ups of pruned runs from the local day `fromDay` on (a pruned run is in exactly one).
 */
export function jobUsageSince(tx: Tx, jobId: string, fromIso: string, fromDay: string): UsageSum {
  const sum = emptySum();
  for (const r of tx.sql.all(
    `SELECT model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, cost_source
     FROM usage_records WHERE job_id = ? AND recorded_at >= ?`,
    [jobId, fromIso],
  ))
    add(sum, r, str(r.cost_source) === 'reported' ? num(r.cost_usd) : 0);
  for (const r of tx.sql.all(
    `SELECT model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, reported_cost_usd
     FROM usage_daily WHERE job_id = ? AND day >= ?`,
    [jobId, fromDay],
  ))
    add(sum, r, num(r.reported_cost_usd));
  return sum;
}
