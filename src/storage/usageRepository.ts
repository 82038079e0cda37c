import crypto from 'node:crypto';
import type { CostSource, TokenCounts, UsageRecord } from '../core/model';
import type { Row, Sql } from './sql';
import { num, str, strOrNull } from './sql';

export type NewUsageRecord = Omit<UsageRecord, 'id' | 'recordedAt'> & { recordedAt?: string };

/** Token and cost sums for one model. */
export interface UsageTotals extends TokenCounts {
  model: string;
  costUsd: number;
}

// The token columns read the same in a record row and in a row of sums (see SUMS).
function toTokenCounts(r: Row): TokenCounts {
  return {
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    cacheCreationTokens: num(r.cache_creation_tokens),
    cacheReadTokens: num(r.cache_read_tokens),
  };
}

function toUsage(r: Row): UsageRecord {
  return {
    id: str(r.id),
    runId: strOrNull(r.run_id),
    jobId: strOrNull(r.job_id),
    sessionId: strOrNull(r.session_id),
    model: str(r.model),
    ...toTokenCounts(r),
    costUsd: num(r.cost_usd),
    costSource: str(r.cost_source) as CostSource,
    recordedAt: str(r.recorded_at),
  };
}

const SUMS = `model, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
  SUM(cache_creation_tokens) AS cache_creation_tokens, SUM(cache_read_tokens) AS cache_read_tokens,
  SUM(cost_usd) AS cost_usd`;

function toTotals(r: Row): UsageTotals {
  return {
    model: str(r.model),
    ...toTokenCounts(r),
    costUsd: num(r.cost_usd),
  };
}

export class UsageRepository {
  constructor(
    private readonly _sql: Sql,
    private readonly _now: () => string,
  ) {}

  insert(input: NewUsageRecord): UsageRecord {
    const id = crypto.randomUUID();
    this._sql.run(
      `INSERT INTO usage_records (id, run_id, job_id, session_id, model, input_tokens, output_tokens,
         cache_creation_tokens, cache_read_tokens, cost_usd, cost_source, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        input.runId,
        input.jobId,
        input.sessionId,
        input.model,
        input.inputTokens,
        input.outputTokens,
        input.cacheCreationTokens,
        input.cacheReadTokens,
        input.costUsd,
        input.costSource,
        input.recordedAt ?? this._now(),
      ],
    );
    return toUsage(this._sql.get('SELECT * FROM usage_records WHERE id = ?', [id])!);
  }

  listByRun(runId: string): UsageRecord[] {
    return this._sql.all('SELECT * FROM usage_records WHERE run_id = ? ORDER BY model', [runId]).map(toUsage);
  }

  /**
   * What earlier runs already recorded for a Claude session, per model. After `--resume` the CLI
   * reports the whole conversation, so a run's own usage is its report minus these.
   */
  sessionTotals(sessionId: string): UsageTotals[] {
    return this._sql
      .all(`SELECT ${SUMS} FROM usage_records WHERE session_id = ? GROUP BY model ORDER BY model`, [
        sessionId,
      ])
      .map(toTotals);
  }

  /** Per-model totals over all records and the daily roll-ups of pruned runs. */
  totals(): UsageTotals[] {
    return this._sql
      .all(
        `SELECT ${SUMS} FROM (
           SELECT model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd FROM usage_records
           UNION ALL
           SELECT model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd FROM usage_daily)
         GROUP BY model ORDER BY model`,
      )
      .map(toTotals);
  }

  /** The records of runs that still exist or were pruned before roll-ups existed, in a time range. */
  listBetween(fromIso: string, toIso: string): UsageRecord[] {
    return this._sql
      .all('SELECT * FROM usage_records WHERE recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at', [
        fromIso,
        toIso,
      ])
      .map(toUsage);
  }

  /** Daily roll-ups from `fromDay` to `toDay` (local dates, both included). */
  listDaily(fromDay: string, toDay: string): DailyUsageRow[] {
    return this._sql
      .all('SELECT * FROM usage_daily WHERE day >= ? AND day <= ? ORDER BY day, job_id, model', [
        fromDay,
        toDay,
      ])
      .map((r) => ({
        day: str(r.day),
        jobId: str(r.job_id) === '' ? null : str(r.job_id),
        jobName: str(r.job_name),
        model: str(r.model),
        ...toTokenCounts(r),
        costUsd: num(r.cost_usd),
        reportedCostUsd: num(r.reported_cost_usd),
        runs: num(r.runs),
      }));
  }

  /**
   * What was spent since an instant, over one job or all: the records since `fromIso` plus the
   * roll-ups from its local day on (a pruned run's cost is in exactly one of the two).
   */
  spendSince(fromIso: string, fromDay: string, jobId?: string): number {
    const job = jobId === undefined ? '' : ' AND job_id = ?';
    const records = this._sql.get(
      `SELECT COALESCE(SUM(cost_usd), 0) AS c FROM usage_records WHERE recorded_at >= ?${job}`,
      jobId === undefined ? [fromIso] : [fromIso, jobId],
    );
    const daily = this._sql.get(
      `SELECT COALESCE(SUM(cost_usd), 0) AS c FROM usage_daily WHERE day >= ?${job}`,
      jobId === undefined ? [fromDay] : [fromDay, jobId],
    );
    return num(records?.c) + num(daily?.c);
  }

  /**
   * Folds the usage records of these runs (and records already detached from any run) into the
   * daily roll-ups, by the local day `dayOf` gives, then deletes them. Call it in the transaction
   * that deletes the runs, before the delete.
   */
  rollUp(
    runIds: readonly string[],
    dayOf: (iso: string) => string,
    jobNames: ReadonlyMap<string, string>,
  ): number {
    const rows: Row[] = [];
    for (let i = 0; i < runIds.length; i += 500) {
      const chunk = runIds.slice(i, i + 500);
      rows.push(
        ...this._sql.all(
          `SELECT * FROM usage_records WHERE run_id IN (${chunk.map(() => '?').join(', ')})`,
          chunk,
        ),
      );
    }
    rows.push(...this._sql.all('SELECT * FROM usage_records WHERE run_id IS NULL'));
    const perRun = new Set<string>();
    for (const r of rows) {
      const u = toUsage(r);
      const jobId = u.jobId ?? '';
      const runKey = `${u.runId ?? u.id}|${dayOf(u.recordedAt)}|${jobId}|${u.model}`;
      const newRun = perRun.has(runKey) ? 0 : 1;
      perRun.add(runKey);
      this._sql.run(
        `INSERT INTO usage_daily (day, job_id, job_name, model, input_tokens, output_tokens, cache_creation_tokens,
           cache_read_tokens, cost_usd, reported_cost_usd, runs)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (day, job_id, model) DO UPDATE SET
           input_tokens = input_tokens + excluded.input_tokens,
           output_tokens = output_tokens + excluded.output_tokens,
           cache_creation_tokens = cache_creation_tokens + excluded.cache_creation_tokens,
           cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
           cost_usd = cost_usd + excluded.cost_usd,
           reported_cost_usd = reported_cost_usd + excluded.reported_cost_usd,
           runs = runs + excluded.runs,
           job_name = CASE WHEN excluded.job_name = '' THEN job_name ELSE excluded.job_name END`,
        [
          dayOf(u.recordedAt),
          jobId,
          jobNames.get(jobId) ?? '',
          u.model,
          u.inputTokens,
          u.outputTokens,
          u.cacheCreationTokens,
          u.cacheReadTokens,
          u.costUsd,
          u.costSource === 'reported' ? u.costUsd : 0,
          newRun,
        ],
      );
      this._sql.run('DELETE FROM usage_records WHERE id = ?', [u.id]);
    }
    return rows.length;
  }
}

/** One day of one job and model, as rolled up when its runs were pruned. */
export interface DailyUsageRow extends TokenCounts {
  day: string;
  /** Null when the records had lost their job already. */
  jobId: string | null;
  jobName: string;
  model: string;
  costUsd: number;
  /** The part of `costUsd` Claude Code reported (the rest was calculated). */
  reportedCostUsd: number;
  runs: number;
}
