import fs from 'node:fs';
import path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { imageProblem, moveAside, readDiskImage } from './databaseImage';
import type { FileStamp } from './durableFile';
import { removeOrphanTempFiles, sameStamp, statStamp, writeFileDurably } from './durableFile';
import { CorruptDatabaseError, NewerSchemaError, SaveFailedError, StorageError } from './errors';
import { acquireFileLock } from './fileLock';
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
    const image = readDiskImage(database.path);
    if (image && database._tryAdopt(image.bytes, image.stamp) === 'current') return database;
    // Creating or upgrading the file is a write: do it under the lock, from the latest bytes.
    await database._withLock(() => {
      const latest = readDiskImage(database.path);
      if (latest === null) {
        database._setDb(new SQL.Database());
        database._stamp = null;
      } else if (!image || !sameStamp(latest.stamp, image.stamp)) {
        database._tryAdopt(latest.bytes, latest.stamp);
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
    return fn(this._tx);
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
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
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
    // export() must run outside a transaction (it would roll it back) and resets PRAGMAs.
    const bytes = this._db.export();
    this._applyPragmas();
    try {
      this._stamp = writeFileDurably(this.path, bytes);
      this._ownSaveStamp = this._stamp;
      this._generation++;
    } catch (err) {
      // The memory copy is ahead of the file now: forget the stamp so the next access reloads.
      this._stamp = null;
      throw new SaveFailedError(this.path, err);
    }
  }

  private _reloadIfChanged(): boolean {
    const current = statStamp(this.path);
    if (this._stamp !== null && sameStamp(current, this._stamp)) return false;
    const image = readDiskImage(this.path);
    if (image === null) {
      // Deleted under us: start over empty, as open() would.
      this._setDb(new this._SQL.Database());
      migrate(this._db);
      this._stamp = null;
      return true;
    }
    this._tryAdopt(image.bytes, image.stamp);
    return true;
  }

  /**
   * Makes `bytes` the in-memory database if they are sound and not from a newer schema.
   * Returns 'current' when no migration is needed, 'older' when one is.
   */
  private _tryAdopt(bytes: Uint8Array, stamp: FileStamp): 'current' | 'older' {
    let problem = imageProblem(bytes);
    let db: Database | undefined;
    if (problem === null) {
      try {
        db = new this._SQL.Database(bytes);
        // Reading the schema catches a damaged first page. A full `PRAGMA quick_check` would
        // catch damage deeper in the file too, but costs ~10 ms per MB on every start (measured:
        // 270-390 ms at 10,000 runs), so truncation is caught from the header instead.
        db.exec('SELECT count(*) FROM sqlite_master');
      } catch (err) {
        problem = `SQLite cannot read it: ${(err as Error).message}`;
      }
    }
    if (problem !== null || db === undefined) {
      db?.close();
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
      throw new NewerSchemaError(this.path, version, LATEST_SCHEMA_VERSION);
    }
    this._setDb(db);
    this._stamp = stamp;
    return version === LATEST_SCHEMA_VERSION ? 'current' : 'older';
  }

  private _setDb(db: Database): void {
    if (this._db !== undefined && this._db !== db) this._db.close();
    this._db = db;
    this._generation++;
    this._applyPragmas();
    const sql = new Sql(db);
    const now = () => this._now();
    this._tx = {
      prompts: new PromptRepository(sql, now),
      jobs: new JobRepository(sql, now),
      runs: new RunRepository(sql, now),
      processes: new ProcessRepository(sql),
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
