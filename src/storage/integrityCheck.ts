// Damage deep inside the file (a late page overwritten) is invisible until a query reads that
// page, and later writes would build on it. So, when the scheduler is idle and at most once a day
// over every process sharing the file, SQLite's `PRAGMA quick_check` reads every page; a sound
// file is then copied, byte for byte what was checked, to `<database>.last-good`, which
// `night-pilot db restore` and the extension offer back when the database is found damaged. Putting
// a copy back (that one, or the database a legacy migration backed up) is restoreDatabaseCopy.

import fs from 'node:fs';
import path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { keepAside } from './databaseImage';
import type { FileStamp } from './durableFile';
import { replaceFileDurably, sameStamp } from './durableFile';
import { StorageError, storageErrorFor } from './errors';
import { acquireFileLock } from './fileLock';
import { LATEST_SCHEMA_VERSION, schemaVersion } from './migrations';
import { loadSqlJs } from './sqlJs';
import { errorMessage } from '../core/errorMessage';

/** How old the last-good copy may get before the next idle moment checks and refreshes it. */
export const INTEGRITY_CHECK_EVERY_MS = 24 * 3600_000;
const COPY_CHUNK = 1 << 20;

/** The verified copy kept beside the database. */
export function lastGoodPath(databasePath: string): string {
  return `${databasePath}.last-good`;
}

/** The last-good copy and when it was verified, or null when there is none. */
export function lastGoodCopy(databasePath: string): { path: string; verifiedAt: Date } | null {
  const file = lastGoodPath(databasePath);
  try {
    return { path: file, verifiedAt: fs.statSync(file).mtime };
  } catch {
    return null;
  }
}

/** Whether the daily check is due: no last-good copy, or one older than a day. */
export function integrityCheckDue(databasePath: string, now: Date): boolean {
  const copy = lastGoodCopy(databasePath);
  return copy === null || now.getTime() - copy.verifiedAt.getTime() >= INTEGRITY_CHECK_EVERY_MS;
}

/** What `PRAGMA quick_check` found wrong (at most five lines); empty when the file is sound. */
export function quickCheckProblems(db: Database): string[] {
  const result = db.exec('PRAGMA quick_check');
  const lines = result[0]?.values.map((row) => String(row[0])) ?? [];
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines.slice(0, 5);
}

/**
 * Copies `source` to `target` durably if `source` is still the file with `stamp` (the one that was
 * checked). Saves replace the file by rename, never in place, so the descriptor opened here keeps
 * reading exactly those bytes. Returns whether it copied.
 */
export function copyVerifiedFile(source: string, stamp: FileStamp, target: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(source, 'r');
  } catch {
    return false;
  }
  try {
    const s = fs.fstatSync(fd, { bigint: true });
    if (!sameStamp({ ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs }, stamp)) return false;
    const { fd: written } = replaceFileDurably(target, (out) => copyDescriptor(fd, out));
    fs.closeSync(written);
    return true;
  } catch (err) {
    throw storageErrorFor(err, `Cannot write the last-good copy ${target}`);
  } finally {
    fs.closeSync(fd);
  }
}

function copyDescriptor(from: number, to: number): void {
  const buffer = Buffer.allocUnsafe(COPY_CHUNK);
  for (let at = 0; ;) {
    const n = fs.readSync(from, buffer, 0, buffer.length, at);
    if (n === 0) return;
    let written = 0;
    while (written < n) written += fs.writeSync(to, buffer, written, n - written, at + written);
    at += n;
  }
}

export interface RestoreResult {
  /** The copy that is now the database. */
  restoredFrom: string;
  /** When that copy was last verified. */
  verifiedAt: Date;
  /** Where the database that was replaced is kept (null when there was none). */
  keptAs: string | null;
}

/**
 * Makes the last-good copy the database again, after checking it once more. The database it
 * replaces (if any) is kept aside as `<database>.before-restore-<time>`, never deleted. Runs under
 * the write lock and replaces the file by rename, so processes using it simply reload.
 */
export async function restoreLastGood(
  databasePath: string,
  options: { wasmPath?: string; lockTimeoutMs?: number } = {},
): Promise<RestoreResult> {
  const copy = lastGoodCopy(databasePath);
  if (copy === null) {
    throw new StorageError(
      `There is no last-good copy of ${databasePath} to restore (${lastGoodPath(databasePath)} does not exist). ` +
        'One is kept once the database has been checked while Night Pilot was idle.',
    );
  }
  const { keptAs } = await restoreDatabaseCopy(databasePath, copy.path, {
    ...options,
    keepAs: 'before-restore',
    lockLabel: 'night-pilot db restore',
    what: 'The last-good copy',
  });
  return { restoredFrom: copy.path, verifiedAt: copy.verifiedAt, keptAs };
}

export interface RestoreCopyOptions {
  wasmPath?: string;
  lockTimeoutMs?: number;
  /** The label of the kept file: `<database>.<keepAs>-<time>`. */
  keepAs: string;
  /** Who holds the lock meanwhile (shown to a process that waits for it). */
  lockLabel: string;
  /** The copy, as an error names it ("The last-good copy", "The database before the migration"). */
  what: string;
}

/**
 * Makes the database file at `copyPath` the database, after checking it (PRAGMA quick_check and a
 * schema this version can use): under the write lock, the current file (if any) kept aside as
 * `<database>.<keepAs>-<time>`, never deleted, and the copy written in its place by rename, so
 * every process using the database reloads it. The one way a copy is put back: the last-good copy
 * after damage, and a migration's backup when it is undone.
 */
export async function restoreDatabaseCopy(
  databasePath: string,
  copyPath: string,
  options: RestoreCopyOptions,
): Promise<{ keptAs: string | null }> {
  const problem = await checkCopy(copyPath, options.wasmPath);
  if (problem !== null) throw new StorageError(`${options.what} ${copyPath} cannot be restored: ${problem}.`);
  fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const lock = await acquireFileLock(`${databasePath}.lock`, {
    timeoutMs: options.lockTimeoutMs,
    label: options.lockLabel,
  });
  try {
    const keptAs = fs.existsSync(databasePath) ? keepAside(databasePath, new Date(), options.keepAs) : null;
    const source = fs.openSync(copyPath, 'r');
    try {
      const { fd } = replaceFileDurably(databasePath, (out) => copyDescriptor(source, out));
      fs.closeSync(fd);
    } finally {
      fs.closeSync(source);
    }
    return { keptAs };
  } catch (err) {
    throw storageErrorFor(err, `Cannot restore ${databasePath}`);
  } finally {
    lock.release();
  }
}

/** Why the file at `file` is not a sound database this version can use, or null. */
async function checkCopy(file: string, wasmPath: string | undefined): Promise<string | null> {
  return copyProblem(await loadSqlJs(wasmPath), file);
}

/**
 * Why the database file at `file` cannot be put back (PRAGMA quick_check finds damage, SQLite cannot
 * read it, or it is from a newer Night Pilot), or null when it can. Reads it; never writes it.
 */
export function copyProblem(SQL: SqlJsStatic, file: string): string | null {
  let db: Database | undefined;
  try {
    db = new SQL.Database(fs.readFileSync(file));
    const problems = quickCheckProblems(db);
    if (problems.length > 0) return `PRAGMA quick_check found: ${problems.join('; ')}`;
    const version = schemaVersion(db);
    if (version > LATEST_SCHEMA_VERSION)
      return `it has schema version ${version}, newer than this Night Pilot`;
    return null;
  } catch (err) {
    return `SQLite cannot read it: ${errorMessage(err)}`;
  } finally {
    db?.close();
  }
}
