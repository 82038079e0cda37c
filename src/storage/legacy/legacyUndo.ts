// Undoing a migration: the Night Pilot database its backup folder kept from just before it is put
// back (restoreDatabaseCopy: checked, under the write lock, the replaced file kept aside), and the
// log files of the runs it imported are removed. Before that, what the undo would lose is counted
// from the database as it is now, for the confirmation the user sees.

import fs from 'node:fs';
import path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { NightPilotDatabase } from '../database';
import { copyProblem, restoreDatabaseCopy } from '../integrityCheck';
import { LegacyUndoError } from './legacyErrors';
import type { MigrationTarget } from './legacyMigration';
import type { MigrationReport } from './legacyReport';
import { errorMessage } from '../../core/errorMessage';

/** What undoing the migration of a backup folder does, and what it loses. */
export interface UndoPlan {
  backupFolder: string;
  migrationId: string;
  /** The legacy file that was migrated. */
  source: string;
  /** When the migration started: the database goes back to that moment. */
  migratedAt: string;
  /** The copy of the database from before the migration, put back. */
  databaseBackup: string;
  /** Whether the database still holds this migration (false: undone already, or restored since). */
  present: boolean;
  imported: MigrationReport['imported'];
  /** What the database holds that the copy does not (the migration's own rows aside): lost. */
  lost: {
    runs: number;
    /** Of those runs, the ones still queued, waiting or running now. */
    unfinishedRuns: number;
    /** Jobs not in the copy, other than the ones the migration imported. */
    jobs: number;
    /** Migrations made after this one. */
    laterMigrations: number;
  };
  logFiles: string[];
}

export interface UndoResult {
  restoredFrom: string;
  /** Where the replaced database is kept. */
  keptAs: string | null;
  logFilesRemoved: number;
}

const REPORT = 'report.json';

/** The ids of `tables` in the database file at `file` (read into memory, never written). */
function idsIn(SQL: SqlJsStatic, file: string, tables: readonly string[]): Map<string, Set<string>> {
  let db: Database | undefined;
  try {
    db = new SQL.Database(fs.readFileSync(file));
    const out = new Map<string, Set<string>>();
    for (const table of tables) {
      const rows = db.exec(`SELECT id FROM ${table}`)[0]?.values ?? [];
      out.set(table, new Set(rows.map((r) => String(r[0]))));
    }
    return out;
  } catch (err) {
    throw new LegacyUndoError(
      path.dirname(file),
      `its copy of the database, ${path.basename(file)}, cannot be read: ${errorMessage(err)}`,
    );
  } finally {
    db?.close();
  }
}

/** Reads the backup folder's report: the migration it describes and its copy of the database. */
function readBackup(folder: string): MigrationReport {
  const file = path.join(folder, REPORT);
  let report: Partial<MigrationReport>;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<MigrationReport>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LegacyUndoError(
      folder,
      code === 'ENOENT'
        ? `it is not the backup folder of a legacy migration (it has no ${REPORT})`
        : `its ${REPORT} cannot be read: ${errorMessage(err)}`,
    );
  }
  if (typeof report.migrationId !== 'string' || typeof report.startedAt !== 'string') {
    throw new LegacyUndoError(folder, `its ${REPORT} is not a migration report`);
  }
  return report as MigrationReport;
}

/**
 * What undoing the migration whose backup is `backupFolder` would do to the database of `target`.
 * Throws LegacyUndoError when the folder is not a migration's backup, has no copy of the
 * database, or belongs to another database.
 */
export async function planUndo(
  backupFolder: string,
  target: MigrationTarget,
  SQL: SqlJsStatic,
): Promise<UndoPlan> {
  const folder = path.resolve(backupFolder);
  const report = readBackup(folder);
  if (report.databaseBackup === null || report.databaseBackup === undefined) {
    throw new LegacyUndoError(
      folder,
      'the migration kept no copy of the database from before it (the database did not exist yet); delete the imported jobs instead',
    );
  }
  if (
    typeof report.database === 'string' &&
    path.resolve(report.database) !== path.resolve(target.databasePath)
  ) {
    throw new LegacyUndoError(
      folder,
      `it is the backup of another Night Pilot database (${report.database}), not of ${target.databasePath}`,
    );
  }
  // The copy is looked for in this folder (the folder may have been moved since), and checked
  // before anyone is asked to confirm an undo that could not be done.
  const databaseBackup = path.join(folder, path.basename(report.databaseBackup));
  const problem = fs.existsSync(databaseBackup) ? copyProblem(SQL, databaseBackup) : 'it is missing';
  if (problem !== null) {
    throw new LegacyUndoError(
      folder,
      `its copy of the database, ${path.basename(databaseBackup)}, cannot be put back: ${problem}`,
    );
  }
  const since = report.startedAt;
  // What the copy holds is not lost: rows are compared with it, not only by their times.
  const kept = idsIn(SQL, databaseBackup, ['job_runs', 'jobs', 'legacy_migrations']);
  const counts = await target.read((tx) => {
    const ids = (sql: string, params: (string | number)[]) =>
      tx.sql.all(sql, params).map((r) => String(r.id));
    const newer = (table: string, list: string[]) => list.filter((id) => !kept.get(table)!.has(id));
    const runs = newer('job_runs', ids('SELECT id FROM job_runs WHERE created_at >= ?', [since]));
    const active = new Set(
      ids(
        `SELECT id FROM job_runs WHERE created_at >= ? AND status IN ('queued', 'running', 'waiting_for_limit')`,
        [since],
      ),
    );
    return {
      present: ids('SELECT id FROM legacy_migrations WHERE id = ?', [report.migrationId]).length > 0,
      runs: runs.length,
      unfinishedRuns: runs.filter((id) => active.has(id)).length,
      jobs: newer(
        'jobs',
        ids(
          `SELECT id FROM jobs WHERE id NOT IN
             (SELECT target_id FROM legacy_imports WHERE migration_id = ? AND target_table = 'jobs')`,
          [report.migrationId],
        ),
      ).length,
      laterMigrations: newer(
        'legacy_migrations',
        ids('SELECT id FROM legacy_migrations WHERE id <> ?', [report.migrationId]),
      ).length,
    };
  });
  return {
    backupFolder: folder,
    migrationId: report.migrationId,
    source: report.source?.path ?? '',
    migratedAt: since,
    databaseBackup,
    present: counts.present,
    imported: report.imported,
    lost: {
      runs: counts.runs,
      unfinishedRuns: counts.unfinishedRuns,
      jobs: counts.jobs,
      laterMigrations: counts.laterMigrations,
    },
    logFiles: Array.isArray(report.logFiles) ? report.logFiles : [],
  };
}

/**
 * Puts the database from before the migration back (the current one kept aside, see
 * restoreDatabaseCopy) and removes the log files of the runs it imported.
 */
export async function undoMigration(
  plan: UndoPlan,
  databasePath: string,
  options: { wasmPath?: string; lockTimeoutMs?: number } = {},
): Promise<UndoResult> {
  const { keptAs } = await restoreDatabaseCopy(databasePath, plan.databaseBackup, {
    ...options,
    keepAs: 'before-undo',
    lockLabel: 'undo of a legacy migration',
    what: 'The database from before the migration',
  });
  // A copy from an older Night Pilot gets the current schema now, as any open would give it: a
  // window that reloads the file then finds the tables it expects.
  (
    await NightPilotDatabase.open(databasePath, {
      wasmPath: options.wasmPath,
      lockTimeoutMs: options.lockTimeoutMs,
    })
  ).close();
  let logFilesRemoved = 0;
  const logs = path.join(path.dirname(databasePath), 'logs');
  for (const file of plan.logFiles) {
    // Only files of Night Pilot's own log folder, whatever the report says.
    const resolved = path.resolve(file);
    if (path.relative(logs, resolved).startsWith('..') || !fs.existsSync(resolved)) continue;
    fs.rmSync(resolved, { force: true });
    logFilesRemoved++;
    try {
      fs.rmdirSync(path.dirname(resolved));
    } catch {
      // The job's folder holds other logs (or is gone): it stays as it is.
    }
  }
  return { restoredFrom: plan.databaseBackup, keptAs, logFilesRemoved };
}
