// The checksums of the page log (pageLog.ts) and the identity of a base file. SQLite's own WAL
// checksum (walChecksumBytes): two 32-bit sums over the data's little-endian 32-bit words, each
// word pair feeding both, seeded by the previous record's sums to chain records. It is meant to
// tell a torn or stale record from a whole one, not to resist forgery, and it is cheap enough in
// JavaScript that reading a log of a thousand records costs little: SHA-256 through node:crypto
// cost ~35 us per record there, most of a cold open.

import crypto from 'node:crypto';
import os from 'node:os';

/** Two 32-bit sums. */
export type Sums = readonly [number, number];

const littleEndian = os.endianness() === 'LE';

/** The bytes as little-endian 32-bit words (a view when aligned on this platform, else a copy). */
function wordsOf(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 8 !== 0)
    throw new Error(`checksummed data must be whole 8-byte units (${bytes.length} bytes)`);
  if (littleEndian && bytes.byteOffset % 4 === 0)
    return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const words = new Uint32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(i * 4, true);
  return words;
}

/** The sums of `bytes` (a multiple of 8 long), continuing from `seed`. */
export function checksum(bytes: Uint8Array, seed: Sums): [number, number] {
  const words = wordsOf(bytes);
  let s0 = seed[0];
  let s1 = seed[1];
  for (let i = 0; i < words.length; i += 2) {
    s0 = (s0 + words[i]! + s1) >>> 0;
    s1 = (s1 + words[i + 1]! + s0) >>> 0;
  }
  return [s0, s1];
}

/** Sums as the 8 bytes a record stores. */
export function sumsBytes(sums: Sums): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32BE(sums[0], 0);
  bytes.writeUInt32BE(sums[1], 4);
  return bytes;
}

export function readSums(bytes: Uint8Array, at: number): [number, number] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return [view.readUInt32BE(at), view.readUInt32BE(at + 4)];
}

/** The check of one page in the log: its bytes, seeded by the log's salt and the page's number. */
export function pageSums(salt: Sums, pageNumber: number, page: Uint8Array): [number, number] {
  return checksum(page, [(salt[0] ^ pageNumber) >>> 0, salt[1]]);
}

/**
 * Which base file a log belongs to (16 bytes): sums of the base's SQLite header (its first 100
 * bytes, which hold the random change counter every base replacement writes, see
 * `stampBaseHeader`) and its size, under two seeds.
 */
export function baseIdentity(header: Uint8Array, size: number): Buffer {
  const data = Buffer.alloc(112);
  data.set(header.subarray(0, 100));
  data.writeBigUInt64BE(BigInt(size), 104);
  return Buffer.concat([
    sumsBytes(checksum(data, [0x4e504c31, 0x62617365])),
    sumsBytes(checksum(data, [1, 2])),
  ]);
}

/**
 * Writes a fresh random value into the SQLite header's change counter (offset 24) and its
 * version-valid-for number (offset 92, kept equal so SQLite still trusts the header's page count).
 * SQLite only compares the counter to notice changes (sql.js does not even advance it); for us it
 * makes every base file distinct, so a log can name the one base it belongs to.
 */
export function stampBaseHeader(header: Uint8Array): void {
  const view = Buffer.from(header.buffer, header.byteOffset, 100);
  const old = view.readUInt32BE(24);
  let value = old;
  while (value === old || value === 0) value = crypto.randomBytes(4).readUInt32BE(0);
  view.writeUInt32BE(value, 24);
  view.writeUInt32BE(value, 92);
}
