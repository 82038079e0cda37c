import type { Database, SqlJsStatic } from 'sql.js';
import type { DiskImage } from './databaseImage';
import { imageProblem, moveAside } from './databaseImage';
import type { FileStamp } from './durableFile';
import { sameStamp, statStamp } from './durableFile';
import { CorruptDatabaseError, NewerSchemaError, StorageError } from './errors';
import type { FileImage } from './fileImage';
import { lastGoodCopy } from './integrityCheck';
import { LATEST_SCHEMA_VERSION, schemaVersion } from './migrations';
import { errorMessage } from '../core/errorMessage';

/** A sound database file as sql.js's database: over its image, or over a whole copy (`image` undefined). */
export interface Adopted {
  db: Database;
  image: FileImage | undefined;
  stamp: FileStamp;
  version: number;
}

/**
 * The error for damage found in the file with `stamp`: the file is moved aside (never written
 * over) and a CorruptDatabaseError names both paths and the last-good copy. When another process
 * replaced the file meanwhile, the damage was in what we read, not in the file: a plain,
 * retryable StorageError.
 */
export function damagedFileError(filePath: string, stamp: FileStamp, reason: string): StorageError {
  if (sameStamp(statStamp(filePath), stamp)) {
    const movedTo = moveAside(filePath, new Date());
    return new CorruptDatabaseError(filePath, movedTo, reason, lastGoodCopy(filePath));
  }
  return new StorageError(`The database ${filePath} changed while it was being read; try again.`);
}

/**
 * Makes the file's image a sql.js database if it is sound and not from a newer schema. Damage is
 * thrown as damagedFileError, a newer schema as NewerSchemaError (the file untouched), a failing
 * read of the disk as a StorageError (the file left where it is).
 */
export function adoptDiskImage(SQL: SqlJsStatic, filePath: string, loaded: DiskImage): Adopted {
  const { stamp } = loaded;
  let image: FileImage | undefined = loaded.image;
  let problem = imageProblem(image.read(0, 100).slice(), image.size);
  let db: Database | undefined;
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
      schemaVersion(db);
    } catch (err) {
      problem = `SQLite cannot read it: ${errorMessage(err)}`;
    }
  }
  const failure = image?.failure;
  if (problem !== null || db === undefined || failure !== undefined) {
    db?.close();
    image?.close();
    // A failing disk is not a damaged file: report it and leave the file where it is.
    if (failure !== undefined) throw new StorageError(`Reading ${filePath} failed: ${failure.message}`);
    throw damagedFileError(filePath, stamp, problem ?? 'unreadable');
  }
  const version = schemaVersion(db);
  if (version > LATEST_SCHEMA_VERSION) {
    db.close();
    image?.close();
    throw new NewerSchemaError(filePath, version, LATEST_SCHEMA_VERSION);
  }
  return { db, image, stamp, version };
}
