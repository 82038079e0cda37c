import fs from 'node:fs';
import path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { adoptDiskImage, damagedFileError } from './adoptImage';
import type { DiskImage } from './databaseImage';
import { openDiskImage, sqliteCorruption } from './databaseImage';
import type { FileStamp } from './durableFile';
import {
  removeOrphanTempFiles,
  replaceFileDurably,
  sameStamp,
  statStamp,
  writeFileDurably,
} from './durableFile';
import {
  CorruptDatabaseError,
  DatabaseMissingError,
  SaveFailedError,
  SaveFencedError,
  StorageError,
} from './errors';
import type { HeldLock } from './fileLock';
import { acquireFileLock } from './fileLock';
import type { FileImage } from './fileImage';
import { FileWatcher } from './fileWatcher';
import { copyVerifiedFile, quickCheckProblems } from './integrityCheck';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './migrations';
import type { Tx } from './repositories';
import { createTx } from './repositories';
import { loadSqlJs } from './sqlJs';

export type { Tx } from './repositories';

export interface DatabaseOptions {
  /** `sql-wasm.wasm`; defaults to the copy beside the bundle or in node_modules. */
  wasmPath?: string;
  /** How long a write waits for another process's lock before failing. */
  lockTimeoutMs?: number;
  /** Who we are, shown to processes that wait for our lock. */
  lockLabel?: string;
  /** Source of `created_at`/`updated_at` times; tests inject theirs. */
  clock?: () => Date;
  /**
   * Read the file through an open descriptor instead of reading it whole (see FileImage). Default:
   * everywhere but Windows, where an open file would block other processes' rename-over saves.
   */
  holdFileOpen?: boolean;
}

export interface Disposable {
  dispose(): void;
}

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** A write whose save was fenced off (see SaveFencedError) starts over from the file this often. */
const FENCED_WRITE_ATTEMPTS = 3;

/**
 * The one database file, shared by every VS Code window and CLI process. sql.js holds it in
 * memory; every write takes the inter-process lock, reloads the file if another process changed
 * it, applies the change in a transaction and replaces the file durably before releasing. The save
 * checks, just before its rename, that the lock is still ours and the file still the one it read.
 *
 * Damage (SQLite's corrupt / not-a-database errors, whenever they come) and a file deleted under
 * us fail the database for good: the error is thrown by every later call and given to
 * `onDidFail` listeners, and nothing is written any more.
 */
export class NightPilotDatabase {
  private _db!: Database;
  /** The file sql.js works on; undefined while sql.js holds a plain copy (a new file, a fallback). */
  private _image: FileImage | undefined;
  private _tx!: Tx;
  private _stamp: FileStamp | null = null;
  private _generation = 0;
  private _writeQueue: Promise<unknown> = Promise.resolve();
  private _closed = false;
  private _failure: StorageError | undefined;
  /** The lock while a write holds it: the save's fence checks it is still ours. */
  private _lock: HeldLock | undefined;
  private readonly _listeners = new Set<() => void>();
  private readonly _writeListeners = new Set<() => void>();
  private readonly _failListeners = new Set<(error: StorageError) => void>();
  private _watcher: FileWatcher | undefined;
  /** What our own last save produced: the watcher does not report it as another process's. */
  private _ownSaveStamp: FileStamp | null = null;

  private constructor(
    readonly path: string,
    private readonly _SQL: SqlJsStatic,
    private readonly _options: DatabaseOptions,
  ) {}

  /**
   * Changes whenever the in-memory state may have changed (a reload or a write of ours); equal
   * generations mean identical contents. Call `refresh()` first to notice other processes.
   */
  get generation(): number {
    return this._generation;
  }

  get lockPath(): string {
    return `${this.path}.lock`;
  }

  /** Why the database can no longer be used (damaged, deleted), or undefined while it can. */
  get failure(): StorageError | undefined {
    return this._failure;
  }

  /**
   * Opens the database at `filePath`, creating it (and its folder) when missing and migrating an
   * older schema. A damaged file is moved aside and reported (CorruptDatabaseError); a file from
   * a newer Night Pilot is refused untouched (NewerSchemaError).
   */
  static async open(filePath: string, options: DatabaseOptions = {}): Promise<NightPilotDatabase> {
    const SQL = await loadSqlJs(options.wasmPath);
    const database = new NightPilotDatabase(path.resolve(filePath), SQL, options);
    fs.mkdirSync(path.dirname(database.path), { recursive: true });
    const first = database._openFile();
    if (first && database._tryAdopt(first) === 'current') return database;
    // Creating or upgrading the file is a write: do it under the lock, from the latest bytes.
    await database._withLock(() => {
      const latest = database._openFile();
      if (latest === null) {
        database._setDb(new SQL.Database(), undefined);
        database._stamp = null;
      } else if (!first || !sameStamp(latest.stamp, first.stamp)) {
        database._tryAdopt(latest);
      } else {
        latest.image.close();
      }
      if (schemaVersion(database._db) < LATEST_SCHEMA_VERSION) {
        migrate(database._db);
        database._save();
      }
    });
    return database;
  }

  /** Runs `fn` against the latest committed state, reloading first if the file changed. */
  read<T>(fn: (tx: Tx) => T): T {
    this._assertUsable();
    return this._guard(() => {
      this._reloadIfChanged();
      try {
        return fn(this._tx);
      } finally {
        this._assertReadable();
      }
    });
  }

  /**
   * Applies `fn` as one transaction and saves it durably, under the inter-process lock. If `fn`
   * throws, nothing is written and the error is rethrown. Writes from this process are queued.
   * `fn` must only change the database through `tx`: when the save finds that another process
   * took the lock or replaced the file meanwhile, it renames nothing and `fn` runs again on the
   * file as it now is.
   */
  write<T>(fn: (tx: Tx) => T): Promise<T> {
    this._assertUsable();
    const next = this._writeQueue.then(() => this._writeFenced(fn));
    this._writeQueue = next.catch(() => undefined);
    return next;
  }

  /** Calls `listener` when another process changed the file (debounced). */
  onDidChange(listener: () => void): Disposable {
    return this._subscribe(this._listeners, listener);
  }

  /** Calls `listener` after each write of this instance has been saved. */
  onDidWrite(listener: () => void): Disposable {
    this._writeListeners.add(listener);
    return { dispose: () => this._writeListeners.delete(listener) };
  }

  /**
   * Calls `listener` once if the database fails for good: found damaged, or deleted under us (the
   * file is watched while someone listens, and polled every 30 s).
   */
  onDidFail(listener: (error: StorageError) => void): Disposable {
    return this._subscribe(this._failListeners, listener);
  }

  /** Reloads now if another process changed the file; returns whether it did. */
  refresh(): boolean {
    this._assertUsable();
    return this._guard(() => this._reloadIfChanged());
  }

  /**
   * Runs SQLite's `PRAGMA quick_check` over the file as saved (it reads every page: not for the
   * open path). Damage fails the database like any corruption. When the file is sound and `copyTo`
   * is given, the very bytes just checked are copied there durably: the last-good copy.
   */
  quickCheck(copyTo?: string): void {
    this._assertUsable();
    this._guard(() => {
      this._reloadIfChanged();
      const problems = quickCheckProblems(this._db);
      this._assertReadable();
      if (problems.length > 0) throw this._damaged(`PRAGMA quick_check found: ${problems.join('; ')}`);
      if (copyTo !== undefined && this._stamp !== null) copyVerifiedFile(this.path, this._stamp, copyTo);
    });
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._stopWatching();
    this._listeners.clear();
    this._writeListeners.clear();
    this._failListeners.clear();
    this._releaseDb();
  }

  private _subscribe<L>(set: Set<L>, listener: L): Disposable {
    set.add(listener);
    this._startWatching();
    return {
      dispose: () => {
        set.delete(listener);
        if (this._listeners.size === 0 && this._failListeners.size === 0) this._stopWatching();
      },
    };
  }

  /**
   * After a failed read of the file (see FileImage) SQLite saw zeros, so what it answered cannot
   * be trusted: report the real error, and start over from the file on the next access.
   */
  private _assertReadable(): void {
    const failure = this._image?.failure;
    if (failure === undefined) return;
    this._stamp = null;
    throw new StorageError(`Reading ${this.path} failed: ${failure.message}`);
  }

  private _assertUsable(): void {
    if (this._failure) throw this._failure;
    if (this._closed) throw new StorageError(`The database ${this.path} is closed.`);
  }

  /** Turns SQLite's damage reports and a vanished file into the database's failure. */
  private _guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof DatabaseMissingError || err instanceof CorruptDatabaseError) this._fail(err);
      if (err instanceof StorageError) throw err;
      const damage = sqliteCorruption(err);
      if (damage !== null) throw this._damaged(damage);
      throw err;
    }
  }

  /**
   * The error for damage found in the file we read: moved aside (never overwritten) and the
   * database failed, or, when another process replaced the file meanwhile, a plain retryable error.
   */
  private _damaged(reason: string): StorageError {
    const stamp = this._stamp;
    this._stamp = null;
    const error =
      stamp === null
        ? new StorageError(`The database ${this.path} changed while it was being read; try again.`)
        : damagedFileError(this.path, stamp, reason);
    if (error instanceof CorruptDatabaseError) this._fail(error);
    return error;
  }

  private _fail(error: StorageError): void {
    if (this._failure !== undefined || this._closed) return;
    this._failure = error;
    this._stopWatching();
    this._releaseDb();
    for (const listener of [...this._failListeners]) {
      try {
        listener(error);
      } catch {
        // One listener's bug must not keep the others from hearing about the failure.
      }
    }
  }

  private _releaseDb(): void {
    try {
      this._db?.close();
    } catch {
      // Already closed.
    }
    this._image?.close();
  }

  private _now(): string {
    return (this._options.clock?.() ?? new Date()).toISOString();
  }

  private async _withLock<T>(fn: () => T): Promise<T> {
    const lock = await acquireFileLock(this.lockPath, {
      timeoutMs: this._options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      label: this._options.lockLabel ?? `night-pilot (${path.basename(process.argv[1] ?? 'node')})`,
    });
    this._lock = lock;
    try {
      // A writer killed mid-save (or mid-lock) leaves a temp file: whoever writes next removes it.
      // One readdir of the database's folder per write, microseconds beside the fsyncs.
      removeOrphanTempFiles(this.path);
      return fn();
    } finally {
      this._lock = undefined;
      lock.release();
    }
  }

  private async _writeFenced<T>(fn: (tx: Tx) => T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // Closed or failed while this write waited in the queue.
      this._assertUsable();
      try {
        return await this._withLock(() => this._guard(() => this._writeNow(fn)));
      } catch (err) {
        if (err instanceof SaveFencedError && attempt < FENCED_WRITE_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  private _writeNow<T>(fn: (tx: Tx) => T): T {
    this._reloadIfChanged();
    const db = this._db;
    db.exec('BEGIN');
    let result: T;
    try {
      result = fn(this._tx);
      if (result instanceof Promise) throw new TypeError('A database write must be synchronous.');
      this._assertReadable();
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      // SQLite's own error (it saw zeros) would hide the real one.
      this._assertReadable();
      throw err;
    }
    this._save();
    for (const listener of [...this._writeListeners]) {
      try {
        listener();
      } catch {
        // A listener's bug must not turn a saved write into a reported failure.
      }
    }
    return result;
  }

  /**
   * Just before a save's rename: the lock must still be ours (nobody took it while we were
   * frozen) and the file still the one this write read. Otherwise nothing is renamed.
   */
  private _fence(expected: FileStamp | null): void {
    if (this._lock !== undefined && !this._lock.verify()) {
      throw new SaveFencedError(
        `Another process took the database lock ${this.lockPath} while this one was paused; nothing was saved.`,
      );
    }
    if (!sameStamp(statStamp(this.path), expected)) {
      throw new SaveFencedError(
        `Another process replaced ${this.path} after this write read it; nothing was saved.`,
      );
    }
  }

  private _save(): void {
    const image = this._image;
    if (image?.failure) {
      this._stamp = null;
      throw new SaveFailedError(this.path, image.failure);
    }
    // No image yet (a new file), or sql.js stopped writing through it (see FileImage).
    if (image === undefined || !this._imageMatchesSqlite(image)) {
      this._saveExported();
      return;
    }
    // Nothing reached the file since the last save: it already holds this state.
    if (!image.changed && this._stamp !== null) return;
    const expected = this._stamp;
    try {
      const { stamp, fd } = replaceFileDurably(
        this.path,
        (out) => image.writeTo(out),
        () => this._fence(expected),
      );
      if (this._holdFileOpen) image.rebase(fd);
      else {
        fs.closeSync(fd);
        image.rebaseInMemory();
      }
      this._savedAs(stamp);
    } catch (err) {
      throw this._saveFailure(err);
    }
  }

  /** Saves sql.js's own copy (`export()`), then works on the saved file through an image again. */
  private _saveExported(): void {
    // export() must run outside a transaction (it would roll it back).
    const bytes = this._db.export();
    this._applyPragmas();
    const expected = this._stamp;
    try {
      this._savedAs(writeFileDurably(this.path, bytes, () => this._fence(expected)));
    } catch (err) {
      throw this._saveFailure(err);
    }
    const saved = this._openFile();
    if (saved && sameStamp(saved.stamp, this._stamp)) this._tryAdopt(saved);
    else saved?.image.close();
  }

  /** After a failed save the memory copy is ahead of the file: the next access reloads. */
  private _saveFailure(err: unknown): StorageError {
    this._stamp = null;
    return err instanceof StorageError ? err : new SaveFailedError(this.path, err);
  }

  private _savedAs(stamp: FileStamp): void {
    this._stamp = stamp;
    this._ownSaveStamp = stamp;
    this._generation++;
  }

  /** Whether SQLite's idea of the file's size is still the image's: see FileImage. */
  private _imageMatchesSqlite(image: FileImage): boolean {
    const result = this._db.exec('PRAGMA page_count; PRAGMA page_size');
    const pages = Number(result[0]?.values[0]?.[0]);
    const pageSize = Number(result[1]?.values[0]?.[0]);
    return pages * pageSize === image.size;
  }

  private _openFile(): DiskImage | null {
    return openDiskImage(this.path, this._holdFileOpen);
  }

  private get _holdFileOpen(): boolean {
    return this._options.holdFileOpen ?? process.platform !== 'win32';
  }

  private _reloadIfChanged(): boolean {
    const current = statStamp(this.path);
    if (this._stamp !== null && sameStamp(current, this._stamp)) return false;
    const loaded = this._openFile();
    // open() created the file: it can only be missing now if something removed it.
    if (loaded === null) throw new DatabaseMissingError(this.path);
    this._tryAdopt(loaded);
    return true;
  }

  /**
   * Makes the file's image sql.js's database if it is sound and not from a newer schema (see
   * adoptDiskImage). Returns 'current' when no migration is needed, 'older' when one is.
   */
  private _tryAdopt(loaded: DiskImage): 'current' | 'older' {
    let adopted;
    try {
      adopted = adoptDiskImage(this._SQL, this.path, loaded);
    } catch (err) {
      if (err instanceof CorruptDatabaseError) this._stamp = null;
      throw err;
    }
    this._setDb(adopted.db, adopted.image);
    this._stamp = adopted.stamp;
    return adopted.version === LATEST_SCHEMA_VERSION ? 'current' : 'older';
  }

  private _setDb(db: Database, image: FileImage | undefined): void {
    if (this._db !== undefined && this._db !== db) this._db.close();
    if (this._image !== undefined && this._image !== image) this._image.close();
    this._db = db;
    this._image = image;
    this._generation++;
    this._applyPragmas();
    this._tx = createTx(db, this.path, () => this._now());
  }

  private _applyPragmas(): void {
    this._db.exec('PRAGMA foreign_keys = ON');
  }

  private _startWatching(): void {
    if (this._watcher || this._closed || this._failure) return;
    this._watcher = new FileWatcher(
      this.path,
      (stamp) => stamp !== null && sameStamp(stamp, this._ownSaveStamp),
      (stamp) => {
        if (stamp === null) this._fail(new DatabaseMissingError(this.path));
        else for (const listener of [...this._listeners]) listener();
      },
    );
  }

  private _stopWatching(): void {
    this._watcher?.dispose();
    this._watcher = undefined;
  }
}
