// Heartbeats of the processes that own running runs, outside the database: one small file per
// owner in `heartbeats/` beside the database, whose modification time is the heartbeat. Touching
// it every 15 s costs a metadata update, where a heartbeat in the database cost a write of the
// database. On this host an owner is judged by its process (pid and start time, see
// scheduler/owner.ts); the files are for owners on other hosts (a database on a shared folder).

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A heartbeat file older than this belongs to no running owner; a new beat recreates it anyway. */
const FORGOTTEN_AFTER_MS = 7 * 24 * 3600_000;

export class OwnerHeartbeats {
  readonly folder: string;

  constructor(databasePath: string) {
    this.folder = path.join(path.dirname(databasePath), 'heartbeats');
  }

  /** The file of `owner`: a digest of its id (ids hold characters no file name may). */
  fileOf(owner: string): string {
    return path.join(
      this.folder,
      `${crypto.createHash('sha256').update(owner).digest('hex').slice(0, 32)}.beat`,
    );
  }

  /**
   * Records that `owner` is alive at `at` (the time the scheduler's clock gives, so that tests can
   * drive it). Creates the file, holding the owner's id for whoever looks, when it is missing.
   */
  beat(owner: string, at: Date): void {
    const file = this.fileOf(owner);
    try {
      fs.utimesSync(file, at, at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      fs.mkdirSync(this.folder, { recursive: true });
      fs.writeFileSync(file, `${owner}\n`);
      fs.utimesSync(file, at, at);
    }
  }

  /** When `owner` last beat, or null when it never did (or its file is gone). */
  lastBeat(owner: string): Date | null {
    try {
      return fs.statSync(this.fileOf(owner)).mtime;
    } catch {
      return null;
    }
  }

  /** Forgets `owner` (it stopped, its runs ended). */
  remove(owner: string): void {
    fs.rmSync(this.fileOf(owner), { force: true });
  }

  /** Removes the files of owners that have not beaten for a week (processes long dead). */
  removeForgotten(now: Date): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.folder);
    } catch {
      return;
    }
    for (const name of names) {
      const file = path.join(this.folder, name);
      try {
        if (name.endsWith('.beat') && now.getTime() - fs.statSync(file).mtimeMs > FORGOTTEN_AFTER_MS)
          fs.rmSync(file, { force: true });
      } catch {
        // Removed by another process meanwhile.
      }
    }
  }
}
