import fs from 'node:fs';

/** Where a log (or a base file) is read from: an open descriptor, or its bytes in memory. */
export interface ByteSource {
  /** Fills `into` from `position`; returns how many bytes there were (fewer at the end). */
  read(into: Uint8Array, position: number): number;
  /** How many bytes there are now. */
  size(): number;
}

export function descriptorSource(fd: number): ByteSource {
  return {
    size: () => fs.fstatSync(fd).size,
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

  size(): number {
    return this._length;
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

/**
 * How much one read brings in while a log's records are scanned: a record's trailer and the lead
 * of the next one (which follows it at once) in one small read. Not more: the pages in between are
 * not needed, and copying them cost more than the reads (a 12 MB log: ~36 ms in 1 MB windows).
 */
const WINDOW_BYTES = 512;

/**
 * Reads a source through one reused buffer, a small window at a time. A view it returns is valid
 * until the next call (which may move the window).
 */
export class WindowReader {
  private _buffer = new Uint8Array(WINDOW_BYTES);
  private _start = 0;
  private _length = 0;

  constructor(private readonly _source: ByteSource) {}

  /** Bytes `at` to `at + length`, or null when the source ends before. */
  bytes(at: number, length: number): Uint8Array | null {
    if (at < this._start || at + length > this._start + this._length) {
      if (length > this._buffer.length)
        this._buffer = new Uint8Array(Math.max(length, 2 * this._buffer.length));
      this._start = at;
      this._length = this._source.read(this._buffer, at);
    }
    if (at + length > this._start + this._length) return null;
    return this._buffer.subarray(at - this._start, at - this._start + length);
  }
}
