// Writes a migration plan into the unified database inside ONE transaction (the caller's
// NightPilotDatabase.write): prompts and jobs through their repositories, the history (runs,
// their execution processes, usage) with prepared statements, each run's whole content into its
// job's log file, and for every legacy row its provenance, so that the next migration of the same
// rows imports nothing.

import type { Statement } from 'sql.js';
import type { Tx } from '../database';
import { StorageError } from '../errors';
import { resultKey } from './importedIndex';
import type { LegacyContents } from './legacyContents';
import type { LegacyRunLogs } from './legacyRunLogs';
import { runDetail, timeOrderedUuid } from './legacyRunPlan';
import { RowBatch } from './rowBatch';
import type { MigrationPlan, PlannedJob, PlannedPrompt, PlannedUsage } from './legacyTypes';

export interface ImportCounts {
  prompts: number;
  jobs: number;
  runs: number;
  usageRecords: number;
}

export interface ImportResult {
  counts: ImportCounts;
  /** The ids the new prompts and jobs got. The plan itself is left as it was: a write may run twice. */
  promptIds: Map<PlannedPrompt, string>;
  jobIds: Map<PlannedJob, string>;
}

export interface ImportOptions {
  migrationId: string;
  backupFolder: string;
  startedAt: string;
  /** The results' contents, read as their runs are written. */
  contents: LegacyContents;
  /** The log files the whole contents go to; made durable before the transaction ends. */
  logs: LegacyRunLogs;
}

/**
 * A long string bound as its UTF-8 bytes, for a `CAST(? AS TEXT)` placeholder: sql.js encodes a
 * bound string character by character in JavaScript (seconds for 50,000 results), while bytes are
 * copied into SQLite's memory in one go. The column still holds TEXT, byte for byte the same.
 */
function longText(value: string | null): string | Buffer | null {
  return value !== null && value.length > LONG_TEXT ? Buffer.from(value, 'utf8') : value;
}
const LONG_TEXT = 64;

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Runs written per statement (with their processes and usage records). */
const ROWS_PER_STATEMENT = 32;

/** Rows imported meanwhile by another migration make the plan stale: checked inside the write. */
export class StalePlanError extends StorageError {}

function withStatement<T>(tx: Tx, sql: string, fn: (stmt: Statement) => T): T {
  const stmt = tx.sql.db.prepare(sql);
  try {
    return fn(stmt);
  } finally {
    stmt.free();
  }
}

export function importPlan(tx: Tx, plan: MigrationPlan, options: ImportOptions): ImportResult {
  const now = tx.now();
  const planTime = new Date(plan.createdAt);
  const counts: ImportCounts = { prompts: 0, jobs: 0, runs: 0, usageRecords: 0 };
  const promptIds = new Map<PlannedPrompt, string>();
  const jobIds = new Map<PlannedJob, string>();
  assertPlanCurrent(tx, plan);
  // A write may be rehearsed on a scratch database first (the CLI store): start from no files.
  options.logs.remove();
  // The migration row first: every provenance row refers to it.
  tx.sql.run(
    `INSERT INTO legacy_migrations (id, source_path, source_file_hash, backup_folder, started_at, finished_at, summary)
     VALUES (?, ?, ?, ?, ?, ?, '{}')`,
    [
      options.migrationId,
      plan.source.path,
      plan.source.fileHash,
      options.backupFolder,
      options.startedAt,
      now,
    ],
  );
  // Secondary indexes are rebuilt once at the end: building one from sorted keys costs a fraction of
  // 50,000 inserts at random places. Read from the schema itself, so they come back exactly as
  // the migrations defined them; UNIQUE and PRIMARY KEY constraints stay in force throughout.
  const indexes = tx.sql.all(
    `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
       AND tbl_name IN ('job_runs', 'job_execution_processes', 'usage_records')`,
  );
  for (const index of indexes) tx.sql.db.exec(`DROP INDEX ${quoteName(String(index.name))}`);
  const provenance = tx.sql.db.prepare(
    `INSERT INTO legacy_imports (source_table, source_id, fingerprint, migration_id, target_table, target_id)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const remember = (key: { table: string; id: string; fingerprint: string }, table: string, id: string) =>
    provenance.run([key.table, key.id, key.fingerprint, options.migrationId, table, id]);
  const failures = new Map<string, number>();
  const keys: string[] = [];
  try {
    const promptId = (prompt: PlannedPrompt): string => {
      const known = prompt.targetId ?? promptIds.get(prompt);
      if (known !== undefined) return known;
      const inserted = tx.prompts.insert({ title: prompt.title, content: prompt.content, tags: prompt.tags });
      promptIds.set(prompt, inserted.id);
      remember(prompt.key, 'prompts', inserted.id);
      counts.prompts++;
      return inserted.id;
    };
    for (const prompt of plan.prompts) if (prompt.action === 'import') promptId(prompt);

    const jobId = (job: PlannedJob): string => {
      const known = job.targetId ?? jobIds.get(job);
      if (known !== undefined) return known;
      const inserted = tx.jobs.insert({
        name: job.name,
        promptId: promptId(job.prompt!),
        cronExpression: job.cronExpression,
        timezone: job.timezone,
        status: job.status,
        jobType: job.jobType,
        priority: job.priority,
        retry: { maxAttempts: job.maxAttempts },
        nextRunTime: job.nextRunTime,
      });
      if (job.executionCount > 0 || job.lastRunTime !== null) {
        tx.jobs.update(inserted.id, { executionCount: job.executionCount, lastRunTime: job.lastRunTime });
      }
      jobIds.set(job, inserted.id);
      remember(job.key, 'jobs', inserted.id);
      counts.jobs++;
      return inserted.id;
    };
    for (const job of plan.jobs) if (job.action === 'import') jobId(job);

    const runs = new RowBatch(
      tx.sql.db,
      `INSERT INTO job_runs (id, job_id, trigger, scheduled_for, attempt, status, started_at, ended_at, owner,
         heartbeat_at, session_id, error, resume_at, cancel_requested, created_at) VALUES`,
      '(?, ?, ?, ?, 1, ?, ?, ?, NULL, NULL, ?, CAST(? AS TEXT), NULL, 0, ?)',
    );
    const processes = new RowBatch(
      tx.sql.db,
      `INSERT INTO job_execution_processes (id, run_id, job_id, process_type, status, start_time, end_time,
         exit_code, output_tail, log_file, error_message) VALUES`,
      "(?, ?, ?, 'execution', ?, ?, ?, NULL, CAST(? AS TEXT), ?, CAST(? AS TEXT))",
    );
    const usage = new RowBatch(
      tx.sql.db,
      `INSERT INTO usage_records (id, run_id, job_id, session_id, model, input_tokens, output_tokens,
         cache_creation_tokens, cache_read_tokens, cost_usd, cost_source, recorded_at) VALUES`,
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reported', ?)",
    );
    // Runs before their processes and usage: the foreign keys are checked row by row.
    const flush = () => {
      runs.flush();
      processes.flush();
      usage.flush();
    };
    const addUsage = (
      u: PlannedUsage,
      runId: string | null,
      job: string | null,
      session: string | null,
      at: string,
    ) => {
      usage.add([
        u.id,
        runId,
        job,
        session,
        u.model,
        u.inputTokens,
        u.outputTokens,
        u.cacheCreationTokens,
        u.cacheReadTokens,
        u.costUsd,
        at,
      ]);
      counts.usageRecords++;
    };
    try {
      for (const run of plan.runs) {
        // Ids are given here, not in the plan: a preview needs none (100,000 UUIDs less to make), and
        // every attempt gets its own (a write may be rehearsed first). Verify finds the run by them.
        run.runId = timeOrderedUuid(run.at);
        run.processId = timeOrderedUuid(run.at);
        const job = jobId(run.job);
        const content = options.contents.of(run.result);
        const d = runDetail(run, content, planTime);
        if (d.status === 'failed') failures.set(job, (failures.get(job) ?? 0) + 1);
        const logFile =
          content === ''
            ? null
            : options.logs.append(
                job,
                `${run.scheduledFor} · ${run.source.table} #${run.source.id} · run ${run.runId}`,
                content,
              );
        runs.add([
          run.runId,
          job,
          run.trigger,
          run.scheduledFor,
          d.status,
          d.startedAt,
          d.endedAt,
          d.sessionId,
          longText(d.error),
          run.scheduledFor,
        ]);
        processes.add([
          run.processId,
          run.runId,
          job,
          d.processStatus,
          d.startedAt,
          d.endedAt,
          longText(d.outputTail),
          logFile,
          longText(d.status === 'succeeded' ? null : d.error),
        ]);
        for (const u of d.usage) addUsage(u, run.runId, job, d.sessionId, d.endedAt);
        keys.push(resultKey(run.key.fingerprint));
        counts.runs++;
        if (runs.size === ROWS_PER_STATEMENT) flush();
      }
      for (const totals of plan.totals) {
        addUsage(totals.usage, null, null, null, totals.at);
        remember(totals.key, 'usage_records', totals.usage.id);
      }
      flush();
    } finally {
      runs.free();
      processes.free();
      usage.free();
    }
  } finally {
    provenance.free();
  }
  rememberResults(tx, keys);
  for (const index of indexes) tx.sql.db.exec(String(index.sql));
  for (const [job, failed] of failures) tx.jobs.update(job, { failureCount: failed });
  tx.sql.run('UPDATE legacy_migrations SET summary = ? WHERE id = ?', [
    JSON.stringify(counts),
    options.migrationId,
  ]);
  // The rows about to be saved name these files: they are on disk first.
  options.logs.finish();
  return { counts, promptIds, jobIds };
}

/**
 * The provenance keys of the imported results, in one statement: sorted, they are appended to the
 * key index instead of inserted at random places, and one bound blob replaces 50,000 bindings.
 */
function rememberResults(tx: Tx, keys: string[]): void {
  if (keys.length === 0) return;
  keys.sort();
  tx.sql.run(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
     INSERT OR IGNORE INTO legacy_imported_results (key) SELECT substr(?, i * 8 + 1, 8) FROM n`,
    [keys.length, Buffer.from(keys.join(''), 'hex')],
  );
}

/** Fails when a row the plan would import has been imported since the plan was made. */
function assertPlanCurrent(tx: Tx, plan: MigrationPlan): void {
  const keys = [
    ...plan.prompts.filter((p) => p.action === 'import').map((p) => p.key),
    ...plan.jobs.filter((j) => j.action === 'import').map((j) => j.key),
  ];
  const stale = (key: { table: string; id: string }) =>
    new StalePlanError(
      `${key.table} #${key.id} was imported by another migration after this preview was made; preview again`,
    );
  withStatement(
    tx,
    'SELECT 1 FROM legacy_imports WHERE source_table = ? AND source_id = ? AND fingerprint = ?',
    (stmt) => {
      for (const key of keys) {
        stmt.bind([key.table, key.id, key.fingerprint]);
        const found = stmt.step();
        stmt.reset();
        if (found) throw stale(key);
      }
    },
  );
  const first = plan.runs[0]?.key;
  if (first) {
    const found = tx.sql.get('SELECT 1 AS found FROM legacy_imported_results WHERE key = ?', [
      Buffer.from(resultKey(first.fingerprint), 'hex'),
    ]);
    if (found) throw stale(first);
  }
}
