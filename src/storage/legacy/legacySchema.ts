// Which generation of the old app's schema each table of a legacy file belongs to, decided by its
// columns (a file can hold tables of two generations, and table names repeat across them).
// See ../shared/reference/legacy-databases.md for the four generations.

import type { Database } from 'sql.js';
import { errorMessage } from '../../core/errorMessage';
import type { TableNote } from './legacyReasons';

/** What a table is for the migration. */
export type TableRole =
  | 'prompts'
  | 'jobsA'
  | 'scheduledTasksA'
  | 'schedulesB'
  | 'jobsC'
  | 'jobsD'
  | 'resultsA'
  | 'executionResultsB'
  | 'executionResultsC'
  | 'processesD'
  | 'totalsB'
  | 'usageStatsC'
  /** Known tables of the old app that hold nothing Night Pilot keeps (their rows are skipped with the reason). */
  | 'ignored'
  /** SQLite's and the old app's bookkeeping (sqlite_sequence, migrations, search-index storage). */
  | 'internal'
  | 'unknown'
  /** SQLite cannot read it here (a virtual table whose module sql.js lacks, e.g. FTS5). */
  | 'unreadable';

export type Generation = 'A' | 'B' | 'C' | 'D';

export interface DetectedTable {
  name: string;
  role: TableRole;
  /** The generation the columns match; null for internal, unknown and unreadable tables. */
  generation: Generation | null;
  columns: string[];
  /** Rows in the table; null when it cannot be counted. */
  rows: number | null;
  /** Why the table is skipped (ignored, unknown, unreadable, internal), for the preview and the report. */
  note: TableNote | null;
}

/** The roles whose rows become Night Pilot data. */
export const MIGRATED_ROLES: ReadonlySet<TableRole> = new Set<TableRole>([
  'prompts',
  'jobsA',
  'scheduledTasksA',
  'schedulesB',
  'jobsC',
  'jobsD',
  'resultsA',
  'executionResultsB',
  'executionResultsC',
  'processesD',
  'totalsB',
  'usageStatsC',
]);

interface Signature {
  table: string;
  role: TableRole;
  generation: Generation | ((columns: ColumnInfo[]) => Generation);
  required: string[];
  /** Columns whose presence means another shape of the same table name. */
  forbidden?: string[];
  note?: TableNote;
}

interface ColumnInfo {
  name: string;
  type: string;
}

const SIGNATURES: readonly Signature[] = [
  {
    table: 'prompts',
    role: 'prompts',
    required: ['id', 'title', 'content'],
    generation: (cols) =>
      cols.some((c) => c.name === 'updated_at')
        ? 'C'
        : cols.find((c) => c.name === 'created_at')?.type.toUpperCase() === 'DATETIME'
          ? 'A'
          : 'B',
  },
  {
    table: 'jobs',
    role: 'jobsA',
    generation: 'A',
    required: ['id', 'prompt_id', 'cron_expr', 'mode', 'status'],
  },
  {
    table: 'jobs',
    role: 'jobsC',
    generation: 'C',
    required: ['id', 'prompt_id', 'schedule_type', 'schedule_config', 'status'],
  },
  { table: 'results', role: 'resultsA', generation: 'A', required: ['id', 'job_id', 'content'] },
  {
    table: 'scheduled_tasks',
    role: 'scheduledTasksA',
    generation: 'A',
    required: ['id', 'prompt', 'scheduled_at', 'status'],
  },
  {
    table: 'schedules',
    role: 'schedulesB',
    generation: 'B',
    required: ['id', 'prompt_id', 'schedule_time', 'status'],
  },
  {
    table: 'execution_results',
    role: 'executionResultsB',
    generation: 'B',
    required: ['id', 'schedule_id', 'content', 'status'],
  },
  {
    table: 'execution_results',
    role: 'executionResultsC',
    generation: 'C',
    required: ['id', 'job_id', 'content', 'status'],
  },
  {
    table: 'token_usage_stats',
    role: 'totalsB',
    generation: 'B',
    required: ['id', 'total_input_tokens', 'total_output_tokens', 'total_cost_usd'],
  },
  {
    table: 'usage_stats',
    role: 'usageStatsC',
    generation: 'C',
    required: ['id', 'period_start', 'total_input_tokens', 'total_output_tokens', 'total_cost_usd'],
  },
  {
    table: 'unified_jobs',
    role: 'jobsD',
    generation: 'D',
    required: ['id', 'name', 'prompt_id', 'cron_expression', 'status'],
  },
  {
    table: 'job_execution_processes',
    role: 'processesD',
    generation: 'D',
    required: ['id', 'job_id', 'process_type', 'status'],
    // Night Pilot's own table of this name has run_id.
    forbidden: ['run_id'],
  },
  {
    table: 'usage_records',
    role: 'ignored',
    generation: 'A',
    required: ['remaining_minutes', 'total_minutes'],
    note: { key: 'minutesLeft' },
  },
  {
    table: 'execution_audits',
    role: 'ignored',
    generation: 'A',
    required: ['prompt_hash'],
    note: { key: 'auditLog' },
  },
  {
    table: 'monitoring_events',
    role: 'ignored',
    generation: 'A',
    required: [],
    note: { key: 'monitorEvents' },
  },
  {
    table: 'system_metadata',
    role: 'ignored',
    generation: 'C',
    required: ['key', 'value'],
    note: { key: 'appSettings' },
  },
  {
    table: 'job_execution_results',
    role: 'ignored',
    generation: 'D',
    required: [],
    note: { key: 'emptyUnifiedResults' },
  },
  {
    table: 'usage_tracking',
    role: 'ignored',
    generation: 'D',
    required: [],
    note: { key: 'emptyUnifiedUsage' },
  },
  {
    table: 'system_config',
    role: 'ignored',
    generation: 'D',
    required: [],
    note: { key: 'unifiedSettings' },
  },
];

const INTERNAL = /^(sqlite_|_sqlx_migrations$|__diesel|schema_migrations$|refinery_schema_history$)/;

function columnsOf(db: Database, table: string): ColumnInfo[] {
  const result = db.exec(`PRAGMA table_info(${quoteIdent(table)})`);
  const rows = result[0]?.values ?? [];
  return rows.map((r) => ({ name: String(r[1]), type: String(r[2] ?? '') }));
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function countRows(db: Database, table: string): number {
  const result = db.exec(`SELECT COUNT(*) FROM ${quoteIdent(table)}`);
  return Number(result[0]?.values[0]?.[0] ?? 0);
}

/** Classifies every table of the file. Never throws for a table it cannot read: it reports it. */
export function detectTables(db: Database): DetectedTable[] {
  const master = db.exec(`SELECT name, type, sql FROM sqlite_master WHERE type = 'table' ORDER BY name`);
  const entries = (master[0]?.values ?? []).map((r) => ({ name: String(r[0]), sql: String(r[2] ?? '') }));
  const virtualIndexes = entries
    .filter((e) => /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(e.sql))
    .map((e) => e.name);
  const out: DetectedTable[] = [];
  for (const { name, sql } of entries) {
    const virtual = /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(sql);
    let columns: ColumnInfo[];
    let rows: number | null;
    try {
      columns = columnsOf(db, name);
      rows = countRows(db, name);
    } catch (err) {
      const module = /USING\s+(\w+)/i.exec(sql)?.[1];
      out.push({
        name,
        role: 'unreadable',
        generation: null,
        columns: [],
        rows: null,
        note: { key: 'unreadable', error: errorMessage(err), module: module ?? null },
      });
      continue;
    }
    const names = new Set(columns.map((c) => c.name));
    if (INTERNAL.test(name)) {
      out.push({
        name,
        role: 'internal',
        generation: null,
        columns: [...names],
        rows,
        note: { key: 'bookkeeping' },
      });
      continue;
    }
    // The storage tables of a full-text index (prompts_fts_data, _idx, _content, _docsize, _config).
    const owner = virtualIndexes.find((v) => name !== v && name.startsWith(`${v}_`));
    if (owner !== undefined) {
      out.push({
        name,
        role: 'internal',
        generation: null,
        columns: [...names],
        rows,
        note: { key: 'searchIndexStorage', owner },
      });
      continue;
    }
    if (virtual) {
      out.push({
        name,
        role: 'internal',
        generation: null,
        columns: [...names],
        rows,
        note: { key: 'virtualTable' },
      });
      continue;
    }
    const signature = SIGNATURES.find(
      (s) =>
        s.table === name &&
        s.required.every((c) => names.has(c)) &&
        !(s.forbidden ?? []).some((c) => names.has(c)),
    );
    if (signature === undefined) {
      out.push({
        name,
        role: 'unknown',
        generation: null,
        columns: [...names],
        rows,
        note: { key: 'unknownTable', columns: [...names].join(', ') },
      });
      continue;
    }
    const generation =
      typeof signature.generation === 'function' ? signature.generation(columns) : signature.generation;
    out.push({
      name,
      role: signature.role,
      generation,
      columns: [...names],
      rows,
      note: signature.note ?? null,
    });
  }
  return out;
}

/**
 * Why a file with these tables is not a legacy Night Pilot database, or null when it is (it has
 * at least one table whose rows can be migrated).
 */
export function notLegacyReason(tables: readonly DetectedTable[]): string | null {
  const names = new Set(tables.map((t) => t.name));
  // Checked first: its prompts table has the columns of the old one.
  if (names.has('job_runs') && names.has('app_state')) {
    return "it is a Night Pilot database of this extension (it has job_runs and app_state), not one of the old desktop app's";
  }
  if (tables.some((t) => MIGRATED_ROLES.has(t.role))) return null;
  if (tables.length === 0) return 'it is an SQLite database without any table';
  const listed = tables
    .map((t) => t.name)
    .slice(0, 12)
    .join(', ');
  return `none of its tables (${listed}${tables.length > 12 ? ', ...' : ''}) is a table of the old Claude Night Pilot app`;
}
