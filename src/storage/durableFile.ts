import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from './processAlive';

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

export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  if (a === null || b === null) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

const TEMP_MARK = '.tmp-';

/**
 * Replaces `filePath` with `data` so that a crash at any instant leaves either the old or the new
 * content: write a temp file in the same folder, fsync it, rename it over, fsync the folder.
 * Returns the stamp of the file just written.
 */
export function writeFileDurably(filePath: string, data: Uint8Array): FileStamp {
  const { stamp, fd } = replaceFileDurably(filePath, (out) => {
    let offset = 0;
    while (offset < data.length) offset += fs.writeSync(out, data, offset, data.length - offset);
  });
  fs.closeSync(fd);
  return stamp;
}

/**
 * The same crash-safe replace, with the content written by `fill` into the temp file's descriptor.
 * Returns the new file's stamp and its descriptor, still open for reading: the caller owns it.
 */
export function replaceFileDurably(
  filePath: string,
  fill: (fd: number) => void,
): { stamp: FileStamp; fd: number } {
  const dir = path.dirname(filePath);
  const temp = path.join(
    dir,
    `${path.basename(filePath)}${TEMP_MARK}${process.pid}-${crypto.randomBytes(4).toString('hex')}`,
  );
  const fd = fs.openSync(temp, 'w+', 0o600);
  try {
    fill(fd);
    fs.fsyncSync(fd);
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

/** Makes the rename itself durable. Not possible on Windows, where renames are journaled anyway. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Deletes temp files that writers killed mid-save left beside `filePath`, when their writer
 * process is gone. Called with the write lock held, so no live save is using them.
 */
export function removeOrphanTempFiles(filePath: string): void {
  const dir = path.dirname(filePath);
  const prefix = `${path.basename(filePath)}${TEMP_MARK}`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (pid === process.pid || !isProcessAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}
