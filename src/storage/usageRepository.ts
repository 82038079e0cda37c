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

  /** Per-model totals over all records, pruned runs included. */
  totals(): UsageTotals[] {
    return this._sql.all(`SELECT ${SUMS} FROM usage_records GROUP BY model ORDER BY model`).map(toTotals);
  }
}
