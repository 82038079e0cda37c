import fs from 'node:fs';
import type { FileStamp } from './durableFile';

const HEADER = 'SQLite format 3\0';

/**
 * Why these bytes cannot be a whole SQLite database, or null when the header is consistent.
 * Catches the common damage cheaply (empty, truncated, overwritten) before sql.js sees it.
 */
export function imageProblem(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'the file is empty';
  if (bytes.length < 100) return `the file is truncated (${bytes.length} bytes)`;
  if (Buffer.from(bytes.subarray(0, 16)).toString('latin1') !== HEADER)
    return 'the file is not an SQLite database';
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawPageSize = view.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0)
    return `the header has an invalid page size (${rawPageSize})`;
  if (bytes.length % pageSize !== 0)
    return `the file is truncated (${bytes.length} bytes is not a whole number of ${pageSize}-byte pages)`;
  const changeCounter = view.readUInt32BE(24);
  const pageCount = view.readUInt32BE(28);
  const versionValidFor = view.readUInt32BE(92);
  // The in-header page count is only authoritative when written by a SQLite that maintains it.
  if (changeCounter === versionValidFor && pageCount > 0 && bytes.length < pageCount * pageSize) {
    return `the file is truncated (${bytes.length} bytes, the header says ${pageCount * pageSize})`;
  }
  return null;
}

export interface DiskImage {
  bytes: Uint8Array;
  stamp: FileStamp;
}

/** Reads the file and its stamp from one open descriptor, so both describe the same content. */
export function readDiskImage(filePath: string): DiskImage | null {
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const s = fs.fstatSync(fd, { bigint: true });
    const size = Number(s.size);
    const bytes = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      const n = fs.readSync(fd, bytes, offset, size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return {
      bytes: offset === size ? bytes : bytes.subarray(0, offset),
      stamp: { ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs },
    };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Moves a damaged database out of the way under a timestamped name that does not exist yet.
 * A hard link refuses to replace an existing file, so nothing is ever overwritten.
 */
export function moveAside(filePath: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let i = 0; ; i++) {
    const target = `${filePath}.corrupt-${stamp}${i === 0 ? '' : `-${i}`}`;
    try {
      fs.linkSync(filePath, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      // File systems without hard links: rename, after checking the name is free.
      if (fs.existsSync(target)) continue;
      fs.renameSync(filePath, target);
      return target;
    }
    fs.unlinkSync(filePath);
    return target;
  }
}
