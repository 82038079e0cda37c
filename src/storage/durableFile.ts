import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StorageError } from './errors';
import { LOG_SUFFIX } from './pageLog';
import { isProcessAlive } from './processIdentity';

/** Identity of a file's content as far as the file system tells: changes on every rename-over. */
export interface FileStamp {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function statStamp(filePath: string): FileStamp | null {
  try {
    const s = fs.statSync(filePath, { bigint: true });
    return { ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The stamp of an open descriptor: the same content as statStamp of its path, at open time. */
export function fstatStamp(fd: number): FileStamp {
  const s = fs.fstatSync(fd, { bigint: true });
  return { ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs };
}

export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  if (a === null || b === null) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** Marks the temp files of saves (`<file>.tmp-<pid>-<random>`) and of lock files (`<file>.lock.tmp-...`). */
export const TEMP_MARK = '.tmp-';
/** Mode of a database file Night Pilot creates: private to the user, like the rest of its state. */
const NEW_FILE_MODE = 0o600;

/**
 * Replaces `filePath` with `data` so that a crash at any instant leaves either the old or the new
 * content: write a temp file in the same folder, fsync it, rename it over, fsync the folder.
 * Returns the stamp of the file just written.
 */
export function writeFileDurably(filePath: string, data: Uint8Array, beforeRename?: () => void): FileStamp {
  const { stamp, fd } = replaceFileDurably(
    filePath,
    (out) => {
      let offset = 0;
      while (offset < data.length) offset += fs.writeSync(out, data, offset, data.length - offset);
    },
    beforeRename,
  );
  fs.closeSync(fd);
  return stamp;
}

/**
 * What the file being replaced must keep: its permission bits and group. Refuses (StorageError)
 * to replace a file the user made read-only, or one owned by another user: renaming over it would
 * hand it to us and lock its owner out.
 */
export function keptAttributes(filePath: string): { mode: number; gid: number | null } {
  let st: fs.Stats;
  try {
    st = fs.statSync(filePath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { mode: NEW_FILE_MODE, gid: null };
    throw err;
  }
  const mode = st.mode & 0o7777;
  if (process.platform === 'win32') return { mode, gid: null };
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new StorageError(
      `The database ${filePath} belongs to another user (uid ${st.uid}); this process runs as uid ${uid} and ` +
        'will not replace it, which would lock its owner out. Run Night Pilot as that user, or change the ' +
        `file's owner (chown).`,
    );
  }
  if ((mode & 0o200) === 0) {
    throw new StorageError(
      `The database ${filePath} is read-only (mode ${mode.toString(8).padStart(4, '0')}); Night Pilot will not ` +
        'change it. Make it writable again (chmod u+w) to let Night Pilot save.',
    );
  }
  return { mode, gid: st.gid };
}

/**
 * The same crash-safe replace, with the content written by `fill` into the temp file's descriptor.
 * The new file keeps the old one's mode and group (or those of `attributesOf`: the page log takes
 * the database file's). `beforeRename` runs just before the rename and may throw to abandon the
 * save (the temp file is removed, the file is untouched). Returns the new file's stamp and its
 * descriptor, still open for reading and writing: the caller owns it.
 */
export function replaceFileDurably(
  filePath: string,
  fill: (fd: number) => void,
  beforeRename?: () => void,
  attributesOf: string = filePath,
): { stamp: FileStamp; fd: number } {
  const dir = path.dirname(filePath);
  const kept = keptAttributes(attributesOf);
  const temp = path.join(
    dir,
    `${path.basename(filePath)}${TEMP_MARK}${process.pid}-${crypto.randomBytes(4).toString('hex')}`,
  );
  const fd = fs.openSync(temp, 'w+', NEW_FILE_MODE);
  try {
    // The umask applied to openSync's mode; the file's own mode is what the user chose.
    if (process.platform !== 'win32') {
      fs.fchmodSync(fd, kept.mode);
      if (kept.gid !== null && kept.gid !== process.getgid?.()) {
        try {
          fs.fchownSync(fd, process.getuid!(), kept.gid);
        } catch {
          // Not a member of that group: the file gets ours, as any new file would.
        }
      }
    }
    fill(fd);
    fs.fsyncSync(fd);
    beforeRename?.();
    fs.renameSync(temp, filePath);
    syncDirectory(dir);
    const stamp = statStamp(filePath);
    if (!stamp) throw new Error(`${filePath} vanished right after it was written`);
    return { stamp, fd };
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** Makes a rename (or a new file) durable. Not possible on Windows, where renames are journaled anyway. */
export function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Deletes temp files that writers killed mid-save (or mid-lock) left beside `filePath`, when their
 * writer process is gone. Called with the write lock held, so no live save is using them.
 */
export function removeOrphanTempFiles(filePath: string): void {
  const dir = path.dirname(filePath);
  const prefixes = [
    `${path.basename(filePath)}${TEMP_MARK}`,
    `${path.basename(filePath)}.lock${TEMP_MARK}`,
    `${path.basename(filePath)}${LOG_SUFFIX}${TEMP_MARK}`,
  ];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const prefix = prefixes.find((p) => name.startsWith(p));
    if (prefix === undefined) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (pid === process.pid || !isProcessAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}
