import fs from 'node:fs';
import { logPathOf } from './pageLog';

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

/** `<file>.<label>-<UTC time>[-n]`: a name beside `filePath` for a kept copy, e.g. `.corrupt-20250116T010000Z`. */
function asideName(filePath: string, label: string, now: Date, i: number): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${filePath}.${label}-${stamp}${i === 0 ? '' : `-${i}`}`;
}

/** Gives `from` the name `to` unless that exists: a hard link (the file keeps its own name), else a copy. */
function linkOrCopy(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' || fs.existsSync(to)) return false;
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
    return true;
  }
}

/**
 * Gives the database a second, timestamped name that does not exist yet (a hard link refuses to
 * replace an existing file, so nothing is ever overwritten) and returns it; its page log, if any,
 * gets the same name plus `.wal`. The files keep their own names too. File systems without hard
 * links get copies.
 */
export function keepAside(filePath: string, now: Date, label: string): string {
  for (let i = 0; ; i++) {
    const target = asideName(filePath, label, now, i);
    if (!linkOrCopy(filePath, target)) continue;
    const log = logPathOf(filePath);
    if (fs.existsSync(log)) linkOrCopy(log, logPathOf(target));
    return target;
  }
}

/**
 * Moves a damaged database out of the way under a timestamped name (see keepAside), its page log
 * with it (both are linked to their new names before either old name goes): a new database
 * created in its place must not find the old log.
 */
export function moveAside(filePath: string, now: Date): { movedTo: string; logMovedTo: string | null } {
  const movedTo = keepAside(filePath, now, 'corrupt');
  fs.unlinkSync(filePath);
  fs.rmSync(logPathOf(filePath), { force: true });
  const logMovedTo = logPathOf(movedTo);
  return { movedTo, logMovedTo: fs.existsSync(logMovedTo) ? logMovedTo : null };
}

/** SQLite's words for a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB), whenever they come. */
const CORRUPTION =
  /database disk image is malformed|file is not a database|malformed database schema|database corruption/i;

/** The damage SQLite reported in `err`, or null when `err` is about something else. */
export function sqliteCorruption(err: unknown): string | null {
  const message = err instanceof Error ? err.message : String(err);
  return CORRUPTION.test(message) ? `SQLite reports: ${message}` : null;
}
