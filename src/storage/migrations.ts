import type { Database } from 'sql.js';
import { errorMessage } from '../core/errorMessage';

/**
 * The page log (`<database>.wal`, pageLog.ts). No table changes: the version number itself is the
 * point. A Night Pilot from before the log reads only the base file; it refuses a newer schema
 * version, so it refuses this database instead of missing the commits in the log and saving over
 * them. A migration is always saved as a whole new base file (never into the log), so every base
 * that has a log carries this version or a later one.
 */
const PAGE_LOG_MIGRATION = `-- the page log: see PAGE_LOG_MIGRATION in migrations.ts
SELECT 1;`;

/**
 * Numbered schema migrations. Migration N brings `PRAGMA user_version` from N-1 to N and runs in
 * its own transaction. Never edit a released migration: add the next number.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the unified schema of DESIGN.md.
  `
  CREATE TABLE prompts (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    file_path TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    prompt_id TEXT NOT NULL REFERENCES prompts(id),
    cron_expression TEXT NOT NULL,
    timezone TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'completed', 'failed')),
    job_type TEXT NOT NULL CHECK (job_type IN ('scheduled', 'one_time', 'triggered')),
    priority INTEGER NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 10),
    parent_job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    working_directory TEXT,
    model TEXT,
    max_turns INTEGER,
    permission_mode TEXT,
    allow_bypass INTEGER NOT NULL DEFAULT 0,
    allowed_tools TEXT NOT NULL DEFAULT '[]',
    disallowed_tools TEXT NOT NULL DEFAULT '[]',
    append_system_prompt TEXT,
    timeout_seconds INTEGER,
    env TEXT NOT NULL DEFAULT '{}',
    setup_command TEXT,
    validation_command TEXT,
    cleanup_command TEXT,
    retry_max_attempts INTEGER NOT NULL DEFAULT 1,
    retry_strategy TEXT NOT NULL DEFAULT 'exponential' CHECK (retry_strategy IN ('fixed', 'linear', 'exponential')),
    retry_base_seconds REAL NOT NULL DEFAULT 60,
    retry_multiplier REAL NOT NULL DEFAULT 2,
    retry_max_delay_seconds REAL NOT NULL DEFAULT 3600,
    missed_run_policy TEXT NOT NULL DEFAULT 'run_once' CHECK (missed_run_policy IN ('skip', 'run_once', 'run_all')),
    execution_count INTEGER NOT NULL DEFAULT 0,
    failure_count INTEGER NOT NULL DEFAULT 0,
    last_run_time TEXT,
    next_run_time TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  -- The scheduler's tick asks only for the earliest due job.
  CREATE INDEX jobs_next_run ON jobs (status, next_run_time);
  CREATE INDEX jobs_parent ON jobs (parent_job_id);

  CREATE TABLE job_runs (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'retry', 'catch_up', 'parent', 'limit_resume')),
    scheduled_for TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'waiting_for_limit', 'succeeded', 'failed', 'cancelled', 'skipped')),
    started_at TEXT,
    ended_at TEXT,
    owner TEXT,
    heartbeat_at TEXT,
    session_id TEXT,
    error TEXT,
    resume_at TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    -- What makes a fire happen once when two windows or processes race for it.
    UNIQUE (job_id, scheduled_for, attempt)
  );
  CREATE INDEX job_runs_status ON job_runs (status);
  CREATE INDEX job_runs_job_time ON job_runs (job_id, created_at);

  CREATE TABLE job_execution_processes (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES job_runs(id) ON DELETE CASCADE,
    job_id TEXT NOT NULL,
    process_type TEXT NOT NULL CHECK (process_type IN ('setup', 'execution', 'validation', 'cleanup')),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    start_time TEXT,
    end_time TEXT,
    exit_code INTEGER,
    output_tail TEXT,
    log_file TEXT,
    error_message TEXT
  );
  CREATE INDEX job_execution_processes_run ON job_execution_processes (run_id);

  -- Survives run pruning: run_id and job_id are cleared, the tokens and cost stay.
  CREATE TABLE usage_records (
    id TEXT PRIMARY KEY,
    run_id TEXT REFERENCES job_runs(id) ON DELETE SET NULL,
    job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    session_id TEXT,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    cost_source TEXT NOT NULL CHECK (cost_source IN ('reported', 'calculated')),
    recorded_at TEXT NOT NULL
  );
  CREATE INDEX usage_records_run ON usage_records (run_id);
  CREATE INDEX usage_records_session ON usage_records (session_id);
  CREATE INDEX usage_records_time ON usage_records (recorded_at);

  -- Small shared state every process must agree on (quiet mode, the usage-limit hold).
  CREATE TABLE app_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // 2: where imported rows came from, so that migrating a legacy database again imports nothing
  // twice (src/storage/legacy). One row per legacy row imported; the key is the row's identity in
  // the old file (its table, id and the fingerprint of the columns that never change), not the
  // file's hash: a copy of the file, or the same file with more rows, must not import again. The
  // file (path, hash) is the migration's, in legacy_migrations: 50,000 imported rows need not
  // repeat it.
  `
  CREATE TABLE legacy_imports (
    source_table TEXT NOT NULL,
    source_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    migration_id TEXT NOT NULL REFERENCES legacy_migrations(id),
    target_table TEXT NOT NULL,
    target_id TEXT NOT NULL,
    PRIMARY KEY (source_table, source_id, fingerprint)
  ) WITHOUT ROWID;

  -- One row per migration run that wrote something: the file, its hash, the backup folder.
  CREATE TABLE legacy_migrations (
    id TEXT PRIMARY KEY,
    source_path TEXT NOT NULL,
    source_file_hash TEXT NOT NULL,
    backup_folder TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX legacy_migrations_source ON legacy_migrations (source_path);
  `,
  // 3: usage and budgets: daily roll-ups that outlive pruned runs, per-job budgets, why a run waits.
  `
  -- What retention keeps of the usage records of the runs it prunes: one row per local day, job
  -- and model. job_name is kept so a deleted job still has a name in the charts.
  CREATE TABLE usage_daily (
    day TEXT NOT NULL,
    job_id TEXT NOT NULL,
    job_name TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    reported_cost_usd REAL NOT NULL DEFAULT 0,
    runs INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, job_id, model)
  );
  CREATE INDEX usage_records_job_time ON usage_records (job_id, recorded_at);

  ALTER TABLE jobs ADD COLUMN max_budget_usd REAL;
  ALTER TABLE jobs ADD COLUMN daily_budget_usd REAL;
  ALTER TABLE jobs ADD COLUMN monthly_budget_usd REAL;

  -- Why a queued run has not started (a budget, smart start); cleared when it starts.
  ALTER TABLE job_runs ADD COLUMN wait_reason TEXT;
  `,
  // 4: the process group of each phase (pgid, its leader's start time, the host), so recovery,
  // `run cancel` and job deletion can stop a Claude that outlived its owner, and never an
  // unrelated process that reused the pid.
  `
  ALTER TABLE job_execution_processes ADD COLUMN pgid INTEGER;
  ALTER TABLE job_execution_processes ADD COLUMN pgid_start TEXT;
  ALTER TABLE job_execution_processes ADD COLUMN pgid_host TEXT;
  `,
  // 5: the permissions a job's prompt file grants (permissionMode, allowedTools, env) as the user
  // confirmed them for the job (JSON; NULL: none confirmed). A prompt file can change under the
  // user, so its grants apply only as confirmed (core/promptGrants.ts).
  `
  ALTER TABLE jobs ADD COLUMN prompt_grants TEXT;
  `,
  // 6: a smaller provenance for imported history. A legacy result needs no target (its run may be
  // pruned later) and no migration id: only "was it imported?". Its key is the first 8 bytes of
  // its fingerprint, a hash that already covers the table, the id, the job, the time and the
  // content; 50,000 results then take ~1 MB instead of ~8 MB. Prompts, jobs and running totals
  // keep their full rows in legacy_imports (the plan needs their targets).
  `
  CREATE TABLE legacy_imported_results (key BLOB PRIMARY KEY) WITHOUT ROWID;
  INSERT OR IGNORE INTO legacy_imported_results
    SELECT unhex(substr(fingerprint, 1, 16)) FROM legacy_imports WHERE target_table = 'job_runs';
  DELETE FROM legacy_imports WHERE target_table = 'job_runs';
  `,
  // The page log beside the file (see PAGE_LOG_MIGRATION above): the version number is the point.
  PAGE_LOG_MIGRATION,
  // 8: worktree isolation. A job may run each run in a git worktree and branch of its own
  // (isolation 'worktree', NULL: the prompt file decides, else 'none'), started from base_branch
  // (NULL: the repository's current branch). run_worktrees records each such run's worktree from
  // before `git worktree add` until the user merged or discarded it, so that a crash at any point
  // leaves a row that says what exists (see scheduler/worktreeRecovery.ts). No foreign key: a
  // row outlives its run (retention, a deleted job), because the worktree and branch it names do.
  `
  ALTER TABLE jobs ADD COLUMN isolation TEXT CHECK (isolation IN ('none', 'worktree'));
  ALTER TABLE jobs ADD COLUMN base_branch TEXT;

  CREATE TABLE run_worktrees (
    run_id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    job_name TEXT NOT NULL,
    repository TEXT NOT NULL,
    path TEXT NOT NULL,
    subfolder TEXT NOT NULL DEFAULT '',
    branch TEXT NOT NULL,
    base_branch TEXT NOT NULL,
    base_commit TEXT NOT NULL,
    head_commit TEXT,
    commit_count INTEGER,
    files_changed INTEGER,
    insertions INTEGER,
    deletions INTEGER,
    state TEXT NOT NULL CHECK (state IN ('creating', 'active', 'finishing', 'review', 'no_changes', 'merged', 'discarded', 'failed')),
    detail TEXT,
    owner TEXT,
    pgid INTEGER,
    pgid_start TEXT,
    pgid_host TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX run_worktrees_job ON run_worktrees (job_id);
  -- The To Review list and the recovery sweep ask by state.
  CREATE INDEX run_worktrees_state ON run_worktrees (state, created_at);
  `,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * The first schema version whose base file may have a page log over it (whatever number the
 * migration ends up with when other migrations are added before it).
 */
export const PAGE_LOG_SCHEMA_VERSION = MIGRATIONS.indexOf(PAGE_LOG_MIGRATION) + 1;

export function schemaVersion(db: Database): number {
  const result = db.exec('PRAGMA user_version');
  return Number(result[0]?.values[0]?.[0] ?? 0);
}

/** Applies every migration above the file's version, each in its own transaction. */
export function migrate(db: Database): number {
  let version = schemaVersion(db);
  while (version < LATEST_SCHEMA_VERSION) {
    const sql = MIGRATIONS[version]!;
    db.exec('BEGIN');
    try {
      db.exec(sql);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw new Error(`Schema migration ${version + 1} failed: ${errorMessage(err)}`);
    }
    version += 1;
  }
  return version;
}
