// The page log: `<database>.wal`, our own write-ahead log beside the SQLite file. A write appends
// only the pages its transaction changed, as one checksummed record, and syncs that; the database
// file itself (the "base") is only ever replaced whole, by rename, when a checkpoint folds the log
// into it. docs/architecture.md ("Storage: the page log") explains the design and its crash safety.
//
// Layout (all integers big-endian):
//   header, 64 bytes: magic, format version, page size, the identity of the base it belongs to,
//     a random salt, a checksum of the header.
//   records, one after the other from offset 64:
//     lead:    'NPTX', kind, page count n, database size in pages, sequence number, then either
//              n x (page number, page hash) for a commit, or the identity of the base that replaced
//              this log's base for a "superseded" marker (written by a checkpoint before its rename);
//     pages:   n pages of the page size;
//     trailer: 'NPCM', the lead's length, and a checksum chaining the previous record's checksum,
//              the salt and the lead.
// A record counts once its trailer is there and checks out. It is written after its lead and pages
// (two system calls), so anyone who sees the trailer sees the pages; the trailer's checksum covers
// the page hashes, and the page hashes the pages (checked when a page is read, and for the last
// commit when the log is read: a power cut may leave the last record with a trailer but torn pages).

import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FileStamp } from './durableFile';

/** The log's name beside the database. Not SQLite's `-wal`: the sqlite3 tool must never touch it. */
export const LOG_SUFFIX = '.wal';
export const LOG_HEADER_BYTES = 64;
const MAGIC = Buffer.from('NPPGLOG\0', 'latin1');
/** Bump for an incompatible layout: an older build then refuses the log instead of misreading it. */
export const LOG_FORMAT_VERSION = 1;
const LEAD_MAGIC = 0x4e505458; // 'NPTX'
const TRAILER_MAGIC = 0x4e50434d; // 'NPCM'
const LEAD_FIXED = 24;
const TRAILER_BYTES = 24;
const ENTRY_BYTES = 12;
const DIGEST_BYTES = 16;
const PAGE_HASH_BYTES = 8;
const KIND_COMMIT = 1;
const KIND_SUPERSEDED = 2;
/** No real transaction changes a gigabyte of pages; a lead that claims to is garbage. */
const MAX_RECORD_BYTES = 1 << 30;

export function logPathOf(databasePath: string): string {
  return `${databasePath}${LOG_SUFFIX}`;
}

/** Where a log reads from: an open descriptor, or the whole file read into memory (Windows). */
export interface ByteSource {
  /** Fills `into` from `position`; returns how many bytes there were (fewer at the end). */
  read(into: Uint8Array, position: number): number;
}

export function descriptorSource(fd: number): ByteSource {
  return {
    read(into, position) {
      let done = 0;
      while (done < into.length) {
        const n = fs.readSync(fd, into, done, into.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    },
  };
}

/**
 * The log read whole into memory, where no descriptor may stay open (Windows: an open file cannot
 * be replaced by a rename). The process's own appends are copied in with `put`.
 */
export class MemorySource implements ByteSource {
  private _length: number;
  constructor(private _bytes: Uint8Array) {
    this._length = _bytes.length;
  }

  read(into: Uint8Array, position: number): number {
    const available = Math.max(0, Math.min(into.length, this._length - position));
    into.set(this._bytes.subarray(position, position + available));
    return available;
  }

  put(at: number, chunk: Uint8Array): void {
    if (at + chunk.length > this._bytes.length) {
      const grown = new Uint8Array(Math.max(at + chunk.length, this._bytes.length * 2));
      grown.set(this._bytes.subarray(0, this._length));
      this._bytes = grown;
    }
    this._bytes.set(chunk, at);
    this._length = Math.max(this._length, at + chunk.length);
  }
}

/** The log cannot be read as a log of this format: damage (never silently skipped). */
export class LogDamageError extends Error {
  /** The base file the log was read with, when it was opened (what is moved aside with the log). */
  baseStamp: FileStamp | null = null;
}
/** The log was written by a newer Night Pilot (another format version): left untouched. */
export class LogTooNewError extends Error {}

function digest(...parts: Uint8Array[]): Buffer {
  const hash = crypto.createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest().subarray(0, DIGEST_BYTES);
}

/**
 * Which base a log belongs to: a digest of the base's SQLite header (its first 100 bytes, which
 * hold the random change counter every base replacement writes, see `stampBaseHeader`) and size.
 */
export function baseIdentity(header: Uint8Array, size: number): Buffer {
  const sizeBytes = Buffer.alloc(8);
  sizeBytes.writeBigUInt64BE(BigInt(size));
  return digest(header.subarray(0, 100), sizeBytes);
}

/**
 * Writes a fresh random value into the SQLite header's change counter (offset 24) and its
 * version-valid-for number (offset 92, kept equal so SQLite still trusts the header's page count).
 * SQLite itself only compares the counter to notice changes; for us it makes every base file
 * distinct, so a log can name the one base it belongs to.
 */
export function stampBaseHeader(header: Uint8Array): void {
  const view = Buffer.from(header.buffer, header.byteOffset, 100);
  const old = view.readUInt32BE(24);
  let value = old;
  while (value === old || value === 0) value = crypto.randomBytes(4).readUInt32BE(0);
  view.writeUInt32BE(value, 24);
  view.writeUInt32BE(value, 92);
}

/** One committed copy of a page in the log. */
export interface LogPage {
  /** Where its bytes start in the log file. */
  offset: number;
  hash: Buffer;
}

/** What the log's header says. */
export interface LogHeader {
  pageSize: number;
  identity: Buffer;
  salt: Buffer;
  checksum: Buffer;
}

/** Everything read from a log: where the next record goes and the latest copy of each page. */
export interface LogState {
  header: LogHeader;
  /** Offset just after the last valid record: where the next one is written. */
  end: number;
  seq: number;
  /** The last record's checksum (the header's before any record). */
  chain: Buffer;
  /** Page number (1-based) -> its latest committed copy. */
  pages: Map<number, LogPage>;
  /** The database size in pages after the last commit; null before the first commit. */
  dbPages: number | null;
  commits: number;
  /** Bases that replaced this log's base (checkpoints), newest last. */
  supersededBy: Buffer[];
}

export function pageHash(salt: Uint8Array, pageNumber: number, page: Uint8Array): Buffer {
  const number = Buffer.alloc(4);
  number.writeUInt32BE(pageNumber);
  return digest(salt, number, page).subarray(0, PAGE_HASH_BYTES);
}

function encodeHeader(pageSize: number, identity: Buffer, salt: Buffer): Buffer {
  const header = Buffer.alloc(LOG_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(LOG_FORMAT_VERSION, 8);
  header.writeUInt32BE(pageSize, 12);
  identity.copy(header, 16);
  salt.copy(header, 32);
  digest(header.subarray(0, 48)).copy(header, 48);
  return header;
}

/** Reads and checks the header. Throws LogDamageError or LogTooNewError. */
export function readLogHeader(source: ByteSource): LogHeader {
  const header = Buffer.alloc(LOG_HEADER_BYTES);
  const n = source.read(header, 0);
  if (n < LOG_HEADER_BYTES) throw new LogDamageError(`its header is truncated (${n} bytes)`);
  if (!header.subarray(0, 8).equals(MAGIC))
    throw new LogDamageError('it does not start like a Night Pilot page log');
  const version = header.readUInt32BE(8);
  if (!digest(header.subarray(0, 48)).equals(header.subarray(48, 64)))
    throw new LogDamageError('its header checksum does not match');
  if (version !== LOG_FORMAT_VERSION) throw new LogTooNewError(`it has format version ${version}`);
  const pageSize = header.readUInt32BE(12);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    throw new LogDamageError(`its header names an invalid page size (${pageSize})`);
  return {
    pageSize,
    identity: Buffer.from(header.subarray(16, 32)),
    salt: Buffer.from(header.subarray(32, 40)),
    checksum: Buffer.from(header.subarray(48, 64)),
  };
}

/** The state of a log with no record yet. */
export function emptyLogState(header: LogHeader): LogState {
  return {
    header,
    end: LOG_HEADER_BYTES,
    seq: 0,
    chain: header.checksum,
    pages: new Map(),
    dbPages: null,
    commits: 0,
    supersededBy: [],
  };
}

interface RecordSeen {
  start: number;
  kind: number;
  dbPages: number;
  entries: Array<[number, LogPage]>;
  superseding: Buffer | null;
  checksum: Buffer;
  next: number;
}

/** The record at `at` if it is the next valid one after (`seq`, `chain`), else null. */
function readRecord(
  source: ByteSource,
  state: LogState,
  at: number,
  seq: number,
  chain: Buffer,
): RecordSeen | null {
  const { pageSize, salt } = state.header;
  const fixed = Buffer.alloc(LEAD_FIXED);
  if (source.read(fixed, at) < LEAD_FIXED || fixed.readUInt32BE(0) !== LEAD_MAGIC) return null;
  const kind = fixed.readUInt32BE(4);
  const count = fixed.readUInt32BE(8);
  const dbPages = fixed.readUInt32BE(12);
  if (Number(fixed.readBigUInt64BE(16)) !== seq + 1) return null;
  let leadBytes: number;
  if (kind === KIND_COMMIT) leadBytes = LEAD_FIXED + ENTRY_BYTES * count;
  else if (kind === KIND_SUPERSEDED && count === 0) leadBytes = LEAD_FIXED + DIGEST_BYTES;
  else return null;
  const pagesStart = at + leadBytes;
  if (leadBytes + count * pageSize > MAX_RECORD_BYTES) return null;
  const lead = Buffer.alloc(leadBytes);
  if (source.read(lead, at) < leadBytes) return null;
  const trailerAt = pagesStart + count * pageSize;
  const trailer = Buffer.alloc(TRAILER_BYTES);
  if (source.read(trailer, trailerAt) < TRAILER_BYTES) return null;
  if (trailer.readUInt32BE(0) !== TRAILER_MAGIC || trailer.readUInt32BE(4) !== leadBytes) return null;
  const checksum = digest(chain, salt, lead);
  if (!checksum.equals(trailer.subarray(8, 8 + DIGEST_BYTES))) return null;
  const entries: Array<[number, LogPage]> = [];
  for (let i = 0; i < count; i++) {
    const e = LEAD_FIXED + i * ENTRY_BYTES;
    entries.push([
      lead.readUInt32BE(e),
      { offset: pagesStart + i * pageSize, hash: Buffer.from(lead.subarray(e + 4, e + ENTRY_BYTES)) },
    ]);
  }
  return {
    start: at,
    kind,
    dbPages,
    entries,
    superseding: kind === KIND_SUPERSEDED ? Buffer.from(lead.subarray(LEAD_FIXED)) : null,
    checksum,
    next: trailerAt + TRAILER_BYTES,
  };
}

/** Whether every page of a commit record matches its hash. */
function pagesIntact(source: ByteSource, state: LogState, record: RecordSeen): boolean {
  const page = Buffer.alloc(state.header.pageSize);
  return record.entries.every(
    ([number, entry]) =>
      source.read(page, entry.offset) === page.length &&
      pageHash(state.header.salt, number, page).equals(entry.hash),
  );
}

/**
 * Reads the records after `state` (mutated: pass a copy to keep the old one) and returns it. A
 * record that does not check out ends the log: everything from it on was never committed (a
 * writer that died mid-append). The pages of the last commit read are checked against their
 * hashes too: after a power cut its trailer may have reached the disk without all its pages, and
 * then it was never acknowledged either.
 */
export function scanLog(source: ByteSource, state: LogState): LogState {
  const records: RecordSeen[] = [];
  let at = state.end;
  let seq = state.seq;
  let chain = state.chain;
  for (;;) {
    const record = readRecord(source, state, at, seq, chain);
    if (record === null) break;
    records.push(record);
    at = record.next;
    seq += 1;
    chain = record.checksum;
  }
  let lastCommit = -1;
  for (let i = records.length - 1; i >= 0 && lastCommit < 0; i--)
    if (records[i]!.kind === KIND_COMMIT) lastCommit = i;
  if (lastCommit >= 0 && !pagesIntact(source, state, records[lastCommit]!)) records.length = lastCommit;
  for (const record of records) applyRecord(state, record);
  return state;
}

function applyRecord(state: LogState, record: RecordSeen): void {
  if (record.kind === KIND_COMMIT) {
    for (const [number, entry] of record.entries) state.pages.set(number, entry);
    state.dbPages = record.dbPages;
    state.commits += 1;
  } else if (record.superseding !== null) {
    state.supersededBy.push(record.superseding);
  }
  state.end = record.next;
  state.seq += 1;
  state.chain = record.checksum;
}

/** A copy of `state` that later scans or appends may change without touching the original. */
export function copyLogState(state: LogState): LogState {
  return { ...state, pages: new Map(state.pages), supersededBy: [...state.supersededBy] };
}

/** The page numbers and contents of a commit, in the order they go into the log. */
export interface CommitPage {
  number: number;
  bytes: Uint8Array;
}

/**
 * Appends a commit to the log open on `fd` (state describes it; updated on success) and syncs it;
 * returns where its pages are.
 * `fence` runs before anything is written into the log: it throws to abandon the commit. The lead
 * and pages go in one write, the trailer (the commit point) in a second one, then one fdatasync.
 * If the sync fails the record is cut off again: a write reported as failed is not left behind.
 */
export function appendCommit(
  fd: number,
  state: LogState,
  pages: readonly CommitPage[],
  dbPages: number,
  fence: () => void,
): Map<number, LogPage> {
  const { pageSize, salt } = state.header;
  const lead = Buffer.alloc(LEAD_FIXED + ENTRY_BYTES * pages.length);
  writeLeadFixed(lead, KIND_COMMIT, pages.length, dbPages, state.seq + 1);
  const entries: Array<[number, LogPage]> = [];
  const pagesStart = state.end + lead.length;
  pages.forEach((page, i) => {
    if (page.bytes.length !== pageSize)
      throw new Error(`page ${page.number} is ${page.bytes.length} bytes, not ${pageSize}`);
    const hash = pageHash(salt, page.number, page.bytes);
    const e = LEAD_FIXED + i * ENTRY_BYTES;
    lead.writeUInt32BE(page.number, e);
    hash.copy(lead, e + 4);
    entries.push([page.number, { offset: pagesStart + i * pageSize, hash }]);
  });
  const record = writeRecord(
    fd,
    state,
    lead,
    pages.map((p) => p.bytes),
    fence,
  );
  applyRecord(state, { ...record, kind: KIND_COMMIT, dbPages, entries, superseding: null });
  return new Map(entries);
}

/**
 * Appends the marker a checkpoint writes before it renames the new base into place: "the base
 * with `identity` holds everything in this log". A reader that finds the new base with this old
 * log (the checkpoint died before removing it, or the reader opened the log just before the
 * rename) then knows the log is spent, not foreign.
 */
export function appendSuperseded(fd: number, state: LogState, identity: Buffer, fence: () => void): void {
  const lead = Buffer.alloc(LEAD_FIXED + DIGEST_BYTES);
  writeLeadFixed(lead, KIND_SUPERSEDED, 0, 0, state.seq + 1);
  identity.copy(lead, LEAD_FIXED);
  const record = writeRecord(fd, state, lead, [], fence);
  applyRecord(state, { ...record, kind: KIND_SUPERSEDED, dbPages: 0, entries: [], superseding: identity });
}

function writeLeadFixed(lead: Buffer, kind: number, count: number, dbPages: number, seq: number): void {
  lead.writeUInt32BE(LEAD_MAGIC, 0);
  lead.writeUInt32BE(kind, 4);
  lead.writeUInt32BE(count, 8);
  lead.writeUInt32BE(dbPages, 12);
  lead.writeBigUInt64BE(BigInt(seq), 16);
}

function writeRecord(
  fd: number,
  state: LogState,
  lead: Buffer,
  pages: readonly Uint8Array[],
  fence: () => void,
): { start: number; checksum: Buffer; next: number } {
  const start = state.end;
  const checksum = digest(state.chain, state.header.salt, lead);
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeUInt32BE(TRAILER_MAGIC, 0);
  trailer.writeUInt32BE(lead.length, 4);
  checksum.copy(trailer, 8);
  const trailerAt = start + lead.length + pages.length * state.header.pageSize;
  fence();
  // What a writer that died mid-append left after the last record goes first.
  if (fs.fstatSync(fd).size > start) fs.ftruncateSync(fd, start);
  try {
    writeAll(fd, [lead, ...pages], start);
    writeAll(fd, [trailer], trailerAt);
    fs.fdatasyncSync(fd);
  } catch (err) {
    try {
      fs.ftruncateSync(fd, start);
    } catch {
      // The disk is failing: the next writer cuts the log back to its last valid record anyway.
    }
    throw err;
  }
  return { start, checksum, next: trailerAt + TRAILER_BYTES };
}

function writeAll(fd: number, buffers: Uint8Array[], position: number): void {
  let at = position;
  const pending = buffers.filter((b) => b.length > 0);
  while (pending.length > 0) {
    let n = fs.writevSync(fd, pending, at);
    at += n;
    // A short write: continue after what went out.
    while (pending.length > 0 && n >= pending[0]!.length) n -= pending.shift()!.length;
    if (n > 0) pending[0] = pending[0]!.subarray(n);
  }
}

/** The bytes of a new, empty log for the base with `identity`. */
export function newLogBytes(pageSize: number, identity: Buffer): Buffer {
  return encodeHeader(pageSize, identity, crypto.randomBytes(8));
}

/** Whether a complete, valid record follows `state` in the log (someone committed after it). */
export function hasRecordAt(source: ByteSource, state: LogState): boolean {
  return readRecord(source, state, state.end, state.seq, state.chain) !== null;
}
