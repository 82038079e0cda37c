// Database access for one CLI invocation. The rule it enforces: invalid input never creates or
// changes the database file. An existing file is safe already (a write whose callback throws
// saves nothing); a missing file would be created by opening it, so reads see an empty
// database instead, and a write is first tried on a throwaway empty database, in memory (so a
// killed CLI leaves nothing behind in the temp folder).

import fs from 'node:fs';
import type { Database } from 'sql.js';
import type { DatabaseOptions, Tx } from '../storage/database';
import { NightPilotDatabase } from '../storage/database';
import { StorageError } from '../storage/errors';
import { migrate } from '../storage/migrations';
import { createTx } from '../storage/repositories';
import { loadSqlJs } from '../storage/sqlJs';
import { CliError } from './exitCodes';
import { errorMessage } from '../core/errorMessage';

/** Opens the database lazily, at most once, and closes it at the end of the invocation. */
export class CliStore {
  private _db: NightPilotDatabase | undefined;
  private _scratch: { db: Database; tx: Tx } | undefined;

  constructor(
    readonly path: string,
    private readonly _options: DatabaseOptions,
  ) {}

  /** How the database is opened (wasm, lock timeout, clock). */
  get options(): Readonly<DatabaseOptions> {
    return this._options;
  }

  /** Whether the database file exists yet. */
  exists(): boolean {
    return fs.existsSync(this.path);
  }

  /** Runs `fn` on the latest state; a missing file reads as an empty database and stays missing. */
  async read<T>(fn: (tx: Tx) => T): Promise<T> {
    if (this._db === undefined && !this.exists()) return fn((await this._scratchDb()).tx);
    const db = await this.open();
    return guard(this.path, async () => db.read(fn));
  }

  /**
   * Runs `fn` as one transaction under the lock and saves it. `fn` must only touch `tx` (it may
   * run twice: on a missing file it is first rehearsed on an empty database, so that a failure,
   * e.g. an unknown job id, leaves no new file behind).
   */
  async write<T>(fn: (tx: Tx) => T): Promise<T> {
    if (this._db === undefined && !this.exists()) {
      const scratch = await this._scratchDb();
      scratch.db.exec('SAVEPOINT rehearsal');
      try {
        fn(scratch.tx);
      } finally {
        scratch.db.exec('ROLLBACK TO rehearsal; RELEASE rehearsal');
      }
    }
    const db = await this.open();
    return guard(this.path, () => db.write(fn));
  }

  /** The real database, created if missing: for long-lived commands such as a scheduler. */
  async open(): Promise<NightPilotDatabase> {
    if (this._db === undefined) {
      this._db = await guard(this.path, () => NightPilotDatabase.open(this.path, this._options));
    }
    return this._db;
  }

  close(): void {
    this._db?.close();
    this._db = undefined;
    this._scratch?.db.close();
    this._scratch = undefined;
  }

  private async _scratchDb(): Promise<{ db: Database; tx: Tx }> {
    if (!this._scratch) {
      const SQL = await loadSqlJs(this._options.wasmPath);
      const db = new SQL.Database();
      migrate(db);
      db.exec('PRAGMA foreign_keys = ON');
      const clock = this._options.clock;
      this._scratch = { db, tx: createTx(db, this.path, () => (clock?.() ?? new Date()).toISOString()) };
    }
    return this._scratch;
  }
}

/**
 * File-system failures while opening the database (permissions, a file where a folder should
 * be) are storage problems too: report them with the path, as StorageError.
 */
async function guard<T>(dbPath: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StorageError || err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string')
      throw new StorageError(`Cannot use the database ${dbPath}: ${errorMessage(err)}`);
    throw err;
  }
}
