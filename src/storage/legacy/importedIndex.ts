// What earlier migrations already imported, read once per preview so that the plan can tell new
// rows from rows a previous run brought in: legacy_imports (migration 2) for prompts, jobs and
// running totals, with the rows they became; legacy_imported_results (a later migration, see
// ../migrations.ts) for results, a key each and nothing more.

import type { TokenCounts } from '../../core/model';
import type { Sql } from '../sql';
import { num, str } from '../sql';

export interface ImportedTarget {
  targetTable: string;
  targetId: string;
}

/**
 * The provenance key of a result: the first 8 bytes (16 hex digits) of its fingerprint, which
 * hashes its table, id, job, time and content.
 */
export function resultKey(fingerprint: string): string {
  return fingerprint.slice(0, 16);
}

export interface ImportedIndex {
  /** Where the legacy row with this identity went, when an earlier migration imported it. */
  target(table: string, id: string, fingerprint: string): ImportedTarget | undefined;
  /** Whether an earlier migration imported the result with this fingerprint. */
  hasResult(fingerprint: string): boolean;
  /** The tokens and cost earlier migrations imported for a running-total row (any of its versions). */
  previousTotals(table: string, id: string): TokenCounts & { costUsd: number };
  /** The scheduled_for of the runs a job has, so imported runs never collide with them. */
  runTimes(jobId: string): Set<string>;
}

const key = (table: string, id: string, fingerprint: string) => `${table}\u0000${id}\u0000${fingerprint}`;

/** Reads the provenance rows of the given legacy tables. */
export function readImportedIndex(sql: Sql, tables: readonly string[]): ImportedIndex {
  const map = new Map<string, ImportedTarget>();
  if (tables.length > 0) {
    const stmt = sql.db.prepare(
      `SELECT source_table, source_id, fingerprint, target_table, target_id FROM legacy_imports
       WHERE source_table IN (${tables.map(() => '?').join(', ')})`,
    );
    try {
      stmt.bind([...tables]);
      while (stmt.step()) {
        const [table, id, fp, targetTable, targetId] = stmt.get();
        map.set(key(String(table), String(id), String(fp)), {
          targetTable: String(targetTable),
          targetId: String(targetId),
        });
      }
    } finally {
      stmt.free();
    }
  }
  const results = new Set<string>();
  const keys = sql.db.prepare('SELECT lower(hex(key)) FROM legacy_imported_results');
  try {
    while (keys.step()) results.add(String(keys.get()[0]));
  } finally {
    keys.free();
  }
  return {
    target: (table, id, fingerprint) => map.get(key(table, id, fingerprint)),
    hasResult: (fingerprint) => results.has(resultKey(fingerprint)),
    previousTotals(table, id) {
      const row = sql.get(
        `SELECT SUM(u.input_tokens) AS i, SUM(u.output_tokens) AS o, SUM(u.cache_creation_tokens) AS cc,
           SUM(u.cache_read_tokens) AS cr, SUM(u.cost_usd) AS c
         FROM legacy_imports l JOIN usage_records u ON u.id = l.target_id
         WHERE l.source_table = ? AND l.source_id = ? AND l.target_table = 'usage_records'`,
        [table, id],
      );
      return {
        inputTokens: num(row?.i),
        outputTokens: num(row?.o),
        cacheCreationTokens: num(row?.cc),
        cacheReadTokens: num(row?.cr),
        costUsd: num(row?.c),
      };
    },
    runTimes(jobId) {
      return new Set(
        sql
          .all('SELECT scheduled_for FROM job_runs WHERE job_id = ?', [jobId])
          .map((r) => str(r.scheduled_for)),
      );
    },
  };
}
