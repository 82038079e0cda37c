// Reads the committed part of a SQLite write-ahead log, the way SQLite's own recovery reads it
// (https://sqlite.org/fileformat2.html#walformat), as the pages to write over its main file: sql.js
// keeps its database in memory and cannot open a WAL, and the old app left committed rows only there.
//
// A frame counts only while its salts equal the header's and its checksum continues the running
// checksum from the header; the log ends at the first frame that does not. Of the valid frames,
// only those up to the LAST COMMIT frame are applied: the frames after it belong to a transaction
// that never committed. Nothing here touches a file.

import type { WalEnd } from './legacyReasons';
import { walEndText } from './legacyReasons';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;
const WAL_FORMAT_VERSION = 3007000;

/** A -wal file that cannot be read as a write-ahead log at all. */
export class WalFormatError extends Error {}

/** What the log held and what was applied; shown in the preview and the report. */
export interface WalSummary {
  /** Bytes of the -wal file. */
  bytes: number;
  pageSize: number;
  /** Frames whose salts and checksums were valid. */
  validFrames: number;
  /** Frames applied: every valid frame up to and including the last commit frame. */
  appliedFrames: number;
  /** Transactions committed in the log (commit frames applied). */
  commits: number;
  /** Valid frames after the last commit: an unfinished transaction, not migrated. */
  uncommittedFrames: number;
  /**
   * Bytes after the last valid frame that are not part of the log: a frame cut short, a checksum
   * that does not continue, or frames left over from an earlier log (other salts). Not migrated.
   */
  ignoredBytes: number;
  /** Why the log ends where it does, in English; null when it ends at the end of the file. */
  endReason: string | null;
  /** The same, keyed (the report says it in its language). */
  end: WalEnd | null;
  /** Database size in pages after the last applied commit; 0 when nothing was committed. */
  databasePages: number;
}

/** The header fields of a WAL file. */
interface WalHeader {
  bigEndian: boolean;
  pageSize: number;
  salt1: number;
  salt2: number;
  checksum: [number, number];
}

/**
 * SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from `seed`. Words are read
 * in the byte order the log's magic number names.
 */
export function walChecksum(data: Uint8Array, bigEndian: boolean, seed: [number, number]): [number, number] {
  if (data.length % 8 !== 0) throw new Error('WAL checksum input must be a multiple of 8 bytes');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let s0 = seed[0];
  let s1 = seed[1];
  for (let i = 0; i < data.length; i += 8) {
    s0 = (s0 + view.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + view.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

function readHeader(wal: Uint8Array): WalHeader {
  if (wal.length < WAL_HEADER_BYTES) {
    throw new WalFormatError(`it is ${wal.length} bytes long, shorter than a WAL header (32 bytes)`);
  }
  const view = new DataView(wal.buffer, wal.byteOffset, WAL_HEADER_BYTES);
  const magic = view.getUint32(0);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) {
    throw new WalFormatError('it does not start with the WAL magic number');
  }
  const version = view.getUint32(4);
  if (version !== WAL_FORMAT_VERSION)
    throw new WalFormatError(`it has an unknown WAL format version ${version}`);
  const pageSize = view.getUint32(8);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new WalFormatError(`its header has an invalid page size (${pageSize})`);
  }
  const bigEndian = magic === WAL_MAGIC_BE;
  const expected = walChecksum(wal.subarray(0, 24), bigEndian, [0, 0]);
  if (expected[0] !== view.getUint32(24) || expected[1] !== view.getUint32(28)) {
    throw new WalFormatError('its header checksum does not match (the header is damaged)');
  }
  return {
    bigEndian,
    pageSize,
    salt1: view.getUint32(16),
    salt2: view.getUint32(20),
    checksum: expected,
  };
}

interface Frame {
  pageNumber: number;
  /** Database size in pages for a commit frame, else 0. */
  commitSize: number;
  offset: number;
}

/** A page as a committed frame of the log holds it: a view into the log's bytes. */
export interface WalPage {
  pageNumber: number;
  bytes: Uint8Array;
}

export interface WalReplay {
  summary: WalSummary;
  /**
   * The pages to write over the main file, in log order (a later frame of the same page wins):
   * every frame up to the last commit, except pages beyond the database's final size (they
   * belonged to a table dropped later in the log).
   */
  pages: WalPage[];
}

/**
 * Reads the committed part of `wal`, the log of `main`. An empty log changes nothing. Throws
 * WalFormatError when the log cannot be read at all (then nothing in it can be trusted, and the
 * caller stops). Nothing is copied: the pages are views of `wal`.
 */
export function replayWal(main: Uint8Array, wal: Uint8Array): WalReplay {
  const summary: WalSummary = {
    bytes: wal.length,
    pageSize: 0,
    validFrames: 0,
    appliedFrames: 0,
    commits: 0,
    uncommittedFrames: 0,
    ignoredBytes: 0,
    endReason: null,
    end: null,
    databasePages: 0,
  };
  const stop = (end: WalEnd) => {
    summary.end = end;
    summary.endReason = walEndText(end, 'en');
  };
  if (wal.length === 0) return { summary, pages: [] };
  const header = readHeader(wal);
  const pageSize = header.pageSize;
  summary.pageSize = pageSize;
  const mainPageSize = main.length >= 18 ? pageSizeOf(main) : null;
  if (mainPageSize !== null && main.length > 0 && mainPageSize !== pageSize) {
    throw new WalFormatError(
      `its page size (${pageSize}) differs from the database's (${mainPageSize}): it belongs to another database`,
    );
  }

  const frameBytes = FRAME_HEADER_BYTES + pageSize;
  const frames: Frame[] = [];
  let checksum = header.checksum;
  let lastCommit = -1;
  let offset = WAL_HEADER_BYTES;
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  while (offset < wal.length) {
    if (offset + frameBytes > wal.length) {
      stop({ key: 'cutShort', bytes: wal.length - offset, frameBytes });
      break;
    }
    const pageNumber = view.getUint32(offset);
    const commitSize = view.getUint32(offset + 4);
    if (view.getUint32(offset + 8) !== header.salt1 || view.getUint32(offset + 12) !== header.salt2) {
      stop({ key: 'otherSalts', frame: frames.length + 1 });
      break;
    }
    let next = walChecksum(wal.subarray(offset, offset + 8), header.bigEndian, checksum);
    next = walChecksum(
      wal.subarray(offset + FRAME_HEADER_BYTES, offset + frameBytes),
      header.bigEndian,
      next,
    );
    if (next[0] !== view.getUint32(offset + 16) || next[1] !== view.getUint32(offset + 20)) {
      stop({ key: 'checksum', frame: frames.length + 1 });
      break;
    }
    if (pageNumber === 0) {
      stop({ key: 'pageZero', frame: frames.length + 1 });
      break;
    }
    checksum = next;
    frames.push({ pageNumber, commitSize, offset });
    if (commitSize > 0) lastCommit = frames.length - 1;
    offset += frameBytes;
  }
  summary.validFrames = frames.length;
  summary.ignoredBytes = wal.length - offset;
  if (lastCommit < 0) {
    summary.uncommittedFrames = frames.length;
    return { summary, pages: [] };
  }

  const databasePages = frames[lastCommit]!.commitSize;
  const pages: WalPage[] = [];
  for (let i = 0; i <= lastCommit; i++) {
    const frame = frames[i]!;
    if (frame.commitSize > 0) summary.commits++;
    if (frame.pageNumber > databasePages) continue;
    const start = frame.offset + FRAME_HEADER_BYTES;
    pages.push({ pageNumber: frame.pageNumber, bytes: wal.subarray(start, start + pageSize) });
  }
  summary.appliedFrames = lastCommit + 1;
  summary.uncommittedFrames = frames.length - summary.appliedFrames;
  summary.databasePages = databasePages;
  return { summary, pages };
}

function pageSizeOf(main: Uint8Array): number {
  const raw = (main[16]! << 8) | main[17]!;
  return raw === 1 ? 65536 : raw;
}

/**
 * The database header (its first 100 bytes) as a rollback-journal database's: file format bytes
 * 18-19 = 1 (SQLite in memory has no WAL index) and, after a replay that committed `pages`, the
 * in-header page count made authoritative for the replayed size (change counter =
 * version-valid-for). Returns a changed copy.
 */
export function rollbackHeader(header: Uint8Array, pages: number): Uint8Array {
  // A copy (Buffer's slice would be a view of the bytes read from the file).
  const out = new Uint8Array(header.subarray(0, 100));
  if (out.length < 100) return out;
  if (out[18] === 2) out[18] = 1;
  if (out[19] === 2) out[19] = 1;
  if (pages > 0) {
    const view = new DataView(out.buffer, out.byteOffset, 100);
    view.setUint32(28, pages);
    view.setUint32(92, view.getUint32(24));
  }
  return out;
}
