// Database access for one CLI invocation. The rule it enforces: invalid input never creates or
// changes the database file. An existing file is safe already (a write whose callback throws
// saves nothing); a missing file would be created by opening it, so reads see an empty
// database instead, and a write is first tried on a throwaway empty database.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseOptions, Tx } from '../storage/database';
import { NightPilotDatabase } from '../storage/database';
import { StorageError } from '../storage/errors';
import { CliError } from './exitCodes';

/** Opens the database lazily, at most once, and closes it at the end of the invocation. */
export class CliStore {
  private _db: NightPilotDatabase | undefined;
  private _scratch: { db: NightPilotDatabase; dir: string } | undefined;

  constructor(
    readonly path: string,
    private readonly _options: DatabaseOptions,
  ) {}

  /** Whether the database file exists yet. */
  exists(): boolean {
    return fs.existsSync(this.path);
  }

  /** Runs `fn` on the latest state; a missing file reads as an empty database and stays missing. */
  async read<T>(fn: (tx: Tx) => T): Promise<T> {
    if (this._db === undefined && !this.exists()) return (await this._scratchDb()).read(fn);
    const db = await this.open();
    return guard(this.path, async () => db.read(fn));
  }

  /**
   * Runs `fn` as one transaction under the lock and saves it. `fn` must only touch `tx` (it may
   * run twice: on a missing file it is first rehearsed on an empty database, so that a failure,
   * e.g. an unknown job id, leaves no new file behind).
   */
  async write<T>(fn: (tx: Tx) => T): Promise<T> {
    if (this._db === undefined && !this.exists()) await (await this._scratchDb()).write(fn);
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
    if (this._scratch) {
      this._scratch.db.close();
      fs.rmSync(this._scratch.dir, { recursive: true, force: true });
      this._scratch = undefined;
    }
  }

  private async _scratchDb(): Promise<NightPilotDatabase> {
    if (!this._scratch) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'night-pilot-cli-'));
      const db = await NightPilotDatabase.open(path.join(dir, 'empty.db'), {
        ...this._options,
        lockTimeoutMs: undefined,
      });
      this._scratch = { db, dir };
    }
    return this._scratch.db;
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
      throw new StorageError(`Cannot use the database ${dbPath}: ${(err as Error).message}`);
    throw err;
  }
}
