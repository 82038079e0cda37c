// Reads one transcript line straight from its bytes, without JSON.parse: jsonLineScan.ts checks
// the line is JSON and finds the few fields a usage entry needs; only those are decoded.
// JSON.parse of a whole line builds every object and string in it (the message text, tool
// inputs), which was most of a cold report's time and garbage.
//
// The result must always equal `toEntry(JSON.parse(line))`. Where the scan cannot be sure (a key
// written with escapes, very deep nesting) it says so and the caller parses the line the ordinary
// way. test/unit/transcriptScan.test.ts holds the two side by side on tricky lines.

import { F, Kind, Scan, fieldEnd, fieldEscaped, fieldKind, fieldStart, scanJsonLine } from './jsonLineScan';
import type { LocatedEntry } from './transcriptEntry';
import { dedupKey, isTranscriptTimestamp, isTranscriptVersion, makeEntry } from './transcriptEntry';

const COLON = 0x3a;
const MINUS = 0x2d;

// The buffer being read, and a view of it for reading four bytes at a time.
let buf: Buffer = Buffer.alloc(0);
let view = new DataView(buf.buffer, buf.byteOffset, buf.length);

/**
 * What a line is: its entry; `rejected` (a usage line that fails a check); `no-usage` (JSON
 * without the usage marker, which ccusage does not read); `not-json` (not a JSON object); or
 * `unsure` (something only JSON.parse can settle: a key written with escapes, deep nesting).
 */
export type ScannedLine = LocatedEntry | 'rejected' | 'no-usage' | 'not-json' | 'unsure';

/**
 * Reads the line `bytes[start, stop)` (no newline in it) with `rel` as its file. An entry or
 * `rejected` exactly when the line has the marker and `toEntry(JSON.parse(line))` is an entry or
 * null.
 */
export function scanTranscriptLine(bytes: Buffer, start: number, stop: number, rel: string): ScannedLine {
  if (bytes !== buf) {
    buf = bytes;
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  switch (scanJsonLine(bytes, view, start, stop)) {
    case Scan.Usage:
      return entryOf(rel) ?? 'rejected';
    case Scan.Ok:
      return 'no-usage';
    case Scan.Bad:
      return 'not-json';
    default:
      return 'unsure';
  }
}

function entryOf(rel: string): LocatedEntry | null {
  const kind = fieldKind;
  const version = kind[F.Version];
  if (
    !(kind[F.Cwd] === Kind.Absent || kind[F.Cwd] === Kind.String) ||
    !optionalId(F.SessionId) ||
    !optionalId(F.RequestId) ||
    !(kind[F.CostUsd] === Kind.Absent || kind[F.CostUsd] === Kind.Number) ||
    !(kind[F.ApiError] === Kind.Absent || kind[F.ApiError] === Kind.Boolean) ||
    !(version === Kind.Absent || (version === Kind.String && knownVersion(versions.get(F.Version)))) ||
    kind[F.Timestamp] !== Kind.String ||
    kind[F.Message] !== Kind.Object ||
    !optionalId(F.Model) ||
    !optionalId(F.Id) ||
    !(kind[F.Content] === Kind.Absent || kind[F.Content] === Kind.Array) ||
    kind[F.Usage] !== Kind.Object ||
    kind[F.Input] !== Kind.Number ||
    kind[F.Output] !== Kind.Number ||
    !(kind[F.CacheCreation] === Kind.Absent || kind[F.CacheCreation] === Kind.Number) ||
    !(kind[F.CacheRead] === Kind.Absent || kind[F.CacheRead] === Kind.Number)
  ) {
    return null;
  }
  let fast = false;
  if (kind[F.Speed] !== Kind.Absent) {
    const s = kind[F.Speed] === Kind.String ? text(F.Speed) : '';
    if (s !== 'standard' && s !== 'fast') return null;
    fast = s === 'fast';
  }
  const ts = timestampOf(F.Timestamp);
  if (ts === null) return null;
  const name = kind[F.Model] === Kind.Absent ? null : models.get(F.Model);
  return makeEntry(
    ts,
    kind[F.Id] === Kind.Absent ? null : keyOf(F.Id, F.RequestId),
    name === null ? null : fast ? `${name}-fast` : name,
    number(F.Input),
    number(F.Output),
    kind[F.CacheCreation] === Kind.Absent ? 0 : number(F.CacheCreation),
    kind[F.CacheRead] === Kind.Absent ? 0 : number(F.CacheRead),
    kind[F.CostUsd] === Kind.Absent ? null : number(F.CostUsd),
    kind[F.SessionId] === Kind.Absent ? null : sessions.get(F.SessionId),
    version === Kind.Absent ? null : versions.get(F.Version),
    rel,
  );
}

/**
 * The last few values of a field, so that the thousands of entries of a session share one
 * string for its model, session id and version instead of a copy each (less to allocate, less
 * for the garbage collector to move).
 */
class RecentStrings {
  private readonly _bytes: Buffer[] = [];
  private readonly _views: DataView[] = [];
  private readonly _strings: string[] = [];
  private _next = 0;
  private _last = 0;

  get(f: number): string {
    if (fieldEscaped[f] === 1) return text(f);
    const from = fieldStart[f]! + 1;
    const len = fieldEnd[f]! - 1 - from;
    const n = this._bytes.length;
    // The value of the last line first: a session's lines share it.
    for (let k = 0; k < n; k++) {
      const i = (this._last + k) % n;
      const known = this._bytes[i]!;
      if (known.length === len && sameBytes(known, this._views[i]!, from)) {
        this._last = i;
        return this._strings[i]!;
      }
    }
    const value = text(f);
    const bytes = Buffer.from(buf.subarray(from, from + len));
    this._bytes[this._next] = bytes;
    this._views[this._next] = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    this._strings[this._next] = value;
    this._last = this._next;
    this._next = (this._next + 1) % 8;
    return value;
  }
}

function sameBytes(known: Buffer, knownView: DataView, from: number): boolean {
  const len = known.length;
  let i = 0;
  for (; i + 4 <= len; i += 4)
    if (view.getInt32(from + i, true) !== knownView.getInt32(i, true)) return false;
  for (; i < len; i++) if (known[i] !== buf[from + i]) return false;
  return true;
}

/** The last version string checked, and whether it passed (a session's lines share one). */
let checkedVersion = '';
let checkedVersionOk = false;
function knownVersion(version: string): boolean {
  if (version !== checkedVersion) {
    checkedVersion = version;
    checkedVersionOk = isTranscriptVersion(version);
  }
  return checkedVersionOk;
}

const models = new RecentStrings();
const sessions = new RecentStrings();
const versions = new RecentStrings();

/** Scratch space to build a key in, so that it is one string, not a concatenation of three. */
let keyBytes = Buffer.allocUnsafe(256);

/** `message.id` + `:` + `requestId` (or the id alone), as dedupKey makes it. */
function keyOf(id: number, request: number): string {
  if (fieldKind[request] === Kind.Absent) return text(id);
  if (fieldEscaped[id] === 1 || fieldEscaped[request] === 1) return dedupKey(text(id), text(request));
  const idStart = fieldStart[id]! + 1;
  const requestStart = fieldStart[request]! + 1;
  const idLen = fieldEnd[id]! - 1 - idStart;
  const requestLen = fieldEnd[request]! - 1 - requestStart;
  const len = idLen + 1 + requestLen;
  if (keyBytes.length < len) keyBytes = Buffer.allocUnsafe(len * 2);
  const k = keyBytes;
  const b = buf;
  // Byte by byte: ids are short, and Buffer.copy's checks cost more than copying them.
  for (let i = 0; i < idLen; i++) k[i] = b[idStart + i]!;
  k[idLen] = COLON;
  for (let i = 0; i < requestLen; i++) k[idLen + 1 + i] = b[requestStart + i]!;
  // The colon is ASCII: decoding the whole is decoding each part.
  return keyBytes.toString('utf8', 0, len);
}

/**
 * Epoch milliseconds of a `timestamp` that passes ccusage's check, else null. The usual
 * `YYYY-MM-DDTHH:MM:SS.mmmZ` is read from its digits; anything unusual (escapes, a 30 February,
 * 24:00, a year before 1970) goes through the string check and Date.parse, whose answer it is.
 */
function timestampOf(f: number): number | null {
  const s = fieldStart[f]! + 1;
  const len = fieldEnd[f]! - 1 - s;
  if (fieldEscaped[f] === 0 && (len === 20 || len === 24)) {
    const year = digits(s, 4);
    const month = digits(s + 5, 2);
    const day = digits(s + 8, 2);
    const hour = digits(s + 11, 2);
    const minute = digits(s + 14, 2);
    const second = digits(s + 17, 2);
    const ms = len === 24 ? digits(s + 20, 3) : 0;
    if (
      buf[s + 4] === MINUS &&
      buf[s + 7] === MINUS &&
      buf[s + 10] === 0x54 && // T
      buf[s + 13] === COLON &&
      buf[s + 16] === COLON &&
      (len === 20 || buf[s + 19] === 0x2e) &&
      buf[s + len - 1] === 0x5a && // Z
      year >= 1970 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= 28 &&
      hour >= 0 &&
      hour <= 23 &&
      minute >= 0 &&
      minute <= 59 &&
      second >= 0 &&
      second <= 59 &&
      ms >= 0
    ) {
      return Date.UTC(year, month - 1, day, hour, minute, second, ms);
    }
  }
  const value = text(f);
  return isTranscriptTimestamp(value) ? Date.parse(value) : null;
}

/** The decimal number of `count` digits at `p`, or -1 when one of them is not a digit. */
function digits(p: number, count: number): number {
  let n = 0;
  for (let i = p; i < p + count; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Absent, or a string that is not empty (an escape always decodes to something). */
function optionalId(f: number): boolean {
  const kind = fieldKind[f];
  return kind === Kind.Absent || (kind === Kind.String && fieldEnd[f]! - fieldStart[f]! > 2);
}

/** A string field's value, decoded as JSON.parse would. */
function text(f: number): string {
  if (fieldEscaped[f] === 1) return JSON.parse(buf.toString('utf8', fieldStart[f], fieldEnd[f])) as string;
  // The quotes are ASCII, so decoding the inside alone gives what decoding the line would.
  return buf.toString('utf8', fieldStart[f]! + 1, fieldEnd[f]! - 1);
}

/** Exact powers of ten: an integer below 2^53 divided by one of them is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A number field's value, as JSON.parse reads it (the scan checked its syntax). Up to 15 digits
 * and 22 decimals without an exponent, the digits as an integer divided by a power of ten is the
 * correctly rounded value (both are exact doubles, and IEEE division rounds correctly); anything
 * else goes through Number().
 */
function number(f: number): number {
  const start = fieldStart[f]!;
  const end = fieldEnd[f]!;
  let i = start;
  const negative = buf[i] === MINUS;
  if (negative) i++;
  let n = 0;
  let digits = 0;
  let decimals = -1;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === 0x2e) decimals = 0;
    else if (c >= 0x30 && c <= 0x39) {
      n = n * 10 + (c - 0x30);
      digits++;
      if (decimals >= 0) decimals++;
    } else break;
  }
  if (i !== end || digits > 15 || decimals > 22) return Number(buf.toString('latin1', start, end));
  const value = decimals > 0 ? n / POW10[decimals]! : n;
  return negative ? -value : value;
}
