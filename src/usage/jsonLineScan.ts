// Checks that one line is JSON, byte by byte and as strictly as JSON.parse, and notes where the
// fields a usage entry reads are (the last occurrence of each, as JSON.parse keeps the last of
// duplicate keys), without building any object or string. transcriptScan.ts turns the fields into
// an entry. One flat loop with its state in locals: a first version with a function per token
// was twice as slow.

// The constants are const enums on purpose: esbuild writes their values into the code, where
// plain module constants stay variables the optimised loop must load at every byte.

/** scanJsonLine's answers. */
export const enum Scan {
  /** JSON, an object, without the usage marker (ccusage does not read such a line). */
  Ok = 0,
  /** JSON, an object, with the usage marker `"usage":{`. */
  Usage = 1,
  /** Not JSON, or JSON whose top value is not an object. */
  Bad = -1,
  /** Something only JSON.parse can settle (a key written with escapes, deep nesting). */
  Fallback = -2,
}

/** What a field's value was. */
export const enum Kind {
  Absent = 0,
  String = 1,
  Number = 2,
  Boolean = 3,
  Null = 4,
  Object = 5,
  Array = 6,
  /** A content array with a block that is not an object, or whose `text` is not a string. */
  BadBlocks = 7,
}

/** The fields, by where they are: the line, `message`, `message.usage`, a content block. */
export const enum F {
  Cwd = 1,
  SessionId = 2,
  RequestId = 3,
  CostUsd = 4,
  ApiError = 5,
  Version = 6,
  Timestamp = 7,
  Message = 8,
  Model = 9,
  Id = 10,
  Content = 11,
  Usage = 12,
  Input = 13,
  Output = 14,
  CacheCreation = 15,
  CacheRead = 16,
  Speed = 17,
  Text = 18,
}
const FIELDS = 19;

/** Per field: its kind, and for a scalar the span of its token (a string's with its quotes). */
export const fieldKind = new Uint8Array(FIELDS);
export const fieldStart = new Int32Array(FIELDS);
export const fieldEnd = new Int32Array(FIELDS);
/** 1 when the string had escapes (decode it with JSON.parse, not as plain UTF-8). */
export const fieldEscaped = new Uint8Array(FIELDS);

/** What each open container is; arrays from Content on. */
const enum C {
  Top = 1,
  Message = 2,
  Usage = 3,
  Block = 4,
  Object = 5,
  Content = 6,
  Array = 7,
}

/** Deeper nesting is left to JSON.parse (transcripts nest a handful of levels). */
const MAX_DEPTH = 64;
const containers = new Uint8Array(MAX_DEPTH + 1);

/** The scan's states. */
const enum State {
  Value = 0,
  AfterValue = 1,
  Key = 2,
}

/** The bytes the scan looks at. */
const enum B {
  Tab = 0x09,
  Newline = 0x0a,
  Return = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Comma = 0x2c,
  Minus = 0x2d,
  Plus = 0x2b,
  Dot = 0x2e,
  Zero = 0x30,
  One = 0x31,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  LBracket = 0x5b,
  Backslash = 0x5c,
  RBracket = 0x5d,
  A = 0x61,
  LowerE = 0x65,
  LowerF = 0x66,
  L = 0x6c,
  N = 0x6e,
  R = 0x72,
  S = 0x73,
  T = 0x74,
  U = 0x75,
  LBrace = 0x7b,
  RBrace = 0x7d,
}

/** Per byte inside a string: 0 ordinary, 1 quote, 2 backslash, 3 control character (invalid). */
const IN_STRING = new Uint8Array(256);
for (let c = 0; c < B.Space; c++) IN_STRING[c] = 3;
IN_STRING[B.Quote] = 1;
IN_STRING[B.Backslash] = 2;

/** Bytes that may follow a backslash (besides `u` and four hex digits). */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const ch of '"\\/bfnrt') SIMPLE_ESCAPE[ch.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const ch of '0123456789abcdefABCDEF') HEX[ch.charCodeAt(0)] = 1;

/** The key of each field, as bytes, and its first bytes as little-endian 32-bit words. */
const FIELD_KEY: Uint8Array[] = [];
const FIELD_KEY_WORDS: Int32Array[] = [];
/**
 * Per container kind, key length (< 32) and first byte: the one field whose key that can be, 0
 * for none. A key is looked up here, then compared in full only on a hit: most keys of a line
 * (uuid, type, role, ...) are not read and cost one table load.
 */
const KEY_INDEX = new Uint8Array(8 << 13);
const keyIndexAt = (container: number, len: number, first: number) => (container << 13) | (len << 8) | first;
function indexKeys(container: C, keys: Record<string, F>): void {
  for (const [name, field] of Object.entries(keys)) {
    const bytes = Buffer.from(name, 'latin1');
    const at = keyIndexAt(container, bytes.length, bytes[0]!);
    if (bytes.length >= 32 || KEY_INDEX[at] !== 0)
      throw new Error(`jsonLineScan: cannot index the key ${name}`);
    KEY_INDEX[at] = field;
    FIELD_KEY[field] = bytes;
    const words = new Int32Array(bytes.length >> 2);
    for (let i = 0; i < words.length; i++) words[i] = bytes.readInt32LE(i * 4);
    FIELD_KEY_WORDS[field] = words;
  }
}
indexKeys(C.Top, {
  cwd: F.Cwd,
  sessionId: F.SessionId,
  requestId: F.RequestId,
  costUSD: F.CostUsd,
  isApiErrorMessage: F.ApiError,
  version: F.Version,
  timestamp: F.Timestamp,
  message: F.Message,
});
indexKeys(C.Message, { model: F.Model, id: F.Id, content: F.Content, usage: F.Usage });
indexKeys(C.Usage, {
  input_tokens: F.Input,
  output_tokens: F.Output,
  cache_creation_input_tokens: F.CacheCreation,
  cache_read_input_tokens: F.CacheRead,
  speed: F.Speed,
});
indexKeys(C.Block, { text: F.Text });

/** Whether the last string skipString read had escapes. */
let escaped = false;

/**
 * Scans `b[start, end)`. Scan.Ok or Scan.Usage mean it is JSON and its top value is an object;
 * the field arrays then describe it. `view` is a DataView of `b` (to read four bytes at a time).
 */
export function scanJsonLine(b: Buffer, view: DataView, start: number, end: number): number {
  // Module constants copied into locals: the optimiser keeps locals in registers.
  const kinds = fieldKind;
  const open = containers;
  const keyIndex = KEY_INDEX;
  kinds.fill(Kind.Absent);
  let p = start;
  let c = 0;
  while (p < end && ((c = b[p]!) === B.Space || c === B.Tab || c === B.Return || c === B.Newline)) p++;
  if (p >= end || c !== B.LBrace) return Scan.Bad;
  let depth = 0;
  let state = State.Value;
  let pending = 0; // the field the value about to be read belongs to, 0 for none
  let blocksOk = true;
  let marker = false;
  for (;;) {
    while (p < end && ((c = b[p]!) === B.Space || c === B.Tab || c === B.Return || c === B.Newline)) p++;
    if (state === State.AfterValue) {
      if (depth === 0) return p !== end ? Scan.Bad : marker ? Scan.Usage : Scan.Ok;
      if (p >= end) return Scan.Bad;
      const container = open[depth]!;
      if (c === B.Comma) {
        p++;
        state = container >= C.Content ? State.Value : State.Key;
      } else if (c === B.RBrace && container < C.Content) {
        if (container === C.Block) {
          const text = kinds[F.Text];
          if (text !== Kind.Absent && text !== Kind.String) blocksOk = false;
        }
        depth--;
        p++;
      } else if (c === B.RBracket && container >= C.Content) {
        if (container === C.Content && !blocksOk) kinds[F.Content] = Kind.BadBlocks;
        depth--;
        p++;
      } else return Scan.Bad;
    } else if (state === State.Key) {
      if (p >= end || c !== B.Quote) return Scan.Bad;
      const from = ++p;
      p = skipPlain(b, view, p, end);
      if (p >= end) return Scan.Bad;
      c = b[p]!;
      // A key spelled with escapes could be one of ours: only JSON.parse can say.
      if (c === B.Backslash) return Scan.Fallback;
      if (c !== B.Quote) return Scan.Bad;
      const len = p - from;
      pending = len < 32 ? keyIndex[keyIndexAt(open[depth]!, len, b[from]!)]! : 0;
      if (pending !== 0 && !isKey(b, view, from, pending)) pending = 0;
      // In valid JSON the marker's bytes can only be an unescaped key "usage" right before `:{`.
      if (
        len === 5 &&
        p + 2 < end &&
        b[p + 1] === B.Colon &&
        b[p + 2] === B.LBrace &&
        isKey(b, view, from, F.Usage)
      ) {
        marker = true;
      }
      p++;
      while (p < end && ((c = b[p]!) === B.Space || c === B.Tab || c === B.Return || c === B.Newline)) p++;
      if (p >= end || c !== B.Colon) return Scan.Bad;
      p++;
      state = State.Value;
    } else {
      if (p >= end) return Scan.Bad;
      const field = pending;
      pending = 0;
      const parent = open[depth]!;
      if (parent === C.Content && c !== B.LBrace) blocksOk = false;
      if (c === B.LBrace || c === B.LBracket) {
        if (depth === MAX_DEPTH) return Scan.Fallback;
        depth++;
        p++;
        let container: number;
        if (c === B.LBrace) {
          if (field === F.Message) {
            container = C.Message;
            kinds[F.Model] = kinds[F.Id] = kinds[F.Content] = kinds[F.Usage] = Kind.Absent;
          } else if (field === F.Usage) {
            container = C.Usage;
            for (let f = F.Input; f <= F.Speed; f++) kinds[f] = Kind.Absent;
          } else if (parent === C.Content) {
            container = C.Block;
            kinds[F.Text] = Kind.Absent;
          } else container = depth === 1 ? C.Top : C.Object;
          if (field !== 0) kinds[field] = Kind.Object;
        } else {
          container = field === F.Content ? C.Content : C.Array;
          if (field === F.Content) blocksOk = true;
          if (field !== 0) kinds[field] = Kind.Array;
        }
        open[depth] = container;
        while (p < end && ((c = b[p]!) === B.Space || c === B.Tab || c === B.Return || c === B.Newline)) p++;
        if (p < end && c === (container >= C.Content ? B.RBracket : B.RBrace)) {
          // Empty: an empty block has no text; an empty content array is fine.
          depth--;
          p++;
          state = State.AfterValue;
        } else state = container >= C.Content ? State.Value : State.Key;
        continue;
      }
      const from = p;
      let kind: number;
      if (c === B.Quote) {
        p = skipString(b, view, p + 1, end);
        kind = Kind.String;
      } else if (c === B.Minus || (c >= B.Zero && c <= B.Nine)) {
        p = skipNumber(b, p, end);
        kind = Kind.Number;
      } else if (c === B.T && p + 4 <= end && b[p + 1] === B.R && b[p + 2] === B.U && b[p + 3] === B.LowerE) {
        p += 4; // true
        kind = Kind.Boolean;
      } else if (
        c === B.LowerF &&
        p + 5 <= end &&
        b[p + 1] === B.A &&
        b[p + 2] === B.L &&
        b[p + 3] === B.S &&
        b[p + 4] === B.LowerE
      ) {
        p += 5; // false
        kind = Kind.Boolean;
      } else if (c === B.N && p + 4 <= end && b[p + 1] === B.U && b[p + 2] === B.L && b[p + 3] === B.L) {
        p += 4; // null
        kind = Kind.Null;
      } else return Scan.Bad;
      if (p < 0) return p;
      if (field !== 0) {
        kinds[field] = kind;
        fieldStart[field] = from;
        fieldEnd[field] = p;
        fieldEscaped[field] = kind === Kind.String && escaped ? 1 : 0;
      }
      state = State.AfterValue;
    }
  }
}

/** Whether the key at `from` is the field's (its length is known to be the same). */
function isKey(b: Buffer, view: DataView, from: number, field: number): boolean {
  const words = FIELD_KEY_WORDS[field]!;
  for (let i = 0; i < words.length; i++) if (view.getInt32(from + i * 4, true) !== words[i]) return false;
  const key = FIELD_KEY[field]!;
  for (let j = words.length * 4; j < key.length; j++) if (b[from + j] !== key[j]) return false;
  return true;
}

/** Skips a string from just after its opening quote; the position after its closing quote, or Scan.Bad. */
function skipString(b: Buffer, view: DataView, p: number, end: number): number {
  escaped = false;
  for (;;) {
    p = skipPlain(b, view, p, end);
    if (p >= end) return Scan.Bad;
    const c = b[p]!;
    if (c === B.Quote) return p + 1;
    if (c !== B.Backslash) return Scan.Bad; // a raw control character
    escaped = true;
    if (p + 1 >= end) return Scan.Bad;
    const e = b[p + 1]!;
    if (e === B.U) {
      if (p + 6 > end) return Scan.Bad;
      if ((HEX[b[p + 2]!]! & HEX[b[p + 3]!]! & HEX[b[p + 4]!]! & HEX[b[p + 5]!]!) === 0) return Scan.Bad;
      p += 6;
    } else if (SIMPLE_ESCAPE[e] === 1) p += 2;
    else return Scan.Bad;
  }
}

/**
 * The position of the first quote, backslash or control character at or after `p` (or `end`):
 * four bytes at a time, with exact bit tests for "a byte equal to" and "a byte below" on each
 * little-endian word (the lowest flagged byte is the first such byte). Most of a line's bytes
 * are inside strings: this is the scan's hot path.
 */
function skipPlain(b: Buffer, view: DataView, p: number, end: number): number {
  while (p + 4 <= end) {
    const x = view.getInt32(p, true);
    const quote = x ^ 0x22222222;
    const backslash = x ^ 0x5c5c5c5c;
    const flags =
      ((((quote - 0x01010101) | 0) & ~quote) |
        (((backslash - 0x01010101) | 0) & ~backslash) |
        (((x - 0x20202020) | 0) & ~x)) &
      0x80808080;
    if (flags !== 0) return p + ((31 - Math.clz32(flags & -flags)) >> 3);
    p += 4;
  }
  while (p < end && IN_STRING[b[p]!] === 0) p++;
  return p;
}

/** Skips a number as JSON writes it: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. */
function skipNumber(b: Buffer, p: number, end: number): number {
  if (b[p] === B.Minus) p++;
  if (p >= end) return Scan.Bad;
  const first = b[p]!;
  if (first === B.Zero) p++;
  else if (first >= B.One && first <= B.Nine) p = skipDigits(b, p + 1, end);
  else return Scan.Bad;
  if (p < end && b[p] === B.Dot) {
    const from = p + 1;
    p = skipDigits(b, from, end);
    if (p === from) return Scan.Bad;
  }
  if (p < end && (b[p] === B.LowerE || b[p] === B.UpperE)) {
    p++;
    if (p < end && (b[p] === B.Plus || b[p] === B.Minus)) p++;
    const from = p;
    p = skipDigits(b, from, end);
    if (p === from) return Scan.Bad;
  }
  return p;
}

function skipDigits(b: Buffer, p: number, end: number): number {
  while (p < end) {
    const c = b[p]!;
    if (c < B.Zero || c > B.Nine) break;
    p++;
  }
  return p;
}
