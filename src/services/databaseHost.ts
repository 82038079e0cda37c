// The window's database, opened in the background: activation returns at once and everything that
// needs the database waits for `ready` (the Jobs view shows its progress meanwhile). When it cannot be
// opened, `ready` resolves without it and `failure` says why, as the user was shown.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../core/errorMessage';
import { NightPilotDatabase } from '../storage/database';
import { CorruptDatabaseError, StorageError } from '../storage/errors';
import type { Logger } from './logger';

export const DATABASE_FILE = 'claude-night-pilot.db';

export interface DatabaseFailure {
  /** What the user is shown: names the file and what to do. */
  readonly message: string;
  /** The file was damaged (moved aside): a last-good copy may be offered. */
  readonly damaged: boolean;
}

export class DatabaseHost {
  readonly path: string;
  /** Resolves once opening ended: with the database, or undefined (see `failure`). */
  readonly ready: Promise<NightPilotDatabase | undefined>;
  private _database: NightPilotDatabase | undefined;
  private _failure: DatabaseFailure | undefined;
  /** When opening started and ended (ms since the epoch), for the log and the benchmarks. */
  readonly timings: { started: number; opened?: number } = { started: Date.now() };

  constructor(storageFolder: string, wasmPath: string, log: Logger) {
    this.path = path.join(storageFolder, DATABASE_FILE);
    // Not awaited by activation: sql.js's WebAssembly and the file are loaded off the activation path.
    this.ready = this._open(wasmPath, log);
  }

  /** The open database; undefined while opening and when it could not be opened. */
  get database(): NightPilotDatabase | undefined {
    return this._database;
  }

  /** Why the database could not be opened; undefined while opening and when it is open. */
  get failure(): DatabaseFailure | undefined {
    return this._failure;
  }

  /**
   * The open database, waiting for it if it is still opening. Throws a StorageError that repeats why
   * it could not be opened.
   */
  async require(): Promise<NightPilotDatabase> {
    const db = await this.ready;
    if (db) return db;
    throw new StorageError(this._failure?.message ?? `Night Pilot could not open its database ${this.path}.`);
  }

  private async _open(wasmPath: string, log: Logger): Promise<NightPilotDatabase | undefined> {
    // One turn of the event loop first: activation finishes before any of this runs.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      fs.mkdirSync(path.dirname(this.path), { recursive: true });
      const database = await NightPilotDatabase.open(this.path, {
        wasmPath,
        lockLabel: `VS Code extension host (pid ${process.pid})`,
      });
      this._database = database;
      this.timings.opened = Date.now();
      log.info(`Database: ${this.path} (opened in ${this.timings.opened - this.timings.started} ms)`);
      return database;
    } catch (err) {
      // StorageError messages already name the file and the fix; anything else gets the path added.
      const message = errorMessage(err).includes(this.path)
        ? errorMessage(err)
        : vscode.l10n.t('Night Pilot could not open its database {0}: {1}', this.path, errorMessage(err));
      log.error(message, err);
      this._failure = { message, damaged: err instanceof CorruptDatabaseError };
      return undefined;
    }
  }

  /** Closes the database once it is open: the last step of deactivation, after the runs stopped. */
  async close(): Promise<void> {
    (await this.ready)?.close();
  }
}
