import fs from 'node:fs';

/** Granularity of the changed-bytes overlay: SQLite writes whole pages of 512 B to 64 KiB. */
const CHUNK = 4096;
/** How much of the image one positional write to the saved file carries. */
const STREAM_BYTES = 1 << 20;
/** Reported as the capacity of the contents, so sql.js's file system never reallocates them. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;
const EMPTY = new Uint8Array(0);

/** Where the bytes nobody changed since the last save come from. */
type Base = { kind: 'file'; fd: number; size: number } | { kind: 'bytes'; bytes: Uint8Array };

/**
 * The database file as sql.js's in-memory file system (Emscripten MEMFS) sees it, without copying
 * the file into memory: reads come from the saved file through an open descriptor, and the pages
 * SQLite writes are kept in an overlay until the next save streams base + overlay to disk.
 *
 * Why: on machines where fresh memory is expensive (this project's CI VM pays ~3 ms per MB in page
 * faults), reading a 28 MB database whole cost ~90 ms on every open and every reload after another
 * process saved, and `export()` made a second full copy on every save. With the image, opening
 * reads only the pages a query touches, and a save is one streamed write of the file.
 *
 * How sql.js is made to use it (MEMFS of the pinned sql.js 1.16.0, checked by tests):
 * - `new SQL.Database(input)` writes `input` into a new MEMFS file; for an empty file MEMFS keeps
 *   `input.slice(0, length)` as the file's contents, so `slice` hands over our contents object.
 * - MEMFS reads with `contents.subarray(a, b)` and copies the result at once; it writes with
 *   `contents.set(bytes, position)` after checking `contents.length` (the capacity) is enough.
 * - Only a shrinking truncate (VACUUM, auto-vacuum; Night Pilot uses neither) would replace the
 *   contents with a plain array. `NightPilotDatabase` checks after every commit that SQLite's page
 *   count still matches this image, and falls back to `export()` if it ever does not.
 * If a sql.js upgrade stops calling `slice`, `adopted` stays false and the caller falls back to
 * handing sql.js the whole file.
 */
export class FileImage {
  private readonly _overlay = new Map<number, Uint8Array>();
  private _size: number;
  private _scratch: Buffer = Buffer.allocUnsafeSlow(64 * 1024);
  private _adopted = false;
  private _closed = false;
  private _failure: Error | undefined;

  private constructor(private _base: Base) {
    this._size = baseSize(_base);
  }

  /** An image over an open descriptor of an immutable file (replaced by rename, never rewritten). */
  static fromDescriptor(fd: number, size: number): FileImage {
    return new FileImage({ kind: 'file', fd, size });
  }

  /** An image over bytes already in memory (platforms where an open file blocks replacing it). */
  static fromBytes(bytes: Uint8Array): FileImage {
    return new FileImage({ kind: 'bytes', bytes });
  }

  get size(): number {
    return this._size;
  }

  /** Whether anything was written since the base was saved. */
  get changed(): boolean {
    return this._overlay.size > 0 || this._size !== baseSize(this._base);
  }

  /** Whether sql.js took this image as its file (see the class comment). */
  get adopted(): boolean {
    return this._adopted;
  }

  /** The first error reading the base; the image's content cannot be trusted after one. */
  get failure(): Error | undefined {
    return this._failure;
  }

  /**
   * Bytes `start` to `end` (zeros past the end of the file). The result may be a view of a scratch
   * buffer that the next call reuses: copy it before reading again.
   */
  read(start: number, end: number): Uint8Array {
    this._assertOpen();
    const length = end - start;
    if (length <= 0) return EMPTY;
    const first = Math.floor(start / CHUNK);
    const last = Math.floor((end - 1) / CHUNK);
    const base = this._base;
    if (base.kind === 'bytes' && end <= base.bytes.length && !this._overlaid(first, last)) {
      return base.bytes.subarray(start, end);
    }
    const out = this._scratchOf(length);
    this._readBase(out, start, end);
    this._forEachOverlaid(first, last, (index, chunk) => {
      const chunkStart = index * CHUNK;
      const from = Math.max(start, chunkStart);
      const to = Math.min(end, chunkStart + CHUNK);
      out.set(chunk.subarray(from - chunkStart, to - chunkStart), from - start);
    });
    return out;
  }

  /** Records `bytes` at `position`, growing the file if they reach past its end. */
  write(bytes: Uint8Array, position: number): void {
    this._assertOpen();
    let done = 0;
    while (done < bytes.length) {
      const at = position + done;
      const index = Math.floor(at / CHUNK);
      const within = at - index * CHUNK;
      const n = Math.min(CHUNK - within, bytes.length - done);
      let chunk = this._overlay.get(index);
      if (chunk === undefined) {
        chunk = new Uint8Array(CHUNK);
        // A partial chunk keeps the bytes around the write.
        if (n !== CHUNK) chunk.set(this.read(index * CHUNK, index * CHUNK + CHUNK));
        this._overlay.set(index, chunk);
      }
      chunk.set(bytes.subarray(done, done + n), within);
      done += n;
    }
    this._size = Math.max(this._size, position + bytes.length);
  }

  /** Writes the whole current content to `fd` from offset 0. */
  writeTo(fd: number): void {
    this._forEachPart((part, at) => {
      let written = 0;
      while (written < part.length) {
        written += fs.writeSync(fd, part, written, part.length - written, at + written);
      }
    });
  }

  /**
   * After a save: the file just written (open on `fd`, holding exactly this content) becomes the
   * base, and the overlay is dropped. The image owns `fd` from now on.
   */
  rebase(fd: number): void {
    this._setBase({ kind: 'file', fd, size: this._size });
  }

  /** After a save, when no descriptor may be kept: the current content becomes the base. */
  rebaseInMemory(): void {
    const bytes = new Uint8Array(this._size);
    this._forEachPart((part, at) => bytes.set(part, at));
    this._setBase({ kind: 'bytes', bytes });
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._closeBase();
    this._overlay.clear();
  }

  /**
   * The object to hand to `new SQL.Database(...)`: it looks enough like a Uint8Array for MEMFS to
   * take our contents object as the file (see the class comment).
   */
  sqlJsInput(): Uint8Array {
    const contents = {
      get length() {
        return UNBOUNDED;
      },
      subarray: (start: number, end: number) => this.read(start, end),
      set: (bytes: Uint8Array, position = 0) => this.write(bytes, position),
    };
    const size = this._size;
    const input = {
      length: size,
      buffer: null,
      subarray: (start: number, end: number) => this.read(start, end),
      slice: (start: number, end: number) => {
        if (start !== 0 || end !== size) return this.read(start, end).slice();
        this._adopted = true;
        return contents;
      },
    };
    return input as unknown as Uint8Array;
  }

  private _assertOpen(): void {
    if (this._closed) throw new Error('The database image was used after it was closed.');
  }

  /** Visits the current content in parts of STREAM_BYTES, each valid only during its visit. */
  private _forEachPart(visit: (part: Uint8Array, at: number) => void): void {
    for (let at = 0; at < this._size; at += STREAM_BYTES) {
      visit(this.read(at, Math.min(this._size, at + STREAM_BYTES)), at);
    }
  }

  private _setBase(base: Base): void {
    this._assertOpen();
    this._closeBase();
    this._base = base;
    this._overlay.clear();
    // A large read (a resize) may have grown the scratch buffer; do not keep that memory.
    if (this._scratch.length > STREAM_BYTES) this._scratch = Buffer.allocUnsafeSlow(64 * 1024);
  }

  private _closeBase(): void {
    if (this._base.kind === 'file') {
      try {
        fs.closeSync(this._base.fd);
      } catch {
        // Already unusable (the failure above says why); nothing is left to release.
      }
    }
    this._base = { kind: 'bytes', bytes: EMPTY };
  }

  private _scratchOf(length: number): Buffer {
    if (this._scratch.length < length) this._scratch = Buffer.allocUnsafeSlow(length);
    return this._scratch.subarray(0, length);
  }

  /** Fills `out` with the base's bytes `start` to `end`, zeros past its end. */
  private _readBase(out: Uint8Array, start: number, end: number): void {
    const base = this._base;
    const available = Math.max(0, Math.min(end, baseSize(base)) - start);
    if (base.kind === 'bytes') {
      out.set(base.bytes.subarray(start, start + available));
    } else if (available > 0 && this._failure === undefined) {
      try {
        let done = 0;
        while (done < available) {
          const n = fs.readSync(base.fd, out, done, available - done, start + done);
          if (n === 0) throw new Error(`the file ended at ${start + done} bytes, ${base.size} were expected`);
          done += n;
        }
      } catch (err) {
        // Throwing through sql.js would unwind SQLite mid-call; it gets zeros (which it reports as
        // a malformed database) and the owner reports this error instead.
        this._failure = err instanceof Error ? err : new Error(String(err));
        out.fill(0, 0, available);
      }
    } else {
      out.fill(0, 0, available);
    }
    out.fill(0, available);
  }

  private _overlaid(first: number, last: number): boolean {
    let found = false;
    this._forEachOverlaid(first, last, () => (found = true));
    return found;
  }

  /** Visits the overlay chunks between `first` and `last`, walking whichever set is smaller. */
  private _forEachOverlaid(
    first: number,
    last: number,
    visit: (index: number, chunk: Uint8Array) => void,
  ): void {
    if (this._overlay.size === 0) return;
    if (this._overlay.size < last - first + 1) {
      for (const [index, chunk] of this._overlay) if (index >= first && index <= last) visit(index, chunk);
      return;
    }
    for (let index = first; index <= last; index++) {
      const chunk = this._overlay.get(index);
      if (chunk !== undefined) visit(index, chunk);
    }
  }
}

function baseSize(base: Base): number {
  return base.kind === 'file' ? base.size : base.bytes.length;
}
