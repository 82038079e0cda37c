import fs from 'node:fs';
import type { FileStamp } from './durableFile';
import { FileImage } from './fileImage';

const HEADER = 'SQLite format 3\0';

/**
 * Why a file of `size` bytes starting with `header` (its first 100 bytes, or all of a shorter
 * file) cannot be a whole SQLite database, or null when the header is consistent. Catches the
 * common damage cheaply (empty, truncated, overwritten) before sql.js sees it.
 */
export function imageProblem(header: Uint8Array, size: number): string | null {
  if (size === 0) return 'the file is empty';
  if (size < 100 || header.length < 100) return `the file is truncated (${size} bytes)`;
  if (Buffer.from(header.subarray(0, 16)).toString('latin1') !== HEADER)
    return 'the file is not an SQLite database';
  const view = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  const rawPageSize = view.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0)
    return `the header has an invalid page size (${rawPageSize})`;
  if (size % pageSize !== 0)
    return `the file is truncated (${size} bytes is not a whole number of ${pageSize}-byte pages)`;
  const changeCounter = view.readUInt32BE(24);
  const pageCount = view.readUInt32BE(28);
  const versionValidFor = view.readUInt32BE(92);
  // The in-header page count is only authoritative when written by a SQLite that maintains it.
  if (changeCounter === versionValidFor && pageCount > 0 && size < pageCount * pageSize) {
    return `the file is truncated (${size} bytes, the header says ${pageCount * pageSize})`;
  }
  return null;
}

export interface DiskImage {
  image: FileImage;
  stamp: FileStamp;
}

/**
 * Opens the file as an image for sql.js, with the stamp of the same open descriptor so both
 * describe the same content; null when there is no file. With `holdOpen` the image reads through
 * the descriptor (nothing is read yet); without it the file is read whole and closed, for
 * platforms where an open file cannot be replaced by a rename (Windows).
 */
export function openDiskImage(filePath: string, holdOpen: boolean): DiskImage | null {
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const s = fs.fstatSync(fd, { bigint: true });
    const stamp: FileStamp = { ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs };
    const size = Number(s.size);
    if (holdOpen) return { image: FileImage.fromDescriptor(fd, size), stamp };
    const bytes = Buffer.allocUnsafeSlow(size);
    let offset = 0;
    while (offset < size) {
      const n = fs.readSync(fd, bytes, offset, size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    fs.closeSync(fd);
    return { image: FileImage.fromBytes(bytes.subarray(0, offset)), stamp };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** `<file>.<label>-<UTC time>[-n]`: a name beside `filePath` for a kept copy, e.g. `.corrupt-20250116T010000Z`. */
function asideName(filePath: string, label: string, now: Date, i: number): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${filePath}.${label}-${stamp}${i === 0 ? '' : `-${i}`}`;
}

/**
 * Gives the file a second, timestamped name that does not exist yet (a hard link refuses to
 * replace an existing file, so nothing is ever overwritten) and returns it. The file keeps its own
 * name too. File systems without hard links get a copy.
 */
export function keepAside(filePath: string, now: Date, label: string): string {
  for (let i = 0; ; i++) {
    const target = asideName(filePath, label, now, i);
    try {
      fs.linkSync(filePath, target);
      return target;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      if (fs.existsSync(target)) continue;
      fs.copyFileSync(filePath, target, fs.constants.COPYFILE_EXCL);
      return target;
    }
  }
}

/** Moves a damaged database out of the way under a timestamped name (see keepAside). */
export function moveAside(filePath: string, now: Date): string {
  for (let i = 0; ; i++) {
    const target = asideName(filePath, 'corrupt', now, i);
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

/** SQLite's words for a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB), whenever they come. */
const CORRUPTION =
  /database disk image is malformed|file is not a database|malformed database schema|database corruption/i;

/** The damage SQLite reported in `err`, or null when `err` is about something else. */
export function sqliteCorruption(err: unknown): string | null {
  const message = err instanceof Error ? err.message : String(err);
  return CORRUPTION.test(message) ? `SQLite reports: ${message}` : null;
}
