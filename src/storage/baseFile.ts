// Replacing the base file (the SQLite file itself), under the write lock: what a checkpoint does,
// and also the creation of a new database, a schema migration, a restore. The page log that lay
// over the old base is spent afterwards; the order below is what keeps every crash point safe:
//   1. the new content goes to a temp file with a fresh identity (random header counter), fsynced;
//   2. the old log gets a "superseded by <new identity>" record, synced (only if it has commits);
//   3. the temp file is renamed over the base and the folder synced;
//   4. the old log is removed.
// A crash before 3 leaves the old base with its log, as it was. A crash after 3 leaves the new
// base with a log whose marker names it: readers ignore that log and the next writer replaces it.
// A reader that opened the old log just before 3 and the new base just after sees the same marker.

import fs from 'node:fs';
import path from 'node:path';
import type { FileStamp } from './durableFile';
import { replaceFileDurably, syncDirectory } from './durableFile';
import { headerPageSize } from './diskSnapshot';
import { baseIdentity, stampBaseHeader } from './logChecksum';
import { descriptorSource } from './logSource';
import { appendSuperseded } from './logAppend';
import { LogDamageError, logPathOf, openLogState } from './pageLog';

/** A base file just written: its stamp and identity, and a descriptor open on it (the caller's). */
export interface NewBase {
  stamp: FileStamp;
  identity: Buffer;
  pageSize: number;
  userVersion: number;
  fd: number;
}

export interface ReplaceBaseOptions {
  /** Runs before anything touches the log or the base: throws to abandon (the lock is not ours). */
  fence: () => void;
  /**
   * What to do when the old log cannot be read as a log: `throw` (a checkpoint: never drop
   * commits), or `remove` (a restore, which has kept the damaged files aside already).
   */
  unreadableLog: 'throw' | 'remove';
}

/**
 * Replaces the database file at `dbPath` with the bytes `fill` writes (a whole SQLite database),
 * and retires its page log. Must run under the write lock. See the file comment for the order.
 */
export function replaceBase(
  dbPath: string,
  fill: (fd: number) => void,
  options: ReplaceBaseOptions,
): NewBase {
  let identity: Buffer | undefined;
  let pageSize = 0;
  let userVersion = 0;
  const { stamp, fd } = replaceFileDurably(
    dbPath,
    (out) => {
      fill(out);
      const header = Buffer.alloc(100);
      descriptorSource(out).read(header, 0);
      stampBaseHeader(header);
      fs.writeSync(out, header, 0, 100, 0);
      const size = fs.fstatSync(out).size;
      identity = baseIdentity(header, size);
      pageSize = headerPageSize(header) ?? 4096;
      userVersion = header.readUInt32BE(60);
    },
    () => {
      options.fence();
      retireLog(dbPath, identity!, options.unreadableLog);
    },
  );
  // Nothing reads a retired log any more; if this unlink is lost in a crash, the marker still says so.
  fs.rmSync(logPathOf(dbPath), { force: true });
  return { stamp, identity: identity!, pageSize, userVersion, fd };
}

/** Step 2: the old log, if it has commits, is marked as folded into the base with `identity`. */
function retireLog(dbPath: string, identity: Buffer, unreadable: 'throw' | 'remove'): void {
  const logPath = logPathOf(dbPath);
  let fd: number;
  try {
    fd = fs.openSync(logPath, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const source = descriptorSource(fd);
    let state;
    try {
      state = openLogState(source);
    } catch (err) {
      if (unreadable === 'throw' || !(err instanceof LogDamageError)) throw err;
      fs.closeSync(fd);
      fd = -1;
      fs.rmSync(logPath, { force: true });
      syncDirectory(path.dirname(dbPath));
      return;
    }
    if (state.commits === 0 || state.supersededBy.some((id) => id.equals(identity))) return;
    appendSuperseded(fd, state, identity, () => undefined);
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
