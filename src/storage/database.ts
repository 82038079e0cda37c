import fs from 'node:fs';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { damagedFileError } from './adoptImage';
import { sqliteCorruption } from './databaseImage';
import { checkpointUrgency } from './databaseFiles';
import { removeOrphanTempFiles } from './durableFile';
import { CorruptDatabaseError, DatabaseMissingError, SaveFencedError, StorageError } from './errors';
import type { HeldLock } from './fileLock';
import { acquireFileLock } from './fileLock';
import { FileWatcher } from './fileWatcher';
import { quickCheckProblems } from './integrityCheck';
import { DamageFound, LoadedDatabase } from './loadedDatabase';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './migrations';
import { OwnerHeartbeats } from './ownerHeartbeats';
import { logPathOf } from './pageLog';
import type { Tx } from './repositories';
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
   * Read the files through open descriptors instead of reading them whole (see FileImage).
   * Default: everywhere but Windows, where an open file would block other processes' renames.
   */
  holdFileOpen?: boolean;
  /**
   * How long the page log may stay over its bound before this process folds it into the base
   * file, counted from its last write (a checkpoint waits for a quiet moment). Default 2 s.
   */
  checkpointDelayMs?: number;
}

export interface Disposable {
  dispose(): void;
}

/** What `checkpoint()` did. */
export interface CheckpointResult {
  /** Bytes of page log folded into the new base file (0: there was nothing to fold). */
  logBytes: number;
  baseBytes: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** A write whose save was fenced off (see SaveFencedError) starts over from the file this often. */
const FENCED_WRITE_ATTEMPTS = 3;
const DEFAULT_CHECKPOINT_DELAY_MS = 2_000;
/** After a checkpoint failed (a full disk), the next one waits at least this long. */
const CHECKPOINT_RETRY_MS = 60_000;

/**
 * The one database, shared by every VS Code window and CLI process: a base SQLite file and its
 * page log (pageLog.ts). sql.js works on them through a file image; every write takes the
 * inter-process lock, reloads if another process changed the files, applies the change in a
 * transaction and appends the changed pages to the log, synced, before releasing. The commit
 * checks first that the lock is still ours and the files still the ones it read. Once the log is
 * large, a checkpoint folds it into a new base file (baseFile.ts).
 *
 * Damage (SQLite's corrupt / not-a-database errors, a log page that is not what was committed,
 * whenever they come) and a file deleted under us fail the database for good: the error is thrown
 * by every later call and given to `onDidFail` listeners, and nothing is written any more.
 */
export class NightPilotDatabase {
  private readonly _loaded: LoadedDatabase;
  /** The heartbeats of the owners of running runs, files beside the database (see OwnerHeartbeats). */
  readonly heartbeats: OwnerHeartbeats;
  private _writeQueue: Promise<unknown> = Promise.resolve();
  private _closed = false;
  private _failure: StorageError | undefined;
  /** The lock while a write holds it: the save's fence checks it is still ours. */
  private _lock: HeldLock | undefined;
  private readonly _listeners = new Set<() => void>();
  private readonly _writeListeners = new Set<() => void>();
  private readonly _failListeners = new Set<(error: StorageError) => void>();
  private _watcher: FileWatcher | undefined;
  private _checkpointTimer: NodeJS.Timeout | undefined;
  private _checkpointFailedAt = -Infinity;

  private constructor(
    readonly path: string,
    SQL: SqlJsStatic,
    private readonly _options: DatabaseOptions,
  ) {
    this._loaded = new LoadedDatabase(
      path,
      SQL,
      _options.holdFileOpen ?? process.platform !== 'win32',
      () => (this._lock === undefined ? null : this._lock.verify()),
      () => (_options.clock?.() ?? new Date()).toISOString(),
    );
    this.heartbeats = new OwnerHeartbeats(path);
  }

  /**
   * Changes whenever the in-memory state may have changed (a reload or a write of ours); equal
   * generations mean identical contents. Call `refresh()` first to notice other processes.
   */
  get generation(): number {
    return this._loaded.generation;
  }

  get lockPath(): string {
    return `${this.path}.lock`;
  }

  /** The page log beside the database file (see pageLog.ts). */
  get logPath(): string {
    return logPathOf(this.path);
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
    const loaded = database._loaded;
    fs.mkdirSync(path.dirname(database.path), { recursive: true });
    const first = loaded.openFiles();
    if (first && loaded.adopt(first) === 'current') return database;
    // Creating or upgrading the file is a write: do it under the lock, from the latest bytes.
    await database._withLock(() => {
      if (loaded.files.changed()) {
        const latest = loaded.openFiles();
        if (latest === null) loaded.startEmpty();
        else loaded.adopt(latest);
      }
      // A migration (and a new file) is saved as a whole new base file, never into the log: an
      // older Night Pilot reads only the base, and must find the new version number there.
      if (schemaVersion(loaded.db) < LATEST_SCHEMA_VERSION) {
        loaded.prepareToWrite();
        migrate(loaded.db);
        loaded.saveWhole();
      }
    });
    return database;
  }

  /** Runs `fn` against the latest committed state, reloading first if the files changed. */
  read<T>(fn: (tx: Tx) => T): T {
    this._assertUsable();
    return this._guard(() => {
      this._loaded.reloadIfChanged();
      try {
        return fn(this._loaded.tx);
      } finally {
        this._loaded.assertReadable();
      }
    });
  }

  /**
   * Runs `fn` as a write transaction that is always rolled back: nothing is saved, locked or seen
   * by anyone. What it is for: making sql.js compile the SQLite code of a write before the write
   * that is timed (see scheduler/fireRehearsal.ts). `fn`'s result is returned.
   */
  rehearse<T>(fn: (tx: Tx) => T): T {
    this._assertUsable();
    return this._guard(() => {
      const loaded = this._loaded;
      loaded.reloadIfChanged();
      loaded.prepareToWrite();
      loaded.db.exec('BEGIN');
      try {
        return fn(loaded.tx);
      } finally {
        loaded.db.exec('ROLLBACK');
        loaded.assertReadable();
      }
    });
  }

  /**
   * Applies `fn` as one transaction and saves it durably, under the inter-process lock. If `fn`
   * throws, nothing is written and the error is rethrown. Writes from this process are queued.
   * `fn` must only change the database through `tx`: when the save finds that another process
   * took the lock or replaced the files meanwhile, it writes nothing and `fn` runs again on the
   * files as they now are.
   */
  write<T>(fn: (tx: Tx) => T): Promise<T> {
    this._assertUsable();
    return this._enqueue(() => this._writeFenced(fn));
  }

  /**
   * Folds the page log into a new base file now (see baseFile.ts), under the lock. Writes do this
   * by themselves once the log is large; this is for tests, benchmarks and tools.
   */
  checkpoint(): Promise<CheckpointResult> {
    this._assertUsable();
    return this._enqueue(() =>
      this._withLock(() =>
        this._guard(() => {
          this._loaded.reloadIfChanged();
          return this._checkpointNow();
        }),
      ),
    );
  }

  /** Calls `listener` when another process changed the files (debounced). */
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
   * files are watched while someone listens, and polled every 30 s).
   */
  onDidFail(listener: (error: StorageError) => void): Disposable {
    return this._subscribe(this._failListeners, listener);
  }

  /** Reloads now if another process changed the files; returns whether it did. */
  refresh(): boolean {
    this._assertUsable();
    return this._guard(() => this._loaded.reloadIfChanged());
  }

  /**
   * Runs SQLite's `PRAGMA quick_check` over the database as saved (it reads every page, of the
   * file and of the log: not for the open path). Damage fails the database like any corruption.
   * When it is sound and `copyTo` is given, exactly the state just checked is written there
   * durably, as one self-contained file: the last-good copy.
   */
  quickCheck(copyTo?: string): void {
    this._assertUsable();
    this._guard(() => {
      this._loaded.reloadIfChanged();
      const problems = quickCheckProblems(this._loaded.db);
      this._loaded.assertReadable();
      if (problems.length > 0) throw this._damaged(`PRAGMA quick_check found: ${problems.join('; ')}`);
      if (copyTo !== undefined) this._loaded.writeCopy(copyTo);
    });
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    clearTimeout(this._checkpointTimer);
    this._stopWatching();
    this._listeners.clear();
    this._writeListeners.clear();
    this._failListeners.clear();
    this._loaded.close();
  }

  private _enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this._writeQueue.then(work);
    this._writeQueue = next.catch(() => undefined);
    return next;
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

  private _assertUsable(): void {
    if (this._failure) throw this._failure;
    if (this._closed) throw new StorageError(`The database ${this.path} is closed.`);
  }

  /** Turns damage reports and a vanished file into the database's failure. */
  private _guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof DamageFound) throw this._damaged(err.message);
      if (err instanceof DatabaseMissingError || err instanceof CorruptDatabaseError) this._fail(err);
      if (err instanceof StorageError) throw err;
      const damage = sqliteCorruption(err);
      if (damage !== null) throw this._damaged(this._loaded.image?.damage ?? damage);
      throw err;
    }
  }

  /**
   * The error for damage found in the files we read: moved aside (never overwritten) and the
   * database failed, or, when another process replaced them meanwhile, a plain retryable error.
   */
  private _damaged(reason: string): StorageError {
    const stamp = this._loaded.files.disk?.base ?? null;
    this._loaded.files.disk = null;
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
    clearTimeout(this._checkpointTimer);
    this._stopWatching();
    this._loaded.close();
    for (const listener of [...this._failListeners]) {
      try {
        listener(error);
      } catch {
        // One listener's bug must not keep the others from hearing about the failure.
      }
    }
  }

  private async _withLock<T>(fn: () => T): Promise<T> {
    const lock = await acquireFileLock(this.lockPath, {
      timeoutMs: this._options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      label: this._options.lockLabel ?? `night-pilot (${path.basename(process.argv[1] ?? 'node')})`,
    });
    this._lock = lock;
    try {
      // A writer killed mid-save (or mid-lock) leaves a temp file: whoever writes next removes it.
      // One readdir of the database's folder per write, microseconds beside the fsync.
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
    const loaded = this._loaded;
    loaded.reloadIfChanged();
    loaded.prepareToWrite();
    const db = loaded.db;
    db.exec('BEGIN');
    let result: T;
    try {
      result = fn(loaded.tx);
      if (result instanceof Promise) throw new TypeError('A database write must be synchronous.');
      loaded.assertReadable();
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      // SQLite's own error (it saw zeros) would hide the real one.
      loaded.assertReadable();
      throw err;
    }
    if (loaded.save() !== null) this._afterSave();
    for (const listener of [...this._writeListeners]) {
      try {
        listener();
      } catch {
        // A listener's bug must not turn a saved write into a reported failure.
      }
    }
    return result;
  }

  /** Once the log is large: a checkpoint after a quiet moment, or at once when it is far over. */
  private _afterSave(): void {
    const { files } = this._loaded;
    const urgency = checkpointUrgency(files.logBytes, files.baseBytes);
    if (urgency === 'none' || Date.now() - this._checkpointFailedAt < CHECKPOINT_RETRY_MS) return;
    if (urgency === 'now') {
      // The commit is durable already: a checkpoint that fails (a full disk) fails nothing else.
      try {
        this._checkpointNow();
      } catch (err) {
        this._checkpointFailedAt = Date.now();
        if (err instanceof CorruptDatabaseError || err instanceof DamageFound) throw err;
      }
      return;
    }
    clearTimeout(this._checkpointTimer);
    this._checkpointTimer = setTimeout(() => {
      this.checkpoint().catch(() => {
        this._checkpointFailedAt = Date.now();
      });
    }, this._options.checkpointDelayMs ?? DEFAULT_CHECKPOINT_DELAY_MS);
    this._checkpointTimer.unref();
  }

  /** Under the lock, from the latest state: the log folded into a new base file. */
  private _checkpointNow(): CheckpointResult {
    clearTimeout(this._checkpointTimer);
    const { files } = this._loaded;
    const logBytes = files.logBytes;
    if (logBytes === 0 || files.disk?.log?.state.commits === 0)
      return { logBytes: 0, baseBytes: files.baseBytes };
    this._loaded.saveWhole();
    return { logBytes, baseBytes: files.baseBytes };
  }

  private _startWatching(): void {
    if (this._watcher || this._closed || this._failure) return;
    const { files } = this._loaded;
    this._watcher = new FileWatcher(
      this.path,
      [path.basename(this.path), path.basename(this.logPath)],
      () => files.probe(),
      (probe) => files.isOwnProbe(probe),
      (probe) => {
        if (probe === null) this._fail(new DatabaseMissingError(this.path));
        else for (const listener of [...this._listeners]) listener();
      },
    );
  }

  private _stopWatching(): void {
    this._watcher?.dispose();
    this._watcher = undefined;
  }
}
