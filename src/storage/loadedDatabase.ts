// The database as one process holds it: sql.js's database over the files' image (FileImage, or a
// plain copy when there is no file yet or sql.js stopped writing through the image), which state
// of the files that is (DatabaseFiles), and how a committed transaction goes back to them.

import fs from 'node:fs';
import type { Database, SqlJsStatic } from 'sql.js';
import { adoptDiskImage, damagedFileError } from './adoptImage';
import type { Committed } from './databaseFiles';
import { DatabaseFiles } from './databaseFiles';
import type { DiskImage } from './diskSnapshot';
import { replaceFileDurably, sameStamp } from './durableFile';
import {
  CorruptDatabaseError,
  DatabaseMissingError,
  NewerLogFormatError,
  SaveFailedError,
  StorageError,
} from './errors';
import type { FileImage } from './fileImage';
import { LATEST_SCHEMA_VERSION, PAGE_LOG_SCHEMA_VERSION } from './migrations';
import { LogDamageError, LogTooNewError, logPathOf } from './pageLog';
import type { Tx } from './repositories';
import { createTx } from './repositories';
import { errorMessage } from '../core/errorMessage';

/** Damage found in what was read (a log page whose checksum differs): the owner moves the files aside. */
export class DamageFound extends Error {}

export class LoadedDatabase {
  db!: Database;
  /** The file sql.js works on; undefined while sql.js holds a plain copy (a new file, a fallback). */
  image: FileImage | undefined;
  tx!: Tx;
  readonly files: DatabaseFiles;
  /** Changes whenever the content may have changed (a reload, a save of ours). */
  generation = 0;
  /** Whether this connection enforces foreign keys yet (see prepareToWrite). */
  private _foreignKeys = false;

  constructor(
    readonly path: string,
    private readonly _SQL: SqlJsStatic,
    holdOpen: boolean,
    lockIsOurs: () => boolean | null,
    private readonly _now: () => string,
  ) {
    this.files = new DatabaseFiles(path, holdOpen, lockIsOurs);
  }

  get logPath(): string {
    return logPathOf(this.path);
  }

  /** The files as they are now; a log that cannot be trusted is damage, a newer one is refused. */
  openFiles(): DiskImage | null {
    try {
      return this.files.open();
    } catch (err) {
      if (err instanceof LogTooNewError) throw new NewerLogFormatError(this.logPath, err.message);
      if (err instanceof LogDamageError) {
        const reason = `its page log ${this.logPath}: ${err.message}`;
        throw err.baseStamp === null
          ? new StorageError(`The database ${this.path} cannot be read: ${reason}`)
          : damagedFileError(this.path, err.baseStamp, reason);
      }
      throw err;
    }
  }

  /**
   * Makes the files' image sql.js's database if it is sound and not from a newer schema (see
   * adoptDiskImage). Returns 'current' when no migration is needed, 'older' when one is.
   */
  adopt(loaded: DiskImage): 'current' | 'older' {
    let adopted;
    try {
      adopted = adoptDiskImage(this._SQL, this.path, loaded);
    } catch (err) {
      if (err instanceof CorruptDatabaseError) this.files.disk = null;
      throw err;
    }
    this._setDb(adopted.db, adopted.image);
    this.files.disk = adopted.disk;
    return adopted.version === LATEST_SCHEMA_VERSION ? 'current' : 'older';
  }

  /** An empty database in memory, for a file that does not exist yet (saved whole, later). */
  startEmpty(): void {
    this._setDb(new this._SQL.Database(), undefined);
    this.files.disk = null;
  }

  /** Reloads when another process changed the files; returns whether it did. */
  reloadIfChanged(): boolean {
    const seen = this.files.disk;
    if (!this.files.changed()) return false;
    const loaded = this.openFiles();
    // open() created the file: it can only be missing now if something removed it.
    if (loaded === null) throw new DatabaseMissingError(this.path);
    if (
      seen?.log?.applies &&
      seen.log.state.commits > 0 &&
      !loaded.disk.log?.applies &&
      sameStamp(loaded.disk.base, seen.base)
    ) {
      // The same base without the log whose commits we read: they are gone, not folded into it.
      loaded.image.close();
      throw new DatabaseMissingError(this.path, this.logPath);
    }
    this.adopt(loaded);
    return true;
  }

  /**
   * After a failed read (see FileImage) SQLite saw zeros, so what it answered cannot be trusted:
   * the real error (a log page that is not what was committed, a failing disk), and the files are
   * read again on the next access.
   */
  assertReadable(): void {
    const damage = this.image?.damage;
    if (damage !== undefined) throw new DamageFound(damage);
    const failure = this.image?.failure;
    if (failure === undefined) return;
    this.files.disk = null;
    throw new StorageError(`Reading ${this.path} failed: ${failure.message}`);
  }

  /**
   * Saves the transaction just committed in sql.js: its pages appended to the log. Null when it
   * changed nothing; 'whole' when it was saved as a whole new file (see saveWhole).
   */
  save(): Committed | 'whole' | null {
    const image = this.image;
    if (image?.failure) {
      this.files.disk = null;
      throw new SaveFailedError(this.path, image.failure);
    }
    // No image yet (a new file), sql.js stopped writing through it (see FileImage), or a base
    // older than the page log (never read by an older Night Pilot through a log): a whole file.
    if (
      image === undefined ||
      !this._imageMatchesSqlite(image) ||
      this.files.disk === null ||
      this.files.disk.userVersion < PAGE_LOG_SCHEMA_VERSION
    ) {
      this.saveWhole();
      return 'whole';
    }
    try {
      const committed = this.files.commit(image);
      if (committed !== null) this.generation++;
      return committed;
    } catch (err) {
      throw this._saveFailure(err);
    }
  }

  /**
   * Writes the whole database as a new base file (baseFile.ts), under the lock: a new file, a
   * migration, a checkpoint, or the fallback when sql.js stopped writing through the image.
   */
  saveWhole(): void {
    const image = this.image;
    try {
      if (image !== undefined && this._imageMatchesSqlite(image)) {
        const base = this.files.replaceBase((out) => {
          image.writeTo(out);
          this.assertReadable();
        });
        if (this.files.holdOpen) image.rebase(base.fd);
        else {
          fs.closeSync(base.fd);
          image.rebaseInMemory();
        }
        this.generation++;
        return;
      }
      // export() must run outside a transaction (it would roll it back).
      const bytes = this.db.export();
      this._foreignKeys = false;
      const base = this.files.replaceBase((out) => writeAllSync(out, bytes));
      fs.closeSync(base.fd);
      this.generation++;
    } catch (err) {
      throw this._saveFailure(err);
    }
    // Work on the saved file through an image again.
    const saved = this.openFiles();
    if (saved && this.files.disk !== null && sameStamp(saved.disk.base, this.files.disk.base))
      this.adopt(saved);
    else saved?.image.close();
  }

  /** Writes exactly the state read, as one self-contained file, durably to `target` (the last-good copy). */
  writeCopy(target: string): void {
    const image = this.image;
    const bytes = image === undefined ? this.db.export() : undefined;
    if (bytes !== undefined) this._foreignKeys = false;
    try {
      const { fd } = replaceFileDurably(target, (out) => {
        if (image === undefined) writeAllSync(out, bytes!);
        else {
          image.writeTo(out);
          this.assertReadable();
        }
      });
      fs.closeSync(fd);
    } catch (err) {
      if (err instanceof StorageError || err instanceof DamageFound) throw err;
      throw new StorageError(`Cannot write the last-good copy ${target}: ${errorMessage(err)}`);
    }
  }

  close(): void {
    try {
      this.db?.close();
    } catch {
      // Already closed.
    }
    this.image?.close();
  }

  /** After a failed save the memory copy is ahead of the files: the next access reloads. */
  private _saveFailure(err: unknown): Error {
    this.files.disk = null;
    return err instanceof StorageError || err instanceof DamageFound
      ? err
      : new SaveFailedError(this.path, err);
  }

  /** Whether SQLite's idea of the file's size is still the image's: see FileImage. */
  private _imageMatchesSqlite(image: FileImage): boolean {
    const result = this.db.exec('PRAGMA page_count; PRAGMA page_size');
    const pages = Number(result[0]?.values[0]?.[0]);
    const pageSize = Number(result[1]?.values[0]?.[0]);
    return pages * pageSize === image.size && pageSize === image.pageSize;
  }

  private _setDb(db: Database, image: FileImage | undefined): void {
    if (this.db !== undefined && this.db !== db) this.db.close();
    if (this.image !== undefined && this.image !== image) this.image.close();
    this.db = db;
    this.image = image;
    this.generation++;
    this._foreignKeys = false;
    this.tx = createTx(db, this.path, this._now);
  }

  /**
   * Before anything changes the database: SQLite enforces foreign keys (and their cascades) only
   * when asked, per connection. Reads do not need it, so a cold open does not pay for SQLite's
   * pragma code; sql.js's export() reopens the connection, which forgets it.
   */
  prepareToWrite(): void {
    if (this._foreignKeys) return;
    this.db.exec('PRAGMA foreign_keys = ON');
    this._foreignKeys = true;
  }
}

function writeAllSync(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
}
