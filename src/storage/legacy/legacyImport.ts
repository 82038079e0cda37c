// Writes a migration plan into the unified database inside ONE transaction (the caller's
// NightPilotDatabase.write): prompts and jobs through their repositories, the history (runs,
// their execution processes, usage) with prepared statements, and for every legacy row its
// provenance, so that the next migration of the same rows imports nothing.

import type { Statement } from 'sql.js';
import type { Tx } from '../database';
import { StorageError } from '../errors';
import { runDetail } from './legacyRunPlan';
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
  /** Run id -> the log file holding the whole content (written before the transaction). */
  logFiles: ReadonlyMap<string, string>;
  startedAt: string;
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

/** SQLite's page cache during the import, in KiB (negative: a size, not a page count). */
const IMPORT_CACHE_KIB = -262144;

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
  const counts: ImportCounts = { prompts: 0, jobs: 0, runs: 0, usageRecords: 0 };
  const promptIds = new Map<PlannedPrompt, string>();
  const jobIds = new Map<PlannedJob, string>();
  assertPlanCurrent(tx, plan);
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
  // A large cache keeps SQLite from writing the same pages out again and again in a transaction
  // of 200,000 rows; the default comes back afterwards.
  const cacheSize = Number(tx.sql.db.exec('PRAGMA cache_size')[0]?.values[0]?.[0] ?? -2000);
  tx.sql.db.exec(`PRAGMA cache_size = ${IMPORT_CACHE_KIB}`);
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

    const failures = new Map<PlannedJob, number>();
    for (const run of plan.runs) {
      if (runDetail(run).status === 'failed') failures.set(run.job, (failures.get(run.job) ?? 0) + 1);
    }

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
        tx.jobs.update(inserted.id, {
          executionCount: job.executionCount,
          failureCount: failures.get(job) ?? 0,
          lastRunTime: job.lastRunTime,
        });
      }
      jobIds.set(job, inserted.id);
      remember(job.key, 'jobs', inserted.id);
      counts.jobs++;
      return inserted.id;
    };
    for (const job of plan.jobs) if (job.action === 'import') jobId(job);

    withStatement(
      tx,
      `INSERT INTO job_runs (id, job_id, trigger, scheduled_for, attempt, status, started_at, ended_at, owner,
         heartbeat_at, session_id, error, resume_at, cancel_requested, created_at)
       VALUES (?, ?, ?, ?, 1, ?, ?, ?, NULL, NULL, ?, CAST(? AS TEXT), NULL, 0, ?)`,
      (runStmt) =>
        withStatement(
          tx,
          `INSERT INTO job_execution_processes (id, run_id, job_id, process_type, status, start_time, end_time,
             exit_code, output_tail, log_file, error_message)
           VALUES (?, ?, ?, 'execution', ?, ?, ?, NULL, CAST(? AS TEXT), ?, CAST(? AS TEXT))`,
          (processStmt) =>
            withStatement(
              tx,
              `INSERT INTO usage_records (id, run_id, job_id, session_id, model, input_tokens, output_tokens,
                 cache_creation_tokens, cache_read_tokens, cost_usd, cost_source, recorded_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reported', ?)`,
              (usageStmt) => {
                const usage = (
                  u: PlannedUsage,
                  runId: string | null,
                  job: string | null,
                  session: string | null,
                  at: string,
                ) => {
                  usageStmt.run([
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
                for (const run of plan.runs) {
                  const job = jobId(run.job);
                  const d = runDetail(run);
                  runStmt.run([
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
                  processStmt.run([
                    run.processId,
                    run.runId,
                    job,
                    d.processStatus,
                    d.startedAt,
                    d.endedAt,
                    longText(d.outputTail),
                    options.logFiles.get(run.runId) ?? null,
                    longText(d.status === 'succeeded' ? null : d.error),
                  ]);
                  for (const u of d.usage) usage(u, run.runId, job, d.sessionId, d.endedAt);
                  remember(run.key, 'job_runs', run.runId);
                  counts.runs++;
                }
                for (const totals of plan.totals) {
                  usage(totals.usage, null, null, null, totals.at);
                  remember(totals.key, 'usage_records', totals.usage.id);
                }
              },
            ),
        ),
    );
  } finally {
    provenance.free();
  }
  for (const index of indexes) tx.sql.db.exec(String(index.sql));
  tx.sql.db.exec(`PRAGMA cache_size = ${cacheSize}`);
  tx.sql.run('UPDATE legacy_migrations SET summary = ? WHERE id = ?', [
    JSON.stringify(counts),
    options.migrationId,
  ]);
  return { counts, promptIds, jobIds };
}

/** Fails when a row the plan would import has been imported since the plan was made. */
function assertPlanCurrent(tx: Tx, plan: MigrationPlan): void {
  const keys = [
    ...plan.prompts.filter((p) => p.action === 'import').map((p) => p.key),
    ...plan.jobs.filter((j) => j.action === 'import').map((j) => j.key),
  ];
  const first = plan.runs[0]?.key;
  if (first) keys.push(first);
  withStatement(
    tx,
    'SELECT 1 FROM legacy_imports WHERE source_table = ? AND source_id = ? AND fingerprint = ?',
    (stmt) => {
      for (const key of keys) {
        stmt.bind([key.table, key.id, key.fingerprint]);
        const found = stmt.step();
        stmt.reset();
        if (found) {
          throw new StalePlanError(
            `${key.table} #${key.id} was imported by another migration after this preview was made; preview again`,
          );
        }
      }
    },
  );
}
