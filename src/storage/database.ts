import fs from 'node:fs';
import path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import type { DiskImage } from './databaseImage';
import { imageProblem, moveAside, openDiskImage } from './databaseImage';
import type { FileStamp } from './durableFile';
import {
  removeOrphanTempFiles,
  replaceFileDurably,
  sameStamp,
  statStamp,
  writeFileDurably,
} from './durableFile';
import { CorruptDatabaseError, NewerSchemaError, SaveFailedError, StorageError } from './errors';
import { acquireFileLock } from './fileLock';
import type { FileImage } from './fileImage';
import { JobRepository } from './jobRepository';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './migrations';
import { ProcessRepository } from './processRepository';
import { PromptRepository } from './promptRepository';
import { RunRepository } from './runRepository';
import { Sql } from './sql';
import { loadSqlJs } from './sqlJs';
import { StateRepository } from './stateRepository';
import { UsageRepository } from './usageRepository';

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

/** The repositories over one consistent state of the database. */
export interface Tx {
  readonly prompts: PromptRepository;
  readonly jobs: JobRepository;
  readonly runs: RunRepository;
  readonly processes: ProcessRepository;
  readonly usage: UsageRepository;
  readonly state: StateRepository;
  readonly sql: Sql;
  now(): string;
}

export interface Disposable {
  dispose(): void;
}

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/**
 * How often the change watcher double-checks the file in case fs.watch misses an event (network
 * folders). Each wake-up costs idle CPU; 30 s matches the scheduler's own re-arm bound.
 */
const WATCH_POLL_MS = 30_000;

/**
 * The one database file, shared by every VS Code window and CLI process. sql.js holds it in
 * memory; every write takes the inter-process lock, reloads the file if another process changed
 * it, applies the change in a transaction and replaces the file durably before releasing.
 */
export class NightPilotDatabase {
  private _db!: Database;
  /** The file sql.js works on; undefined while sql.js holds a plain copy (a new file, a fallback). */
  private _image: FileImage | undefined;
  private _tx!: Tx;
  private _stamp: FileStamp | null = null;
  private _generation = 0;
  private _writeQueue: Promise<unknown> = Promise.resolve();
  private _orphansChecked = false;
  private _closed = false;
  private readonly _listeners = new Set<() => void>();
  private readonly _writeListeners = new Set<() => void>();
  private _watcher: fs.FSWatcher | undefined;
  private _poll: NodeJS.Timeout | undefined;
  private _debounce: NodeJS.Timeout | undefined;
  /** What the change watcher last looked at, and what our own last save produced. */
  private _watchedStamp: FileStamp | null = null;
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
    this._assertOpen();
    this._reloadIfChanged();
    let result: T;
    try {
      result = fn(this._tx);
    } finally {
      this._assertReadable();
    }
    return result;
  }

  /**
   * Applies `fn` as one transaction and saves it durably, under the inter-process lock. If `fn`
   * throws, nothing is written and the error is rethrown. Writes from this process are queued.
   */
  write<T>(fn: (tx: Tx) => T): Promise<T> {
    this._assertOpen();
    const next = this._writeQueue.then(() => this._withLock(() => this._writeNow(fn)));
    this._writeQueue = next.catch(() => undefined);
    return next;
  }

  /** Calls `listener` when another process changed the file (debounced). */
  onDidChange(listener: () => void): Disposable {
    this._listeners.add(listener);
    this._startWatching();
    return {
      dispose: () => {
        this._listeners.delete(listener);
        if (this._listeners.size === 0) this._stopWatching();
      },
    };
  }

  /** Calls `listener` after each write of this instance has been saved. */
  onDidWrite(listener: () => void): Disposable {
    this._writeListeners.add(listener);
    return { dispose: () => this._writeListeners.delete(listener) };
  }

  /** Reloads now if another process changed the file; returns whether it did. */
  refresh(): boolean {
    this._assertOpen();
    return this._reloadIfChanged();
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._stopWatching();
    this._listeners.clear();
    this._writeListeners.clear();
    this._db.close();
    this._image?.close();
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

  private _assertOpen(): void {
    if (this._closed) throw new StorageError(`The database ${this.path} is closed.`);
  }

  private _now(): string {
    return (this._options.clock?.() ?? new Date()).toISOString();
  }

  private async _withLock<T>(fn: () => T): Promise<T> {
    const lock = await acquireFileLock(this.lockPath, {
      timeoutMs: this._options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      label: this._options.lockLabel ?? `night-pilot (${path.basename(process.argv[1] ?? 'node')})`,
    });
    try {
      if (!this._orphansChecked) {
        removeOrphanTempFiles(this.path);
        this._orphansChecked = true;
      }
      return fn();
    } finally {
      lock.release();
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
    try {
      const { stamp, fd } = replaceFileDurably(this.path, (out) => image.writeTo(out));
      if (this._holdFileOpen) image.rebase(fd);
      else {
        fs.closeSync(fd);
        image.rebaseInMemory();
      }
      this._savedAs(stamp);
    } catch (err) {
      // The memory copy is ahead of the file now: forget the stamp so the next access reloads.
      this._stamp = null;
      throw new SaveFailedError(this.path, err);
    }
  }

  /** Saves sql.js's own copy (`export()`), then works on the saved file through an image again. */
  private _saveExported(): void {
    // export() must run outside a transaction (it would roll it back).
    const bytes = this._db.export();
    this._applyPragmas();
    try {
      this._savedAs(writeFileDurably(this.path, bytes));
    } catch (err) {
      this._stamp = null;
      throw new SaveFailedError(this.path, err);
    }
    const saved = this._openFile();
    if (saved && sameStamp(saved.stamp, this._stamp)) this._tryAdopt(saved);
    else saved?.image.close();
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
    if (loaded === null) {
      // Deleted under us: start over empty, as open() would.
      this._setDb(new this._SQL.Database(), undefined);
      migrate(this._db);
      this._stamp = null;
      return true;
    }
    this._tryAdopt(loaded);
    return true;
  }

  /**
   * Makes the file's image sql.js's database if it is sound and not from a newer schema.
   * Returns 'current' when no migration is needed, 'older' when one is.
   */
  private _tryAdopt(loaded: DiskImage): 'current' | 'older' {
    const { stamp } = loaded;
    let image: FileImage | undefined = loaded.image;
    let problem = imageProblem(image.read(0, 100).slice(), image.size);
    let db: Database | undefined;
    if (problem === null) {
      try {
        db = new this._SQL.Database(image.sqlJsInput());
        if (!image.adopted) {
          // A sql.js that copies its input instead (see FileImage): give it the whole file.
          db.close();
          db = new this._SQL.Database(image.read(0, image.size).slice());
          image.close();
          image = undefined;
        }
        // Reading the schema catches a damaged first page. A full `PRAGMA quick_check` would
        // catch damage deeper in the file too, but costs ~10 ms per MB on every start (measured:
        // 270-390 ms at 10,000 runs), so truncation is caught from the header instead.
        db.exec('SELECT count(*) FROM sqlite_master');
      } catch (err) {
        problem = `SQLite cannot read it: ${(err as Error).message}`;
      }
    }
    const failure = image?.failure;
    if (problem !== null || db === undefined || failure !== undefined) {
      db?.close();
      image?.close();
      // A failing disk is not a damaged file: report it and leave the file where it is.
      if (failure !== undefined) throw new StorageError(`Reading ${this.path} failed: ${failure.message}`);
      // Only move the file we actually read; a writer may have replaced it meanwhile.
      if (sameStamp(statStamp(this.path), stamp)) {
        const movedTo = moveAside(this.path, new Date());
        this._stamp = null;
        throw new CorruptDatabaseError(this.path, movedTo, problem ?? 'unreadable');
      }
      throw new StorageError(`The database ${this.path} changed while it was being read; try again.`);
    }
    const version = schemaVersion(db);
    if (version > LATEST_SCHEMA_VERSION) {
      db.close();
      image?.close();
      throw new NewerSchemaError(this.path, version, LATEST_SCHEMA_VERSION);
    }
    this._setDb(db, image);
    this._stamp = stamp;
    return version === LATEST_SCHEMA_VERSION ? 'current' : 'older';
  }

  private _setDb(db: Database, image: FileImage | undefined): void {
    if (this._db !== undefined && this._db !== db) this._db.close();
    if (this._image !== undefined && this._image !== image) this._image.close();
    this._db = db;
    this._image = image;
    this._generation++;
    this._applyPragmas();
    const sql = new Sql(db);
    const now = () => this._now();
    this._tx = {
      prompts: new PromptRepository(sql, now),
      jobs: new JobRepository(sql, now),
      runs: new RunRepository(sql, now),
      processes: new ProcessRepository(sql, this.path),
      usage: new UsageRepository(sql, now),
      state: new StateRepository(sql, now),
      sql,
      now,
    };
  }

  private _applyPragmas(): void {
    this._db.exec('PRAGMA foreign_keys = ON');
  }

  private _startWatching(): void {
    if (this._watcher || this._closed) return;
    this._watchedStamp = statStamp(this.path);
    // Fires for other processes' saves only, even when a read() already loaded them.
    const check = () => {
      const current = statStamp(this.path);
      if (this._closed || sameStamp(current, this._watchedStamp)) return;
      this._watchedStamp = current;
      if (sameStamp(current, this._ownSaveStamp)) return;
      for (const listener of [...this._listeners]) listener();
    };
    const schedule = () => {
      clearTimeout(this._debounce);
      this._debounce = setTimeout(check, 50);
    };
    try {
      const name = path.basename(this.path);
      this._watcher = fs.watch(path.dirname(this.path), (_event, file) => {
        if (file === null || file === name) schedule();
      });
      this._watcher.on('error', () => this._stopWatcherOnly());
      this._watcher.unref();
    } catch {
      // Some file systems cannot be watched; the poll below still notices changes.
    }
    this._poll = setInterval(check, WATCH_POLL_MS);
    this._poll.unref();
  }

  private _stopWatcherOnly(): void {
    this._watcher?.close();
    this._watcher = undefined;
  }

  private _stopWatching(): void {
    this._stopWatcherOnly();
    clearInterval(this._poll);
    clearTimeout(this._debounce);
    this._poll = undefined;
  }
}
