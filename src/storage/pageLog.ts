// The page log: `<database>.wal`, our own write-ahead log beside the SQLite file. A write appends
// only the pages its transaction changed, as one checksummed record, and syncs that; the database
// file itself (the "base") is only ever replaced whole, by rename, when a checkpoint folds the log
// into it (baseFile.ts). docs/architecture.md ("Storage") explains the design and its crash safety.
//
// Layout (integers big-endian; every record starts at a multiple of 8 bytes):
//   header, 64 bytes, never rewritten: magic, format version, page size, the identity of the base
//     it belongs to, a random salt, and the header's checksum.
//   two hint slots, 32 bytes each: where the latest index record is (see below), rewritten in place.
//   records, one after the other from offset 128:
//     lead:    'NPTX', kind, page count n, database size in pages, sequence number, then
//              - a commit: n x (page number, 0, page checksum);
//              - a "superseded" marker: the identity of the base that replaced this log's base (a
//                checkpoint writes it before its rename);
//              - an index: the number of commits so far, then every page in the log so far as
//                (page number, offset of its latest copy, page checksum);
//     pages:   n pages of the page size (commits only);
//     trailer: 'NPCM', the lead's length, and a checksum chaining the previous record's (the
//              header's for the first), the salt and the lead.
// A writer appends an index every 64 commits and points a hint slot at it, so a process that opens
// the log reads the latest index and the records after it, not every record since the checkpoint
// (a thousand records cost ~100 ms to read cold on the CI VM). A slot is only a shortcut: it
// carries the chain checksum up to its index so that the index is verified like any record, and a
// torn or stale slot just means reading from the start.
// A record counts once its trailer is there and checks out. It is written after its lead and pages
// (two system calls), so anyone who sees the trailer sees the pages; the trailer's checksum covers
// the page checksums, and those the pages (checked when a page is read, and for the last commit
// when the log is read: a power cut may leave the last record with a trailer but torn pages).

import crypto from 'node:crypto';
import type { FileStamp } from './durableFile';
import type { Sums } from './logChecksum';
import { checksum, pageSums, readSums, sumsBytes } from './logChecksum';
import type { ByteSource } from './logSource';
import { WindowReader } from './logSource';

/** The log's name beside the database. Not SQLite's `-wal`: the sqlite3 tool must never touch it. */
export const LOG_SUFFIX = '.wal';
const HEADER_BYTES = 64;
const SLOT_BYTES = 32;
/** Where the first record starts: after the header and its two hint slots. */
export const LOG_RECORDS_START = HEADER_BYTES + 2 * SLOT_BYTES;
const MAGIC = Buffer.from('NPPGLOG\0', 'latin1');
/** Bump for an incompatible layout: an older build then refuses the log instead of misreading it. */
export const LOG_FORMAT_VERSION = 1;
export const LEAD_FIXED = 24;
export const ENTRY_BYTES = 16;
export const IDENTITY_BYTES = 16;
export const TRAILER_BYTES = 16;
export const LEAD_MAGIC = 0x4e505458; // 'NPTX'
export const TRAILER_MAGIC = 0x4e50434d; // 'NPCM'
export const KIND_COMMIT = 1;
export const KIND_SUPERSEDED = 2;
export const KIND_INDEX = 3;
const INDEX_FIXED = 8;
/** No real transaction changes a gigabyte of pages; a lead that claims to is garbage. */
const MAX_RECORD_BYTES = 1 << 30;

export function logPathOf(databasePath: string): string {
  return `${databasePath}${LOG_SUFFIX}`;
}

/** The log cannot be read as a log of this format: damage (never silently skipped). */
export class LogDamageError extends Error {
  /** The base file the log was read with, when it was opened (what is moved aside with the log). */
  baseStamp: FileStamp | null = null;
}
/** The log was written by a newer Night Pilot (another format version): left untouched. */
export class LogTooNewError extends Error {}

/** One committed copy of a page in the log. */
export interface LogPage {
  /** Where its bytes start in the log file. */
  offset: number;
  sums: Sums;
}

/** What the log's header says. */
export interface LogHeader {
  pageSize: number;
  identity: Buffer;
  salt: Sums;
  checksum: Sums;
}

/** Everything read from a log: where the next record goes and the latest copy of each page. */
export interface LogState {
  header: LogHeader;
  /** Offset just after the last valid record: where the next one is written. */
  end: number;
  seq: number;
  /** The last record's checksum (the header's before any record). */
  chain: Sums;
  /** Page number (1-based) -> its latest committed copy. */
  pages: Map<number, LogPage>;
  /** The database size in pages after the last commit; null before the first commit. */
  dbPages: number | null;
  commits: number;
  /** Bases that replaced this log's base (checkpoints), newest last. */
  supersededBy: Buffer[];
  /** The sequence number and end of the last index record (0 and the first record's start: none). */
  indexSeq: number;
  indexEnd: number;
}

/** The bytes of a new, empty log for the base with `identity`. */
export function newLogBytes(pageSize: number, identity: Buffer): Buffer {
  const header = Buffer.alloc(LOG_RECORDS_START);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(LOG_FORMAT_VERSION, 8);
  header.writeUInt32BE(pageSize, 12);
  identity.copy(header, 16);
  crypto.randomBytes(8).copy(header, 32);
  sumsBytes(checksum(header.subarray(0, 56), [0, 0])).copy(header, 56);
  return header;
}

/** Reads and checks the header. Throws LogDamageError or LogTooNewError. */
export function readLogHeader(source: ByteSource): LogHeader {
  const header = Buffer.alloc(HEADER_BYTES);
  const n = source.read(header, 0);
  if (n < HEADER_BYTES) throw new LogDamageError(`its header is truncated (${n} bytes)`);
  if (!header.subarray(0, 8).equals(MAGIC))
    throw new LogDamageError('it does not start like a Night Pilot page log');
  const sums = checksum(header.subarray(0, 56), [0, 0]);
  const stored = readSums(header, 56);
  if (sums[0] !== stored[0] || sums[1] !== stored[1])
    throw new LogDamageError('its header checksum does not match');
  const version = header.readUInt32BE(8);
  if (version !== LOG_FORMAT_VERSION) throw new LogTooNewError(`it has format version ${version}`);
  const pageSize = header.readUInt32BE(12);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    throw new LogDamageError(`its header names an invalid page size (${pageSize})`);
  return {
    pageSize,
    identity: Buffer.from(header.subarray(16, 32)),
    salt: readSums(header, 32),
    checksum: stored,
  };
}

/** The state of a log with no record yet. */
export function emptyLogState(header: LogHeader): LogState {
  return {
    header,
    end: LOG_RECORDS_START,
    seq: 0,
    chain: header.checksum,
    pages: new Map(),
    dbPages: null,
    commits: 0,
    supersededBy: [],
    indexSeq: 0,
    indexEnd: LOG_RECORDS_START,
  };
}

/** A hint slot: where an index record is and the chain checksum before it. */
interface Hint {
  at: number;
  seq: number;
  chain: Sums;
}

/** The slot's bytes for an index record at `at` (sequence `seq`) that follows `chain`. */
export function hintBytes(header: LogHeader, hint: Hint): Buffer {
  const slot = Buffer.alloc(SLOT_BYTES);
  slot.writeBigUInt64BE(BigInt(hint.at), 0);
  slot.writeBigUInt64BE(BigInt(hint.seq), 8);
  sumsBytes(hint.chain).copy(slot, 16);
  sumsBytes(checksum(slot.subarray(0, 24), header.checksum)).copy(slot, 24);
  return slot;
}

/** Where the hint for the index with sequence `seq` goes: the two slots take turns. */
export function hintOffset(seq: number): number {
  return HEADER_BYTES + (seq % 2) * SLOT_BYTES;
}

function readHints(source: ByteSource, header: LogHeader): Hint[] {
  const slots = Buffer.alloc(2 * SLOT_BYTES);
  if (source.read(slots, HEADER_BYTES) < slots.length) return [];
  const hints: Hint[] = [];
  for (let i = 0; i < 2; i++) {
    const slot = slots.subarray(i * SLOT_BYTES, (i + 1) * SLOT_BYTES);
    const sums = checksum(slot.subarray(0, 24), header.checksum);
    const stored = readSums(slot, 24);
    if (sums[0] !== stored[0] || sums[1] !== stored[1]) continue;
    hints.push({
      at: Number(slot.readBigUInt64BE(0)),
      seq: Number(slot.readBigUInt64BE(8)),
      chain: readSums(slot, 16),
    });
  }
  return hints.sort((a, b) => b.seq - a.seq);
}

/**
 * Reads a log from its start: the header, then the latest index a hint slot points to (when one
 * checks out), then every record after it (see scanLog). Throws LogDamageError or LogTooNewError.
 */
export function openLogState(source: ByteSource): LogState {
  const state = emptyLogState(readLogHeader(source));
  const reader = new WindowReader(source);
  for (const hint of readHints(source, state.header)) {
    const index = readRecord(reader, state, hint.at, hint.seq - 1, hint.chain);
    if (index === null || index.kind !== KIND_INDEX) continue;
    state.seq = hint.seq - 1;
    applyRecord(state, index);
    break;
  }
  return scanLog(source, state);
}

/** A copy of `state` that later scans or appends may change without touching the original. */
export function copyLogState(state: LogState): LogState {
  return { ...state, pages: new Map(state.pages), supersededBy: [...state.supersededBy] };
}

/** The checksum a record's trailer holds: the chain so far, the salt, the lead. */
export function recordSums(state: LogState, chain: Sums, lead: Uint8Array): [number, number] {
  return checksum(lead, checksum(sumsBytes(state.header.salt), chain));
}

export interface RecordSeen {
  kind: number;
  dbPages: number;
  entries: Array<[number, LogPage]>;
  superseding: Buffer | null;
  /** An index's count of commits before it. */
  commits: number;
  sums: Sums;
  next: number;
}

/** The record at `at` if it is the next valid one after (`seq`, `chain`), else null. */
function readRecord(
  reader: WindowReader,
  state: LogState,
  at: number,
  seq: number,
  chain: Sums,
): RecordSeen | null {
  const { pageSize } = state.header;
  const fixed = reader.bytes(at, LEAD_FIXED);
  if (fixed === null) return null;
  const head = new DataView(fixed.buffer, fixed.byteOffset, LEAD_FIXED);
  if (head.getUint32(0) !== LEAD_MAGIC || head.getUint32(16) * 2 ** 32 + head.getUint32(20) !== seq + 1)
    return null;
  const kind = head.getUint32(4);
  const count = head.getUint32(8);
  const dbPages = head.getUint32(12);
  // Commits carry their pages; an index only points at pages in the records before it.
  const pageCount = kind === KIND_COMMIT ? count : 0;
  let leadBytes: number;
  if (kind === KIND_COMMIT) leadBytes = LEAD_FIXED + ENTRY_BYTES * count;
  else if (kind === KIND_INDEX) leadBytes = LEAD_FIXED + INDEX_FIXED + ENTRY_BYTES * count;
  else if (kind === KIND_SUPERSEDED && count === 0) leadBytes = LEAD_FIXED + IDENTITY_BYTES;
  else return null;
  if (leadBytes + pageCount * pageSize > MAX_RECORD_BYTES) return null;
  const lead = reader.bytes(at, leadBytes);
  if (lead === null) return null;
  // Everything needed from the lead before the trailer is fetched (that may move the window).
  const sums = recordSums(state, chain, lead);
  const pagesStart = at + leadBytes;
  const entries: Array<[number, LogPage]> = [];
  const view = new DataView(lead.buffer, lead.byteOffset, leadBytes);
  const first = kind === KIND_INDEX ? LEAD_FIXED + INDEX_FIXED : LEAD_FIXED;
  for (let i = 0; i < count; i++) {
    const e = first + i * ENTRY_BYTES;
    const offset = kind === KIND_INDEX ? view.getUint32(e + 4) : pagesStart + i * pageSize;
    entries.push([view.getUint32(e), { offset, sums: [view.getUint32(e + 8), view.getUint32(e + 12)] }]);
  }
  const superseding = kind === KIND_SUPERSEDED ? Buffer.from(lead.subarray(LEAD_FIXED)) : null;
  const commits = kind === KIND_INDEX ? view.getUint32(LEAD_FIXED) : 0;
  const trailerAt = pagesStart + pageCount * pageSize;
  const trailer = reader.bytes(trailerAt, TRAILER_BYTES);
  if (trailer === null) return null;
  const tail = new DataView(trailer.buffer, trailer.byteOffset, TRAILER_BYTES);
  if (tail.getUint32(0) !== TRAILER_MAGIC || tail.getUint32(4) !== leadBytes) return null;
  if (tail.getUint32(8) !== sums[0] || tail.getUint32(12) !== sums[1]) return null;
  return { kind, dbPages, entries, superseding, commits, sums, next: trailerAt + TRAILER_BYTES };
}

/** Whether every page of a commit record matches its checksum. */
function pagesIntact(source: ByteSource, state: LogState, record: RecordSeen): boolean {
  const page = Buffer.allocUnsafeSlow(state.header.pageSize);
  return record.entries.every(([number, entry]) => {
    if (source.read(page, entry.offset) !== page.length) return false;
    const sums = pageSums(state.header.salt, number, page);
    return sums[0] === entry.sums[0] && sums[1] === entry.sums[1];
  });
}

/**
 * Reads the records after `state` (mutated: pass a copy to keep the old one) and returns it. A
 * record that does not check out ends the log: everything from it on was never committed (a
 * writer that died mid-append). The pages of the last commit read are checked against their
 * checksums too: after a power cut its trailer may have reached the disk without all its pages,
 * and then it was never acknowledged either.
 */
export function scanLog(source: ByteSource, state: LogState): LogState {
  let reader = new WindowReader(source);
  const records: RecordSeen[] = [];
  let at = state.end;
  let seq = state.seq;
  let chain = state.chain;
  for (;;) {
    let record = readRecord(reader, state, at, seq, chain);
    if (record === null && !endsTheLog(source, state, at, seq)) {
      // A writer may have completed this record (and others after it) since it was read.
      reader = new WindowReader(source);
      record = readRecord(reader, state, at, seq, chain);
      if (record === null)
        throw new LogDamageError(
          `the record at byte ${at} does not check out, and committed records follow it`,
        );
    }
    if (record === null) break;
    records.push(record);
    at = record.next;
    seq += 1;
    chain = record.sums;
  }
  let lastCommit = -1;
  for (let i = records.length - 1; i >= 0 && lastCommit < 0; i--)
    if (records[i]!.kind === KIND_COMMIT) lastCommit = i;
  if (lastCommit >= 0 && !pagesIntact(source, state, records[lastCommit]!)) records.length = lastCommit;
  for (const record of records) applyRecord(state, record);
  return state;
}

/**
 * Whether what lies at `at`, where no valid record is, can be the end of the log: nothing, a
 * record cut short by a writer that died (its lead is whole or cut, the file ends before the end
 * it claims), or zeros (a power cut can leave an appended range unwritten). Anything else there is
 * damage: stopping at it would silently drop the commits after it, and the next writer would cut
 * them off.
 */
function endsTheLog(source: ByteSource, state: LogState, at: number, seq: number): boolean {
  const size = source.size();
  if (size <= at) return true;
  const fixed = new Uint8Array(Math.min(LEAD_FIXED, size - at));
  source.read(fixed, at);
  const head = new DataView(fixed.buffer, 0, fixed.length);
  if (fixed.length < 4 || head.getUint32(0) !== LEAD_MAGIC)
    return fixed.length < 4 || allZeros(source, at, size);
  if (fixed.length < LEAD_FIXED) return true;
  const kind = head.getUint32(4);
  const count = head.getUint32(8);
  const pages = kind === KIND_COMMIT ? count : 0;
  const leadBytes =
    kind === KIND_COMMIT
      ? LEAD_FIXED + ENTRY_BYTES * count
      : kind === KIND_INDEX
        ? LEAD_FIXED + INDEX_FIXED + ENTRY_BYTES * count
        : LEAD_FIXED + IDENTITY_BYTES;
  const claimedEnd = at + leadBytes + pages * state.header.pageSize + TRAILER_BYTES;
  const sameLog = head.getUint32(16) * 2 ** 32 + head.getUint32(20) === seq + 1;
  return (sameLog && size <= claimedEnd) || allZeros(source, at, size);
}

function allZeros(source: ByteSource, from: number, to: number): boolean {
  const chunk = new Uint8Array(Math.min(1 << 16, to - from));
  for (let at = from; at < to; at += chunk.length) {
    const n = source.read(chunk, at);
    for (let i = 0; i < n; i++) if (chunk[i] !== 0) return false;
    if (n < chunk.length) return true;
  }
  return true;
}

/** Whether a complete, valid record follows `state` in the log (someone committed after it). */
export function hasRecordAt(source: ByteSource, state: LogState): boolean {
  return readRecord(new WindowReader(source), state, state.end, state.seq, state.chain) !== null;
}

export function applyRecord(state: LogState, record: RecordSeen): void {
  if (record.kind === KIND_COMMIT) {
    for (const [number, entry] of record.entries) state.pages.set(number, entry);
    state.dbPages = record.dbPages;
    state.commits += 1;
  } else if (record.kind === KIND_INDEX) {
    state.pages = new Map(record.entries);
    state.dbPages = record.commits > 0 ? record.dbPages : null;
    state.commits = record.commits;
    state.indexSeq = state.seq + 1;
    state.indexEnd = record.next;
  } else if (record.superseding !== null) {
    state.supersededBy.push(record.superseding);
  }
  state.end = record.next;
  state.seq += 1;
  state.chain = record.sums;
}

/** The page numbers and contents of a commit, in the order they go into the log. */
export interface CommitPage {
  number: number;
  bytes: Uint8Array;
}
