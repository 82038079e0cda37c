// Opening the database as it is on disk: the base file and, over it, the committed pages of its
// page log (pageLog.ts), as one consistent snapshot for sql.js (FileImage). Readers take no lock,
// so the two files are opened in the order that makes a checkpoint running meanwhile harmless: the
// log first, then the base (a checkpoint renames the new base into place before it removes the log).

import fs from 'node:fs';
import { imageProblem } from './databaseImage';
import type { FileStamp } from './durableFile';
import { fstatStamp, sameStamp, statStamp } from './durableFile';
import { StorageError } from './errors';
import type { LogLayer } from './fileImage';
import { DEFAULT_PAGE_SIZE, FileImage } from './fileImage';
import { baseIdentity } from './logChecksum';
import { MemorySource, descriptorSource } from './logSource';
import type { LogState } from './pageLog';
import { LogDamageError, copyLogState, hasRecordAt, logPathOf, openLogState, scanLog } from './pageLog';

/** The page log as a process read it. */
export interface LogSeen {
  stamp: FileStamp;
  state: LogState;
  /**
   * Whether its commits lie over this base. False for a spent log (a checkpoint folded it into
   * this base and died before removing it) or an empty one left by a restore: ignored, and
   * replaced by the next writer.
   */
  applies: boolean;
}

/** Which files a snapshot was read from: what later changes are compared with. */
export interface DiskState {
  base: FileStamp;
  /** The base's identity: the one a log for it names (see baseIdentity). */
  identity: Buffer;
  pageSize: number;
  /** The schema version in the base file's own header (`PRAGMA user_version`, bytes 60-63). */
  userVersion: number;
  log: LogSeen | null;
}

export interface DiskImage {
  image: FileImage;
  disk: DiskState;
}

/** A checkpoint that keeps replacing the files under a reader this often means something is wrong. */
const OPEN_ATTEMPTS = 5;

/**
 * Opens the database at `dbPath` as an image: null when there is no base file. With `holdOpen`
 * both files are read through descriptors kept open (nothing is read yet but the headers and the
 * log's record heads); without it both are read whole and closed (Windows: an open file cannot be
 * replaced by rename). `previous` (what this process read last) lets an unchanged log be read on
 * from where it was, not from its start. Throws LogDamageError when the log cannot be trusted, or
 * LogTooNewError for a log of a newer format.
 */
export function openDiskImage(dbPath: string, holdOpen: boolean, previous?: DiskState): DiskImage | null {
  for (let attempt = 1; ; attempt++) {
    const opened = tryOpen(dbPath, holdOpen, previous);
    if (opened !== 'raced') return opened;
    if (attempt >= OPEN_ATTEMPTS) {
      throw new StorageError(
        `The database ${dbPath} and its page log kept being replaced while they were read; try again.`,
      );
    }
  }
}

function openIfExists(file: string): number | null {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function readWhole(fd: number, size: number): Buffer {
  const bytes = Buffer.allocUnsafeSlow(size);
  const n = descriptorSource(fd).read(bytes, 0);
  return bytes.subarray(0, n);
}

/** The page size an SQLite header names, or null when it names none. */
export function headerPageSize(header: Uint8Array): number | null {
  if (header.length < 18) return null;
  const raw = (header[16]! << 8) | header[17]!;
  const size = raw === 1 ? 65536 : raw;
  return size >= 512 && (size & (size - 1)) === 0 ? size : null;
}

function tryOpen(
  dbPath: string,
  holdOpen: boolean,
  previous: DiskState | undefined,
): DiskImage | null | 'raced' {
  const logPath = logPathOf(dbPath);
  const logFd = openIfExists(logPath);
  let baseFd: number | null = null;
  // Descriptors the returned image owns; the rest are closed on the way out.
  let keepLog = false;
  let keepBase = false;
  try {
    baseFd = openIfExists(dbPath);
    if (baseFd === null) return null;
    const base = fstatStamp(baseFd);
    const baseSize = Number(base.size);
    const header = Buffer.alloc(100);
    descriptorSource(baseFd).read(header, 0);
    const pageSize = headerPageSize(header) ?? DEFAULT_PAGE_SIZE;
    const identity = baseIdentity(header, baseSize);
    const disk: DiskState = { base, identity, pageSize, userVersion: header.readUInt32BE(60), log: null };
    let layer: LogLayer | undefined;
    let size = baseSize;
    // A base that is not a whole SQLite file is damage of its own (adoptDiskImage says which,
    // and moves the log aside with it): its log cannot be matched to it.
    if (logFd !== null && imageProblem(header, baseSize) === null) {
      const stamp = fstatStamp(logFd);
      const source = holdOpen
        ? descriptorSource(logFd)
        : new MemorySource(readWhole(logFd, Number(stamp.size)));
      const reuse =
        previous?.log && previous.log.stamp.ino === stamp.ino && sameStamp(previous.base, base)
          ? copyLogState(previous.log.state)
          : null;
      let state: LogState;
      let applies: boolean | null;
      try {
        state = reuse === null ? openLogState(source) : scanLog(source, reuse);
        applies = logApplies(state, identity, pageSize);
      } catch (err) {
        if (err instanceof LogDamageError) err.baseStamp = base;
        throw err;
      }
      if (applies === null) {
        // A checkpoint may have replaced the base after we opened the log: then the paths now
        // name other files than the ones we hold, and a second look sees them as they are.
        if (statStamp(logPath)?.ino !== stamp.ino || statStamp(dbPath)?.ino !== base.ino) return 'raced';
        const foreign = new LogDamageError(
          `it holds commits for another version of ${dbPath} (was the database file replaced by a copy?)`,
        );
        foreign.baseStamp = base;
        throw foreign;
      }
      disk.log = { stamp, state, applies };
      if (applies) {
        keepLog = holdOpen;
        layer = {
          source,
          salt: state.header.salt,
          pages: new Map(state.pages),
          close: holdOpen ? () => closeQuietly(logFd) : () => undefined,
        };
        if (state.dbPages !== null) size = state.dbPages * pageSize;
      }
    }
    let image: FileImage;
    if (holdOpen) {
      image = FileImage.fromDescriptor(baseFd, baseSize, pageSize, layer, size);
      keepBase = true;
    } else {
      const bytes = readWhole(baseFd, baseSize);
      image = FileImage.fromBytes(bytes, pageSize, layer, layer === undefined ? bytes.length : size);
    }
    return { image, disk };
  } finally {
    if (logFd !== null && !keepLog) closeQuietly(logFd);
    if (baseFd !== null && !keepBase) closeQuietly(baseFd);
  }
}

/** Whether the log's commits lie over the base with `identity`: true, false (ignore it), or null (foreign). */
function logApplies(state: LogState, identity: Buffer, pageSize: number): boolean | null {
  if (state.header.identity.equals(identity)) {
    if (state.header.pageSize !== pageSize)
      throw new LogDamageError(
        `its page size (${state.header.pageSize}) is not the database file's (${pageSize})`,
      );
    return true;
  }
  if (state.supersededBy.some((id) => id.equals(identity)) || state.commits === 0) return false;
  return null;
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed: nothing left to release.
  }
}

/**
 * Whether the files no longer hold the snapshot `disk` describes: the base was replaced (a
 * checkpoint, a restore, another program) or deleted, or the log was created, replaced, deleted,
 * cut back, or has a new commit. Two stats; a read only while the log has bytes after its last
 * record (a writer mid-append, or one that died there).
 */
export function diskChanged(dbPath: string, disk: DiskState): boolean {
  if (!sameStamp(statStamp(dbPath), disk.base)) return true;
  const logPath = logPathOf(dbPath);
  const log = statStamp(logPath);
  if (disk.log === null || log === null) return disk.log !== log;
  if (log.ino !== disk.log.stamp.ino) return true;
  const size = Number(log.size);
  const end = disk.log.state.end;
  if (size === end) return false;
  if (size < end) return true;
  const fd = openIfExists(logPath);
  if (fd === null) return true;
  try {
    return hasRecordAt(descriptorSource(fd), disk.log.state);
  } finally {
    fs.closeSync(fd);
  }
}

/** A key that changes whenever `diskChanged` could: for a watcher that only compares. */
export function diskProbe(dbPath: string): string | null {
  const base = statStamp(dbPath);
  return base === null ? null : probeOf(base, statStamp(logPathOf(dbPath)));
}

/** The probe of files with these stamps (see diskProbe). */
export function probeOf(base: FileStamp, log: FileStamp | null): string {
  const key = (s: FileStamp | null) => (s === null ? '-' : `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`);
  return `${key(base)}/${key(log)}`;
}

/**
 * Writes the database at `dbPath` as it is committed now (base file and page log) to `target`, a
 * new file, as one self-contained SQLite file; false when there is no database. For backups: a
 * copy of the base file alone would miss the commits still in the log.
 */
export function copySnapshot(dbPath: string, target: string): boolean {
  const opened = openDiskImage(dbPath, true);
  if (opened === null) return false;
  const { image } = opened;
  try {
    const fd = fs.openSync(target, 'wx', 0o600);
    try {
      image.writeTo(fd);
      const problem = image.damage ?? image.failure?.message;
      if (problem !== undefined) throw new StorageError(`Cannot copy ${dbPath}: ${problem}`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    image.close();
  }
  return true;
}
