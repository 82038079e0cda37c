import fs from 'node:fs';
import path from 'node:path';
import { localDayFormatter } from '../core/calendar';
import { defaultTimeZone } from '../core/timeZone';
import type { NightPilotDatabase, Tx } from './database';
import { ACTIVE_RUN_STATUSES } from './runRepository';
import { jobLogDirectory, runLogDirectory } from './paths';

export interface RetentionPolicy {
  /** Finished runs that ended (or were created) more than this many days ago are pruned. 0 keeps all. */
  maxAgeDays: number;
  /** Beyond this many runs per job the oldest finished ones are pruned. 0 keeps all. */
  maxRunsPerJob: number;
  /** The zone whose local days the usage of pruned runs is rolled up by. Default: this machine's. */
  timeZone?: string;
}

export interface PruneResult {
  runsDeleted: number;
  /** Usage records folded into the daily roll-ups (usage_daily) and deleted. */
  usageRolledUp?: number;
  logDirectoriesDeleted: number;
}

/**
 * Deletes old finished runs, their execution processes (cascade) and their log folders. Their
 * usage records are first folded into daily roll-ups per job and model (usage_daily) in the same
 * transaction, so totals and charts outlive the runs. Active runs are never pruned. The log
 * folders are removed only after the database change is saved.
 */
export async function pruneRuns(
  db: NightPilotDatabase,
  policy: RetentionPolicy,
  now: Date,
): Promise<PruneResult> {
  // Most checks find nothing: look first with a read, so they cost no lock and no save.
  if (db.read((tx) => findPrunable(tx, policy, now)).size === 0)
    return { runsDeleted: 0, logDirectoriesDeleted: 0 };
  const dayOf = localDayFormatter(policy.timeZone ?? defaultTimeZone());
  let usageRolledUp = 0;
  let unreferenced: string[] = [];
  const pruned = await db.write((tx) => {
    const victims = findPrunable(tx, policy, now);
    const names = new Map(tx.jobs.list().map((j) => [j.id, j.name]));
    usageRolledUp = tx.usage.rollUp([...victims.keys()], (iso) => dayOf(Date.parse(iso)), names);
    const before = sharedLogFiles(tx);
    for (const id of victims.keys()) tx.sql.run('DELETE FROM job_runs WHERE id = ?', [id]);
    const after = sharedLogFiles(tx);
    unreferenced = [...before].filter((f) => !after.has(f));
    return [...victims];
  });
  let logDirectoriesDeleted = 0;
  for (const [runId, jobId] of pruned) {
    const dir = runLogDirectory(db.path, jobId, runId);
    if (fs.existsSync(dir)) {
      fs.rmSync(dir, { recursive: true, force: true });
      logDirectoriesDeleted++;
    }
  }
  for (const key of unreferenced) {
    const [jobId, name] = key.split('\u0000') as [string, string];
    fs.rmSync(path.join(jobLogDirectory(db.path, jobId), name), { force: true });
  }
  for (const jobId of new Set(pruned.map(([, jobId]) => jobId)))
    removeIfEmpty(jobLogDirectory(db.path, jobId));
  return { runsDeleted: pruned.length, logDirectoriesDeleted, usageRolledUp };
}

/**
 * The log files that several runs of a job share, as "<job id>\0<file name>": the legacy import
 * writes one per job (`../legacy-<migration>.log` from each run's folder, see
 * legacy/legacyRunLogs.ts). Such a file goes when the last run naming it is pruned.
 */
function sharedLogFiles(tx: Tx): Set<string> {
  const rows = tx.sql.all(
    `SELECT DISTINCT job_id, log_file FROM job_execution_processes WHERE log_file LIKE '../%'`,
  );
  const files = new Set<string>();
  for (const r of rows) {
    const name = String(r.log_file).slice(3);
    // Only a plain file name inside the job's folder, never a path that leads elsewhere.
    if (name !== '' && path.basename(name) === name && name !== '..')
      files.add(`${String(r.job_id)}\u0000${name}`);
  }
  return files;
}

function removeIfEmpty(dir: string): void {
  try {
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  } catch {
    // Already gone, or in use by a run that just started: fine either way.
  }
}

/** Finished runs the policy removes: run id -> job id. */
function findPrunable(tx: Tx, policy: RetentionPolicy, now: Date): Map<string, string> {
  const active = ACTIVE_RUN_STATUSES.map((s) => `'${s}'`).join(', ');
  const victims = new Map<string, string>();
  if (policy.maxAgeDays > 0) {
    const cutoff = new Date(now.getTime() - policy.maxAgeDays * 86_400_000).toISOString();
    for (const r of tx.sql.all(
      `SELECT id, job_id FROM job_runs WHERE status NOT IN (${active}) AND COALESCE(ended_at, created_at) < ?`,
      [cutoff],
    )) {
      victims.set(String(r.id), String(r.job_id));
    }
  }
  if (policy.maxRunsPerJob > 0) {
    const rows = tx.sql.all(
      `SELECT id, job_id FROM (
         SELECT id, job_id, status,
           ROW_NUMBER() OVER (PARTITION BY job_id ORDER BY created_at DESC, scheduled_for DESC, attempt DESC) AS n
         FROM job_runs)
       WHERE n > ? AND status NOT IN (${active})`,
      [policy.maxRunsPerJob],
    );
    for (const r of rows) victims.set(String(r.id), String(r.job_id));
  }
  return victims;
}
