// Appending to the page log (pageLog.ts describes the layout): commits, the marker a checkpoint
// leaves, and the index records that keep opening a long log cheap. Only under the write lock.

import fs from 'node:fs';
import type { Sums } from './logChecksum';
import { pageSums, sumsBytes } from './logChecksum';
import type { CommitPage, LogPage, LogState, RecordSeen } from './pageLog';
import {
  ENTRY_BYTES,
  IDENTITY_BYTES,
  KIND_COMMIT,
  KIND_INDEX,
  KIND_SUPERSEDED,
  LEAD_FIXED,
  LEAD_MAGIC,
  TRAILER_BYTES,
  TRAILER_MAGIC,
  applyRecord,
  hintBytes,
  hintOffset,
  recordSums,
} from './pageLog';

/** An index is written once this many records came after the last one... */
const INDEX_EVERY_RECORDS = 64;
/** ...and they hold this many times the index's own size (a large index is written less often). */
const INDEX_EVERY_SIZE_FACTOR = 4;

/**
 * Appends a commit to the log open on `fd` (state describes it; updated on success) and syncs it;
 * returns where its pages are. `fence` runs before anything is written into the log: it throws to
 * abandon the commit. The lead and pages go in one write, the trailer (the commit point) in a
 * second one, then one fdatasync. If the sync fails the record is cut off again: a write reported
 * as failed is not left behind. Now and then an index follows (see pageLog.ts).
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
    const sums = pageSums(salt, page.number, page.bytes);
    const e = LEAD_FIXED + i * ENTRY_BYTES;
    lead.writeUInt32BE(page.number, e);
    sumsBytes(sums).copy(lead, e + 8);
    entries.push([page.number, { offset: pagesStart + i * pageSize, sums }]);
  });
  const record = writeRecord(
    fd,
    state,
    lead,
    pages.map((p) => p.bytes),
    fence,
  );
  applyRecord(state, record(KIND_COMMIT, dbPages, entries));
  if (indexDue(state)) appendIndex(fd, state);
  return new Map(entries);
}

/**
 * Appends the marker a checkpoint writes before it renames the new base into place: "the base
 * with `identity` holds everything in this log". A reader that finds the new base with this old
 * log (the checkpoint died before removing it, or the reader opened the log just before the
 * rename) then knows the log is spent, not foreign.
 */
export function appendSuperseded(fd: number, state: LogState, identity: Buffer, fence: () => void): void {
  const lead = Buffer.alloc(LEAD_FIXED + IDENTITY_BYTES);
  writeLeadFixed(lead, KIND_SUPERSEDED, 0, 0, state.seq + 1);
  identity.copy(lead, LEAD_FIXED);
  const record = writeRecord(fd, state, lead, [], fence);
  applyRecord(state, { ...record(KIND_SUPERSEDED, 0, []), superseding: identity });
}

function indexDue(state: LogState): boolean {
  return (
    state.seq - state.indexSeq >= INDEX_EVERY_RECORDS &&
    state.end - state.indexEnd >= INDEX_EVERY_SIZE_FACTOR * ENTRY_BYTES * state.pages.size
  );
}

/**
 * Appends an index of every page in the log so far, synced, then points a hint slot at it. The
 * slot is rewritten in place without a sync of its own: torn or lost, it only makes the next
 * opening read more records (its checksum gives it away).
 */
function appendIndex(fd: number, state: LogState): void {
  const pages = [...state.pages].sort((a, b) => a[0] - b[0]);
  const lead = Buffer.alloc(LEAD_FIXED + 8 + ENTRY_BYTES * pages.length);
  writeLeadFixed(lead, KIND_INDEX, pages.length, state.dbPages ?? 0, state.seq + 1);
  lead.writeUInt32BE(state.commits, LEAD_FIXED);
  pages.forEach(([number, page], i) => {
    const e = LEAD_FIXED + 8 + i * ENTRY_BYTES;
    lead.writeUInt32BE(number, e);
    lead.writeUInt32BE(page.offset, e + 4);
    sumsBytes(page.sums).copy(lead, e + 8);
  });
  const at = state.end;
  const chain = state.chain;
  const record = writeRecord(fd, state, lead, [], () => undefined);
  const seen = record(KIND_INDEX, state.dbPages ?? 0, pages);
  applyRecord(state, { ...seen, commits: state.commits });
  const slot = hintBytes(state.header, { at, seq: state.seq, chain });
  fs.writeSync(fd, slot, 0, slot.length, hintOffset(state.seq));
}

function writeLeadFixed(lead: Buffer, kind: number, count: number, dbPages: number, seq: number): void {
  lead.writeUInt32BE(LEAD_MAGIC, 0);
  lead.writeUInt32BE(kind, 4);
  lead.writeUInt32BE(count, 8);
  lead.writeUInt32BE(dbPages, 12);
  lead.writeBigUInt64BE(BigInt(seq), 16);
}

/** Writes a record after `state`'s last one and syncs it; returns how to describe it to applyRecord. */
function writeRecord(
  fd: number,
  state: LogState,
  lead: Buffer,
  pages: readonly Uint8Array[],
  fence: () => void,
): (kind: number, dbPages: number, entries: Array<[number, LogPage]>) => RecordSeen {
  const start = state.end;
  const sums: Sums = recordSums(state, state.chain, lead);
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeUInt32BE(TRAILER_MAGIC, 0);
  trailer.writeUInt32BE(lead.length, 4);
  sumsBytes(sums).copy(trailer, 8);
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
  const next = trailerAt + TRAILER_BYTES;
  return (kind, dbPages, entries) => ({ kind, dbPages, entries, superseding: null, commits: 0, sums, next });
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
