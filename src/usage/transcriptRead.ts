// Reads the lines of one transcript file from an offset: the part of a refresh that touches the
// bytes, shared by the store (main thread) and the transcript worker. Lines are found and checked
// on the bytes; only lines with the usage marker are read, by transcriptScan.ts (JSON.parse where
// it cannot be sure).

import fs from 'node:fs';
import type { LocatedEntry } from './transcriptEntry';
import { USAGE_MARKER, toEntry } from './transcriptEntry';
import { scanTranscriptLine } from './transcriptScan';

/** Which bytes of which file to read. */
export interface ReadJob {
  path: string;
  /** Relative to its `projects` folder. */
  rel: string;
  /** Where to start: the end of the last complete line read before. */
  offset: number;
  /** Where to stop (the size the file had when it was listed). */
  size: number;
}

/** What reading a job found. */
export interface ReadResult {
  /** The end of the last complete line: the next read starts here. */
  offset: number;
  entries: LocatedEntry[];
  /** Lines that could not be read (not JSON, or failed the checks). */
  badLines: number;
  /** Lines that were usage or damage (the ones counted in `entries` and `badLines`). */
  linesRead: number;
  bytesRead: number;
}

const MARKER = Buffer.from(USAGE_MARKER);
const NEWLINE = 0x0a;
/** Bytes read at a time. */
export const READ_CHUNK = 4 * 1024 * 1024;

/**
 * One reader's buffer, reused from file to file: fresh memory costs a page fault per 4 KiB on
 * first touch, which for 100 MB of transcripts was more than reading them.
 */
export class ReadBuffer {
  private _buf: Buffer | undefined;

  /** A buffer of at least `bytes` (up to READ_CHUNK), grown as needed. */
  get(bytes: number): Buffer {
    const want = Math.min(READ_CHUNK, Math.max(bytes, 64 * 1024));
    // allocUnsafeSlow: a buffer of its own, aligned for the scan's 32-bit word reads.
    if (this._buf === undefined || this._buf.length < want) this._buf = Buffer.allocUnsafeSlow(want);
    return this._buf;
  }
}

/**
 * Reads the job's bytes; stops at a partial last line. The reads are synchronous (a trip through
 * the thread pool per chunk only adds waiting); `pause`, when given, runs between chunks so that
 * a long first read on the main thread lets the event loop run.
 */
export async function readTranscript(
  job: ReadJob,
  buffer: ReadBuffer,
  pause?: () => Promise<void>,
): Promise<ReadResult> {
  const result: ReadResult = { offset: job.offset, entries: [], badLines: 0, linesRead: 0, bytesRead: 0 };
  const fd = fs.openSync(job.path, 'r');
  try {
    let kept = 0; // bytes of a line begun in the previous chunk, at the start of the buffer
    let position = job.offset;
    let buf = buffer.get(job.size - position);
    while (position < job.size) {
      if (kept === buf.length) {
        // One line longer than the buffer: grow it (rare; a line is one message).
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
        buf.copy(bigger, 0, 0, kept);
        buf = bigger;
      }
      const bytesRead = fs.readSync(
        fd,
        buf,
        kept,
        Math.min(buf.length - kept, job.size - position),
        position,
      );
      if (bytesRead === 0) break; // the file shrank since it was listed: the next refresh sees it
      position += bytesRead;
      result.bytesRead += bytesRead;
      const filled = kept + bytesRead;
      const consumed = scanLines(buf, filled, job.rel, result, position >= job.size);
      result.offset += consumed;
      kept = filled - consumed;
      if (kept > 0) buf.copy(buf, 0, consumed, filled);
      if (pause !== undefined && position < job.size) await pause();
    }
  } finally {
    fs.closeSync(fd);
  }
  return result;
}

/**
 * Reads the complete lines of `buf[0, length)` into `result`; returns how many bytes were
 * consumed. At the end of the file a last line without a newline is taken when it is complete JSON.
 */
function scanLines(buf: Buffer, length: number, rel: string, result: ReadResult, atEnd: boolean): number {
  let start = 0;
  for (;;) {
    const end = buf.indexOf(NEWLINE, start);
    if (end === -1 || end >= length) {
      if (!atEnd || start >= length) return start;
      const tail = parseTail(buf, start, length, rel);
      if (tail === 'partial') return start;
      record(result, tail);
      return length;
    }
    record(result, parseLine(buf, start, end, rel));
    start = end + 1;
  }
}

function hasMarker(buf: Buffer, start: number, end: number): boolean {
  const at = buf.indexOf(MARKER, start);
  return at !== -1 && at + MARKER.length <= end;
}

/** Above this length a line is searched for the usage marker before it is read. */
const LOOK_FIRST_BYTES = 4096;

type LineResult = LocatedEntry | 'none' | 'bad' | 'partial';

function record(result: ReadResult, line: LineResult): void {
  if (line === 'none') return;
  result.linesRead++;
  if (line === 'bad' || line === 'partial') result.badLines++;
  else result.entries.push(line);
}

/** The line without the blanks around it, as [start, end). */
function trimmed(buf: Buffer, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && (buf[s] === 0x20 || buf[s] === 0x0d || buf[s] === 0x09)) s++;
  while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0x0d || buf[e - 1] === 0x09)) e--;
  return [s, e];
}

// ccusage reads only lines with the usage marker (most of a transcript is prompts and tool
// results); a line without it counts as bad only when it cannot be a JSON object at all. Short
// lines are read at once (the scan finds the marker as it goes, cheaper than searching for it
// first); long ones, mostly tool results, are searched first and skipped without it.
function parseLine(buf: Buffer, start: number, end: number, rel: string): LineResult {
  const [s, e] = trimmed(buf, start, end);
  if (s === e) return 'none';
  if (e - s > LOOK_FIRST_BYTES && !hasMarker(buf, s, e)) return withoutMarker(buf, s, e);
  const scanned = scanTranscriptLine(buf, s, e, rel);
  if (typeof scanned === 'object') return scanned;
  switch (scanned) {
    case 'rejected':
      return 'bad';
    case 'no-usage':
      return 'none';
    case 'not-json':
      return hasMarker(buf, s, e) ? 'bad' : withoutMarker(buf, s, e);
    case 'unsure':
      if (!hasMarker(buf, s, e)) return withoutMarker(buf, s, e);
      return parseWhole(buf, s, e, rel) ?? 'bad';
  }
}

/** A line without the usage marker: not usage, and bad only when it cannot be a JSON object. */
function withoutMarker(buf: Buffer, s: number, e: number): 'none' | 'bad' {
  return buf[s] === 0x7b && buf[e - 1] === 0x7d ? 'none' : 'bad';
}

/** The last line of a file, without a newline: 'partial' while it is not complete JSON. */
function parseTail(buf: Buffer, start: number, end: number, rel: string): LineResult {
  const [s, e] = trimmed(buf, start, end);
  if (s === e) return 'none';
  if (!hasMarker(buf, s, e)) return withoutMarker(buf, s, e) === 'none' ? 'none' : 'partial';
  const entry = parseWhole(buf, s, e, rel);
  return entry === undefined ? 'partial' : (entry ?? 'bad');
}

/** JSON.parse and the checks: undefined when the line is not JSON, null when a check fails. */
function parseWhole(buf: Buffer, s: number, e: number, rel: string): LocatedEntry | null | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(buf.toString('utf8', s, e));
  } catch {
    return undefined;
  }
  return toEntry(raw, rel);
}
