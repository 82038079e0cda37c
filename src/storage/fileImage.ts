import fs from 'node:fs';
import type { Sums } from './logChecksum';
import { pageSums } from './logChecksum';
import type { ByteSource } from './logSource';
import type { CommitPage, LogPage } from './pageLog';

/** How much of the image one positional write to the saved file carries. */
const STREAM_BYTES = 1 << 20;
/** Reported as the capacity of the contents, so sql.js's file system never reallocates them. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;
const EMPTY = new Uint8Array(0);
export const DEFAULT_PAGE_SIZE = 4096;

/** Where the bytes of the base file come from. */
type Base = { kind: 'file'; fd: number; size: number } | { kind: 'bytes'; bytes: Uint8Array };

/** The committed pages of the page log that lie over the base (see pageLog.ts). */
export interface LogLayer {
  source: ByteSource;
  salt: Sums;
  /** Page number (1-based) -> its latest committed copy in the log. */
  pages: Map<number, LogPage>;
  /** Closes what `source` reads from (a descriptor); nothing for bytes in memory. */
  close(): void;
}

/**
 * The database file as sql.js's in-memory file system (Emscripten MEMFS) sees it, without copying
 * the file into memory. Three layers, the upper ones winning: the base file (read through an open
 * descriptor, page by page as SQLite asks), the pages committed to the page log since the last
 * checkpoint (read from the log, each checked against its checksum on first read), and the pages
 * SQLite wrote in the transaction now going on (in memory, until the save appends them to the log).
 *
 * Why: on machines where fresh memory is expensive (this project's CI VM pays ~3 ms per MB in page
 * faults), reading a 28 MB database whole cost ~90 ms on every open and every reload after another
 * process saved, and `export()` made a second full copy on every save. With the image, opening
 * reads only the pages a query touches, and a save writes only the pages that changed.
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
  /** Pages written since the last save: page index (0-based) -> its bytes. */
  private readonly _overlay = new Map<number, Uint8Array>();
  private _log: LogLayer | undefined;
  /** Log pages whose checksum was checked (their bytes never change once committed). */
  private readonly _verified = new Set<number>();
  private _size: number;
  private _savedSize: number;
  private _scratch: Buffer = Buffer.allocUnsafeSlow(64 * 1024);
  private _page: Buffer;
  private _adopted = false;
  private _closed = false;
  private _failure: Error | undefined;
  private _damage: string | undefined;

  private constructor(
    private _base: Base,
    readonly pageSize: number,
    log: LogLayer | undefined,
    size: number,
  ) {
    this._log = log;
    this._size = size;
    this._savedSize = size;
    this._page = Buffer.allocUnsafeSlow(pageSize);
  }

  /**
   * An image over an open descriptor of an immutable file (replaced by rename, never rewritten),
   * with the committed pages of its page log (if any) over it; `size` is the database's size
   * after the log's last commit (the base's size without one).
   */
  static fromDescriptor(
    fd: number,
    baseSize: number,
    pageSize = DEFAULT_PAGE_SIZE,
    log?: LogLayer,
    size = baseSize,
  ): FileImage {
    return new FileImage({ kind: 'file', fd, size: baseSize }, pageSize, log, size);
  }

  /** An image over bytes already in memory (platforms where an open file blocks replacing it). */
  static fromBytes(
    bytes: Uint8Array,
    pageSize = DEFAULT_PAGE_SIZE,
    log?: LogLayer,
    size = bytes.length,
  ): FileImage {
    return new FileImage({ kind: 'bytes', bytes }, pageSize, log, size);
  }

  get size(): number {
    return this._size;
  }

  /** Whether anything was written since the last save. */
  get changed(): boolean {
    return this._overlay.size > 0 || this._size !== this._savedSize;
  }

  /** Whether sql.js took this image as its file (see the class comment). */
  get adopted(): boolean {
    return this._adopted;
  }

  /** The first error reading the base or the log; the image's content cannot be trusted after one. */
  get failure(): Error | undefined {
    return this._failure;
  }

  /** Why a page read from the log is not what was committed (its checksum differs), if one was not. */
  get damage(): string | undefined {
    return this._damage;
  }

  /** Where the committed log pages are read from (undefined without a log). */
  get logSource(): ByteSource | undefined {
    return this._log?.source;
  }

  /** How many pages the page log holds for this image (0 without a log). */
  get loggedPages(): number {
    return this._log?.pages.size ?? 0;
  }

  /**
   * Bytes `start` to `end` (zeros past the end of the file). The result may be a view of a scratch
   * buffer that the next call reuses: copy it before reading again.
   */
  read(start: number, end: number): Uint8Array {
    this._assertOpen();
    const length = end - start;
    if (length <= 0) return EMPTY;
    const first = Math.floor(start / this.pageSize);
    const last = Math.floor((end - 1) / this.pageSize);
    const base = this._base;
    if (
      base.kind === 'bytes' &&
      end <= base.bytes.length &&
      end <= this._size &&
      !this._covered(this._overlay, first, last) &&
      !this._covered(this._log?.pages, first + 1, last + 1)
    ) {
      return base.bytes.subarray(start, end);
    }
    const out = this._scratchOf(length);
    this._readBase(out, start, Math.min(end, this._size));
    if (end > this._size) out.fill(0, Math.max(0, this._size - start));
    if (this._log !== undefined) {
      const pages = this._log.pages;
      this._forEachIn(pages, first + 1, last + 1, (number, entry) => {
        if ((number - 1) * this.pageSize >= this._size) return;
        this._place(out, start, end, number - 1, this._logPage(number, entry));
      });
    }
    this._forEachIn(this._overlay, first, last, (index, chunk) => this._place(out, start, end, index, chunk));
    return out;
  }

  /** Records `bytes` at `position`, growing the file if they reach past its end. */
  write(bytes: Uint8Array, position: number): void {
    this._assertOpen();
    let done = 0;
    while (done < bytes.length) {
      const at = position + done;
      const index = Math.floor(at / this.pageSize);
      const within = at - index * this.pageSize;
      const n = Math.min(this.pageSize - within, bytes.length - done);
      let chunk = this._overlay.get(index);
      if (chunk === undefined) {
        chunk = new Uint8Array(this.pageSize);
        // A partial page keeps the bytes around the write.
        if (n !== this.pageSize) chunk.set(this.read(index * this.pageSize, (index + 1) * this.pageSize));
        this._overlay.set(index, chunk);
      }
      chunk.set(bytes.subarray(done, done + n), within);
      done += n;
    }
    this._size = Math.max(this._size, position + bytes.length);
  }

  /**
   * The pages written since the last save that differ from what is saved (a rolled-back
   * transaction writes the old pages back), with the page count the database now has.
   */
  changedPages(): { pages: CommitPage[]; dbPages: number } {
    const pages: CommitPage[] = [];
    const overlay = [...this._overlay].sort((a, b) => a[0] - b[0]);
    this._overlay.clear();
    try {
      for (const [index, chunk] of overlay) {
        if (index * this.pageSize >= this._size) continue;
        const saved = this.read(index * this.pageSize, (index + 1) * this.pageSize);
        if (index * this.pageSize >= this._savedSize || !Buffer.from(saved).equals(chunk))
          pages.push({ number: index + 1, bytes: chunk });
      }
    } finally {
      for (const [index, chunk] of overlay) this._overlay.set(index, chunk);
    }
    return { pages, dbPages: Math.ceil(this._size / this.pageSize) };
  }

  /**
   * After a commit was appended to the page log: its pages now come from the log (`log` when the
   * log was just created), and the overlay is dropped. Their checksums were computed from these
   * very bytes, so they count as checked.
   */
  committed(entries: ReadonlyMap<number, LogPage>, log?: LogLayer): void {
    this._assertOpen();
    if (log !== undefined) {
      this._log?.close();
      this._log = log;
      this._verified.clear();
    }
    if (this._log === undefined) throw new Error('a commit was saved with no page log to read it from');
    for (const [number, entry] of entries) {
      this._log.pages.set(number, entry);
      this._verified.add(entry.offset);
    }
    this._overlay.clear();
    this._savedSize = this._size;
  }

  /** Writes the whole current content to `fd` from offset 0; `patch` may change each part first. */
  writeTo(fd: number, patch?: (part: Uint8Array, at: number) => void): void {
    this._forEachPart((part, at) => {
      patch?.(part, at);
      let written = 0;
      while (written < part.length) {
        written += fs.writeSync(fd, part, written, part.length - written, at + written);
      }
    });
  }

  /**
   * After a checkpoint: the file just written (open on `fd`, holding exactly this content) becomes
   * the base, and the log and the overlay are dropped. The image owns `fd` from now on.
   */
  rebase(fd: number): void {
    this._setBase({ kind: 'file', fd, size: this._size });
  }

  /** After a checkpoint, when no descriptor may be kept: the current content becomes the base. */
  rebaseInMemory(): void {
    const bytes = new Uint8Array(this._size);
    this._forEachPart((part, at) => bytes.set(part, at));
    this._setBase({ kind: 'bytes', bytes });
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._closeBase();
    this._log?.close();
    this._log = undefined;
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

  /** Copies the part of page `index` that lies in [start, end) into `out` (which starts at `start`). */
  private _place(out: Uint8Array, start: number, end: number, index: number, page: Uint8Array): void {
    const pageStart = index * this.pageSize;
    const from = Math.max(start, pageStart);
    const to = Math.min(end, pageStart + this.pageSize);
    out.set(page.subarray(from - pageStart, to - pageStart), from - start);
  }

  /** A committed page from the log, checked against its checksum the first time it is read. */
  private _logPage(number: number, entry: LogPage): Uint8Array {
    const log = this._log!;
    const page = this._page;
    if (this._failure !== undefined || this._damage !== undefined) return page.fill(0);
    let n: number;
    try {
      n = log.source.read(page, entry.offset);
    } catch (err) {
      // Throwing through sql.js would unwind SQLite mid-call; it gets zeros and the owner reports.
      this._failure = err instanceof Error ? err : new Error(String(err));
      return page.fill(0);
    }
    if (this._verified.has(entry.offset)) return page;
    const sums = n === page.length ? pageSums(log.salt, number, page) : null;
    if (sums === null || sums[0] !== entry.sums[0] || sums[1] !== entry.sums[1]) {
      this._damage = `page ${number} in the page log is not what was committed (its checksum differs)`;
      return page.fill(0);
    }
    this._verified.add(entry.offset);
    return page;
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
    this._log?.close();
    this._log = undefined;
    this._verified.clear();
    this._base = base;
    this._overlay.clear();
    this._savedSize = this._size;
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

  /** Fills `out` from `start` with the base's bytes up to `end`, zeros past the base's end. */
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

  private _covered<V>(map: ReadonlyMap<number, V> | undefined, first: number, last: number): boolean {
    let found = false;
    if (map !== undefined) this._forEachIn(map, first, last, () => (found = true));
    return found;
  }

  /** Visits the entries of `map` with keys from `first` to `last`, walking whichever set is smaller. */
  private _forEachIn<V>(
    map: ReadonlyMap<number, V>,
    first: number,
    last: number,
    visit: (key: number, value: V) => void,
  ): void {
    if (map.size === 0) return;
    if (map.size < last - first + 1) {
      const keys = [...map.keys()].filter((k) => k >= first && k <= last).sort((a, b) => a - b);
      for (const key of keys) visit(key, map.get(key)!);
      return;
    }
    for (let key = first; key <= last; key++) {
      const value = map.get(key);
      if (value !== undefined) visit(key, value);
    }
  }
}

function baseSize(base: Base): number {
  return base.kind === 'file' ? base.size : base.bytes.length;
}
