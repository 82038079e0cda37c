// Reads the rows of a legacy file's recognised tables into one shape per concept (prompt, job,
// result, usage total), whatever generation they come from. Values are kept as the old app wrote
// them; the mapping to Night Pilot's model happens in legacyPlan.ts.

import crypto from 'node:crypto';
import type { Database, SqlValue } from 'sql.js';
import type { DetectedTable, Generation, TableRole } from './legacySchema';
import { quoteIdent } from './legacySchema';

/** Where a row came from in the legacy file. */
export interface SourceRef {
  table: string;
  id: string;
}

export interface LegacyPrompt {
  ref: SourceRef;
  title: string;
  content: string;
  tags: string[];
  createdAt: string | null;
  fingerprint: string;
}

/** The schedule as the old app stored it, by generation. */
export type ScheduleInput =
  | { kind: 'cronText'; text: string }
  | { kind: 'scheduleB'; scheduleTime: string; cronExpr: string | null }
  | { kind: 'scheduleC'; type: string; config: string }
  | { kind: 'instant'; text: string };

export interface LegacyJob {
  ref: SourceRef;
  generation: Generation;
  name: string | null;
  /** The prompt row it uses, or the prompt text itself (scheduled_tasks carry their prompt). */
  prompt: { kind: 'ref'; ref: SourceRef } | { kind: 'text'; text: string };
  schedule: ScheduleInput;
  /** The status as written (case varies); mapped in legacyStatus.ts. */
  status: string;
  /** Night Pilot's 1 (first) to 10 scale, when the old row had a priority. */
  priority: number | null;
  maxRetries: number | null;
  lastRunAt: string | null;
  fingerprint: string;
}

export interface LegacyResult {
  ref: SourceRef;
  generation: Generation;
  jobRef: SourceRef;
  /**
   * The row's rowid. The content itself is not kept: 50,000 results would hold it in memory a
   * second time, beside the file's own copy. It is read again from there (legacyContents.ts).
   */
  rowid: number;
  /** The content starts with "error" (generation A kept no status and stored failures as "error: ..."). */
  contentSaysError: boolean;
  /** As written; generation A has none. */
  status: string | null;
  errorMessage: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** A total without a split (generation B's token_usage). */
  totalTokens: number | null;
  costUsd: number | null;
  durationMs: number | null;
  /** When the result was recorded (its end). */
  endedAt: string | null;
  /** When it started, if the row says (generation D). */
  startedAt: string | null;
  fingerprint: string;
}

export interface LegacyTotals {
  ref: SourceRef;
  generation: Generation;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  at: string | null;
  fingerprint: string;
}

export interface LegacyRows {
  prompts: LegacyPrompt[];
  jobs: LegacyJob[];
  results: LegacyResult[];
  totals: LegacyTotals[];
}

type Row = Record<string, SqlValue>;

function* rowsOf(db: Database, table: string): Generator<Row> {
  const stmt = db.prepare(`SELECT * FROM ${quoteIdent(table)} ORDER BY rowid`);
  try {
    // getAsObject asks SQLite for the column names again on every row; they do not change.
    const names = stmt.getColumnNames();
    while (stmt.step()) {
      const values = stmt.get();
      const row: Row = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i] ?? null;
      yield row;
    }
  } finally {
    stmt.free();
  }
}

const text = (v: SqlValue | undefined): string | null =>
  v === null || v === undefined
    ? null
    : v instanceof Uint8Array
      ? Buffer.from(v).toString('utf8')
      : String(v);
const number = (v: SqlValue | undefined): number | null => {
  if (v === null || v === undefined || v instanceof Uint8Array) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/**
 * A stable identity of a legacy row from the columns that never change once it is written (and,
 * for results, their content, hashed in the same pass).
 */
export function fingerprint(table: string, parts: readonly unknown[], content?: string): string {
  const identity = JSON.stringify([table, ...parts]);
  return sha256Hex(content === undefined ? identity : `${identity}\u0000${content}`).slice(0, 40);
}

// One call per row, without a Hash object to create and finalize (50,000 of them are most of a
// preview's garbage); Node before 20.12 has no crypto.hash.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** Tags were a comma-separated string or a JSON array. */
function tagsOf(raw: string | null): string[] {
  if (raw === null || raw.trim() === '') return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return parsed.map(String).filter((t) => t.trim() !== '');
  } catch {
    // Not JSON: the comma-separated form.
  }
  return raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** Generation C priorities 1..4 (Low..Critical) on Night Pilot's 1 (first) .. 10 scale. */
const PRIORITY_C: Record<number, number> = { 1: 7, 2: 5, 3: 3, 4: 1 };

function readPrompts(db: Database, t: DetectedTable, out: LegacyRows): void {
  for (const r of rowsOf(db, t.name)) {
    const id = text(r.id) ?? '';
    const createdAt = text(r.created_at);
    const title = text(r.title) ?? '';
    const content = text(r.content) ?? '';
    out.prompts.push({
      ref: { table: t.name, id },
      title,
      content,
      tags: tagsOf(text(r.tags)),
      createdAt,
      fingerprint:
        createdAt === null ? fingerprint(t.name, [id, title], content) : fingerprint(t.name, [id, createdAt]),
    });
  }
}

function readJobs(db: Database, t: DetectedTable, out: LegacyRows): void {
  for (const r of rowsOf(db, t.name)) {
    const id = text(r.id) ?? '';
    const createdAt = text(r.created_at);
    const base = {
      ref: { table: t.name, id },
      generation: t.generation!,
      status: text(r.status) ?? '',
      lastRunAt: text(r.last_run_at) ?? text(r.last_run_time),
    };
    switch (t.role) {
      case 'jobsA': {
        const cron = text(r.cron_expr) ?? '';
        out.jobs.push({
          ...base,
          name: null,
          prompt: { kind: 'ref', ref: { table: 'prompts', id: text(r.prompt_id) ?? '' } },
          schedule: { kind: 'cronText', text: cron },
          priority: null,
          maxRetries: null,
          fingerprint: fingerprint(t.name, [id, text(r.prompt_id), cron, text(r.mode)]),
        });
        break;
      }
      case 'schedulesB':
        out.jobs.push({
          ...base,
          name: null,
          prompt: { kind: 'ref', ref: { table: 'prompts', id: text(r.prompt_id) ?? '' } },
          schedule: {
            kind: 'scheduleB',
            scheduleTime: text(r.schedule_time) ?? '',
            cronExpr: text(r.cron_expr),
          },
          priority: null,
          maxRetries: null,
          fingerprint: fingerprint(t.name, [id, text(r.prompt_id), createdAt]),
        });
        break;
      case 'jobsC': {
        const priority = number(r.priority);
        out.jobs.push({
          ...base,
          name: text(r.name),
          prompt: { kind: 'ref', ref: { table: 'prompts', id: text(r.prompt_id) ?? '' } },
          schedule: {
            kind: 'scheduleC',
            type: text(r.schedule_type) ?? '',
            config: text(r.schedule_config) ?? '',
          },
          priority: priority === null ? null : (PRIORITY_C[priority] ?? null),
          maxRetries: number(r.max_retries),
          fingerprint: fingerprint(t.name, [id, text(r.prompt_id), createdAt]),
        });
        break;
      }
      case 'jobsD': {
        const priority = number(r.priority);
        out.jobs.push({
          ...base,
          name: text(r.name),
          prompt: { kind: 'ref', ref: { table: 'prompts', id: text(r.prompt_id) ?? '' } },
          schedule: { kind: 'cronText', text: text(r.cron_expression) ?? '' },
          priority: priority === null ? null : Math.min(10, Math.max(1, Math.round(priority))),
          maxRetries: null,
          fingerprint: fingerprint(t.name, [id, createdAt]),
        });
        break;
      }
      case 'scheduledTasksA':
        out.jobs.push({
          ...base,
          name: null,
          prompt: { kind: 'text', text: text(r.prompt) ?? '' },
          schedule: { kind: 'instant', text: text(r.scheduled_at) ?? '' },
          priority: null,
          maxRetries: number(r.max_retries),
          fingerprint: fingerprint(t.name, [id, createdAt]),
        });
        break;
      default:
        break;
    }
  }
}

/** The column that holds a result's content (what Claude printed), by the table's role. */
export function contentColumn(role: TableRole): string {
  return role === 'processesD' ? 'output' : 'content';
}

const ERROR_CONTENT = /^\s*error\b/i;

const JOB_TABLE_OF: Partial<Record<TableRole, string>> = {
  resultsA: 'jobs',
  executionResultsB: 'schedules',
  executionResultsC: 'jobs',
  processesD: 'unified_jobs',
};

function readResults(db: Database, t: DetectedTable, out: LegacyRows): void {
  const jobTable = JOB_TABLE_OF[t.role]!;
  const d = t.role === 'processesD';
  // The biggest table by far (50,000 rows and more): read by column index, without a row object.
  const stmt = db.prepare(`SELECT rowid AS "rowid", * FROM ${quoteIdent(t.name)} ORDER BY rowid`);
  try {
    const names = stmt.getColumnNames();
    const at = (name: string) => names.indexOf(name, 1);
    const col = {
      id: at('id'),
      job: at(t.role === 'executionResultsB' ? 'schedule_id' : 'job_id'),
      content: at(contentColumn(t.role)),
      end: at('end_time'),
      created: at('created_at'),
      status: at('status'),
      error: at('error_message'),
      input: at('input_tokens'),
      output: at('output_tokens'),
      total: at('total_tokens') >= 0 ? at('total_tokens') : at('token_usage'),
      cost: at('cost_usd'),
      duration: at('execution_time_ms'),
      start: at('start_time'),
    };
    const value = (row: SqlValue[], i: number): SqlValue | undefined => (i < 0 ? undefined : row[i]);
    while (stmt.step()) {
      const row = stmt.get();
      const id = text(value(row, col.id)) ?? '';
      const jobId = text(value(row, col.job)) ?? '';
      const content = text(value(row, col.content)) ?? '';
      const created = text(value(row, col.created));
      out.results.push({
        ref: { table: t.name, id },
        generation: t.generation!,
        jobRef: { table: jobTable, id: jobId },
        rowid: Number(row[0]),
        contentSaysError: ERROR_CONTENT.test(content),
        status: text(value(row, col.status)),
        errorMessage: text(value(row, col.error)),
        inputTokens: number(value(row, col.input)),
        outputTokens: number(value(row, col.output)),
        totalTokens: number(value(row, col.total)),
        costUsd: number(value(row, col.cost)),
        durationMs: number(value(row, col.duration)),
        endedAt: d ? (text(value(row, col.end)) ?? created) : created,
        startedAt: d ? text(value(row, col.start)) : null,
        fingerprint: fingerprint(t.name, [id, jobId, created], content),
      });
    }
  } finally {
    stmt.free();
  }
}

function readTotals(db: Database, t: DetectedTable, out: LegacyRows): void {
  for (const r of rowsOf(db, t.name)) {
    const id = text(r.id) ?? '';
    const values = [
      number(r.total_input_tokens) ?? 0,
      number(r.total_output_tokens) ?? 0,
      number(r.total_cost_usd) ?? 0,
    ] as const;
    out.totals.push({
      ref: { table: t.name, id },
      generation: t.generation!,
      inputTokens: values[0],
      outputTokens: values[1],
      costUsd: values[2],
      at: text(r.last_updated) ?? text(r.period_end) ?? text(r.created_at),
      // Running totals change as the old app works on: the values are part of the identity.
      fingerprint: fingerprint(t.name, [id, text(r.period_start), ...values]),
    });
  }
}

/** Reads every recognised table of the file. */
export function readLegacyRows(db: Database, tables: readonly DetectedTable[]): LegacyRows {
  const out: LegacyRows = { prompts: [], jobs: [], results: [], totals: [] };
  for (const t of tables) {
    switch (t.role) {
      case 'prompts':
        readPrompts(db, t, out);
        break;
      case 'jobsA':
      case 'schedulesB':
      case 'jobsC':
      case 'jobsD':
      case 'scheduledTasksA':
        readJobs(db, t, out);
        break;
      case 'resultsA':
      case 'executionResultsB':
      case 'executionResultsC':
      case 'processesD':
        readResults(db, t, out);
        break;
      case 'totalsB':
      case 'usageStatsC':
        readTotals(db, t, out);
        break;
      default:
        break;
    }
  }
  return out;
}
