import type { Database, SqlJsStatic } from 'sql.js';
import { imageProblem, moveAside } from './databaseImage';
import type { DiskImage, DiskState } from './diskSnapshot';
import type { FileStamp } from './durableFile';
import { sameStamp, statStamp } from './durableFile';
import { CorruptDatabaseError, NewerSchemaError, StorageError } from './errors';
import type { FileImage } from './fileImage';
import { lastGoodCopy } from './integrityCheck';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { errorMessage } from '../core/errorMessage';

/** A sound database file as sql.js's database: over its image, or over a whole copy (`image` undefined). */
export interface Adopted {
  db: Database;
  image: FileImage | undefined;
  disk: DiskState;
  version: number;
}

/**
 * The error for damage found in the database whose base file has `stamp` (in the base or in its
 * page log): both are moved aside (never written over) and a CorruptDatabaseError names the paths
 * and the last-good copy. When another process replaced the base meanwhile, the damage was in
 * what we read, not in the files: a plain, retryable StorageError.
 */
export function damagedFileError(filePath: string, stamp: FileStamp, reason: string): StorageError {
  if (sameStamp(statStamp(filePath), stamp)) {
    const { movedTo, logMovedTo } = moveAside(filePath, new Date());
    return new CorruptDatabaseError(filePath, movedTo, reason, lastGoodCopy(filePath), logMovedTo);
  }
  return new StorageError(`The database ${filePath} changed while it was being read; try again.`);
}

/**
 * Makes the file's image a sql.js database if it is sound and not from a newer schema. Damage is
 * thrown as damagedFileError, a newer schema as NewerSchemaError (the file untouched), a failing
 * read of the disk as a StorageError (the file left where it is).
 */
export function adoptDiskImage(SQL: SqlJsStatic, filePath: string, loaded: DiskImage): Adopted {
  const stamp = loaded.disk.base;
  let image: FileImage | undefined = loaded.image;
  // A copy: what read() returns is the image's scratch space, which SQLite's reads reuse.
  const header = Buffer.from(image.read(0, 100));
  let problem = imageProblem(header, image.size);
  let db: Database | undefined;
  let version = 0;
  if (problem === null) {
    try {
      db = new SQL.Database(image.sqlJsInput());
      if (!image.adopted) {
        // A sql.js that copies its input instead (see FileImage): give it the whole file.
        db.close();
        db = new SQL.Database(image.read(0, image.size).slice());
        image.close();
        image = undefined;
      }
      // Reading the schema catches a damaged first page. Damage deeper in the file is caught when
      // a query meets it (SQLite's corrupt errors) and by the idle `PRAGMA quick_check`
      // (NightPilotDatabase.quickCheck), which costs ~10 ms per MB: never on this path.
      db.exec('SELECT count(*) FROM sqlite_master');
      // `PRAGMA user_version` is the header's 4 bytes at offset 60 (the image's header: page 1 of
      // the log when it holds one). Read here, a cold open does not pay for SQLite's pragma code
      // (~10 ms of CPU in a cold process on the 2-core test machine).
      version = header.readInt32BE(60);
    } catch (err) {
      problem = `SQLite cannot read it: ${errorMessage(err)}`;
    }
  }
  const failure = image?.failure;
  // A page of the log that is not what was committed: SQLite only saw zeros, the hash says why.
  if (image?.damage !== undefined) problem = image.damage;
  if (problem !== null || db === undefined || failure !== undefined) {
    db?.close();
    image?.close();
    // A failing disk is not a damaged file: report it and leave the file where it is.
    if (failure !== undefined) throw new StorageError(`Reading ${filePath} failed: ${failure.message}`);
    throw damagedFileError(filePath, stamp, problem ?? 'unreadable');
  }
  if (version > LATEST_SCHEMA_VERSION) {
    db.close();
    image?.close();
    throw new NewerSchemaError(filePath, version, LATEST_SCHEMA_VERSION);
  }
  return { db, image, disk: loaded.disk, version };
}
