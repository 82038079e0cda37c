// Reads Claude Code transcripts incrementally: each file is remembered by size, modification time
// and inode, and a refresh reads only the bytes appended since the last one (a file that shrank or
// was replaced is read again). The parsed entries can be kept in a cache file (in the extension's
// global storage, or beside the CLI's database) so that a new process starts where the last one
// stopped. The cache is disposable: a missing, damaged or foreign one is ignored and rebuilt.

import fs from 'node:fs';
import path from 'node:path';
import type { LocatedEntry } from './transcriptEntry';
import { entryTokens, makeEntry } from './transcriptEntry';
import type { TranscriptFile } from './transcriptFiles';
import { listTranscriptFiles } from './transcriptFiles';
import { ReadBuffer, readTranscript } from './transcriptRead';

/** What the store knows about one file. */
interface FileState {
  path: string;
  rel: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** Bytes consumed: everything before is in `entries`; a partial last line is read again later. */
  offset: number;
  /**
   * The file's entries, with each run of consecutive copies of one message (Claude Code writes a
   * message several times while it streams) kept as one: the copy with the most tokens, where the
   * first copy was. entries() would keep exactly that copy there; storing it alone halves what a
   * store holds.
   */
  entries: LocatedEntry[];
  /** The earliest time of any entry read, collapsed copies included (Infinity when none). */
  firstTs: number;
  /** Lines that could not be read (not JSON, failed the checks). */
  badLines: number;
}

export interface RefreshStats {
  files: number;
  filesRead: number;
  bytesRead: number;
  linesRead: number;
  entriesAdded: number;
  badLines: number;
}

/** 2: runs of streamed copies kept as one, and each file's first time. */
const CACHE_VERSION = 2;

export class TranscriptStore {
  private readonly _files = new Map<string, FileState>();
  private _dirty = false;
  private _cacheLoaded = false;

  /**
   * @param _configDirs Claude config folders (see claudeConfigDirs), each with a `projects` folder.
   * @param _cachePath where parsed entries are kept between processes; undefined for none.
   */
  constructor(
    private readonly _configDirs: readonly string[],
    private readonly _cachePath?: string,
  ) {}

  get configDirs(): readonly string[] {
    return this._configDirs;
  }

  /** Lines skipped as unreadable over all files. */
  get badLines(): number {
    let n = 0;
    for (const f of this._files.values()) n += f.badLines;
    return n;
  }

  /**
   * Brings every file up to date, reading only new bytes. The cache file is not written here
   * (it can be tens of MB): call saveCache() when the process is done or now and then.
   */
  async refresh(): Promise<RefreshStats> {
    // Loaded on first use, not when the store is made: activation must not wait for it.
    if (!this._cacheLoaded) {
      this._cacheLoaded = true;
      if (this._cachePath) this._loadCache(this._cachePath);
    }
    const listed = listTranscriptFiles(this._configDirs);
    const stats: RefreshStats = {
      files: listed.length,
      filesRead: 0,
      bytesRead: 0,
      linesRead: 0,
      entriesAdded: 0,
      badLines: 0,
    };
    const present = new Set(listed.map((f) => f.path));
    for (const known of [...this._files.keys()]) {
      if (!present.has(known)) {
        this._files.delete(known);
        this._dirty = true;
      }
    }
    const fresh = new Map<string, FileState>();
    const buffer = new ReadBuffer();
    for (const file of listed) {
      const { state, read } = this._stateFor(file);
      fresh.set(file.path, state);
      if (!read) continue;
      const result = await readTranscript(
        { path: file.path, rel: file.rel, offset: state.offset, size: state.size },
        buffer,
        yieldToEventLoop,
      );
      state.offset = result.offset;
      for (const e of result.entries) addEntry(state, e);
      state.badLines += result.badLines;
      stats.filesRead++;
      stats.bytesRead += result.bytesRead;
      stats.linesRead += result.linesRead;
      stats.entriesAdded += result.entries.length;
    }
    // Keep the listing order (sorted per config folder): the reports depend on it.
    this._files.clear();
    for (const [p, state] of fresh) this._files.set(p, state);
    stats.badLines = this.badLines;
    return stats;
  }

  /** Writes the cache file when something changed since it was last written (or loaded). */
  saveCache(): void {
    if (!this._dirty || !this._cachePath) return;
    this._saveCache(this._cachePath);
    this._dirty = false;
  }

  /**
   * Every entry once: copies of one message (Claude Code writes a message several times while it
   * streams) share `message.id` + `requestId`, and the copy with the most tokens is kept, in the
   * place of the first copy. `order` `files` walks the files in listing order (daily, session);
   * `time` walks them by their first entry's time (blocks), as ccusage does.
   */
  entries(order: 'files' | 'time' = 'files'): LocatedEntry[] {
    let files = [...this._files.values()];
    if (order === 'time') {
      files = files.sort((a, b) => a.firstTs - b.firstTs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    const out: LocatedEntry[] = [];
    const byKey = new Map<string, number>();
    for (const f of files) {
      for (const e of f.entries) {
        if (e.key === null) {
          out.push(e);
          continue;
        }
        const at = byKey.get(e.key);
        if (at === undefined) {
          byKey.set(e.key, out.length);
          out.push(e);
        } else if (entryTokens(e) > entryTokens(out[at]!)) {
          out[at] = e;
        }
      }
    }
    return out;
  }

  /**
   * The state a listed file will have: the known one when the file did not change, an appended
   * copy to read on from its offset, or a new one to read from the start (a new, replaced or
   * shortened file).
   */
  private _stateFor(file: TranscriptFile): { state: FileState; read: boolean } {
    let st: fs.Stats;
    try {
      // Synchronous on purpose: a stat is microseconds, a trip through the thread pool for each of
      // hundreds of files is most of an incremental refresh.
      st = fs.statSync(file.path);
    } catch {
      return { state: emptyState(file, 0), read: false }; // gone since it was listed
    }
    const known = this._files.get(file.path);
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino)
      return { state: known, read: false };
    this._dirty = true;
    const appended =
      known !== undefined && known.ino === st.ino && st.size >= known.offset && st.size >= known.size;
    const state: FileState = appended ? { ...known, rel: file.rel } : emptyState(file, st.ino);
    state.size = st.size;
    state.mtimeMs = st.mtimeMs;
    return { state, read: true };
  }

  private _loadCache(cachePath: string): void {
    let data: CacheFile;
    try {
      data = JSON.parse(fs.readFileSync(cachePath, 'utf8')) as CacheFile;
    } catch {
      return;
    }
    if (data?.version !== CACHE_VERSION || !Array.isArray(data.files)) return;
    for (const f of data.files) {
      try {
        this._files.set(f.path, decodeFile(f));
      } catch {
        this._files.clear();
        return;
      }
    }
  }

  private _saveCache(cachePath: string): void {
    const data: CacheFile = { version: CACHE_VERSION, files: [...this._files.values()].map(encodeFile) };
    const tmp = `${cachePath}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(cachePath), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(data));
      fs.renameSync(tmp, cachePath);
    } catch {
      // A cache that cannot be written only costs a full read next time.
      fs.rmSync(tmp, { force: true });
    }
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function emptyState(file: TranscriptFile, ino: number): FileState {
  return {
    path: file.path,
    rel: file.rel,
    size: 0,
    mtimeMs: 0,
    ino,
    offset: 0,
    entries: [],
    firstTs: Infinity,
    badLines: 0,
  };
}

/** Appends an entry read from the file, folding it into the run of copies it continues. */
function addEntry(state: FileState, e: LocatedEntry): void {
  // Math.min, not a comparison: a NaN time makes the file's first time NaN, as it always did.
  state.firstTs = Math.min(state.firstTs, e.ts);
  const entries = state.entries;
  const last = entries[entries.length - 1];
  if (e.key !== null && last !== undefined && last.key === e.key) {
    if (entryTokens(e) > entryTokens(last)) entries[entries.length - 1] = e;
    return;
  }
  entries.push(e);
}

interface CachedFile {
  path: string;
  rel: string;
  size: number;
  mtimeMs: number;
  ino: number;
  offset: number;
  badLines: number;
  /** FileState.firstTs; a string when it is not finite (JSON has no Infinity or NaN). */
  firstTs: number | string;
  /** String table: keys, models, session ids and versions of this file's entries. */
  strings: string[];
  /** Per entry: ts, key, model, sessionId, version (string indexes, -1 for null), 4 token counts, cost (null). */
  rows: (number | null)[];
}

interface CacheFile {
  version: number;
  files: CachedFile[];
}

const ROW = 10;

function encodeFile(f: FileState): CachedFile {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const ref = (s: string | null) => {
    if (s === null) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const rows: (number | null)[] = [];
  for (const e of f.entries) {
    rows.push(e.ts, ref(e.key), ref(e.model), ref(e.sessionId), ref(e.version));
    rows.push(e.inputTokens, e.outputTokens, e.cacheCreationTokens, e.cacheReadTokens, e.costUsd);
  }
  return {
    path: f.path,
    rel: f.rel,
    size: f.size,
    mtimeMs: f.mtimeMs,
    ino: f.ino,
    offset: f.offset,
    badLines: f.badLines,
    firstTs: Number.isFinite(f.firstTs) ? f.firstTs : String(f.firstTs),
    strings,
    rows,
  };
}

function decodeFile(c: CachedFile): FileState {
  if (typeof c.path !== 'string' || !Array.isArray(c.rows) || c.rows.length % ROW !== 0)
    throw new Error('bad cache');
  const str = (i: number | null) => (i === null || i < 0 ? null : (c.strings[i] ?? null));
  const entries: LocatedEntry[] = [];
  const r = c.rows;
  for (let i = 0; i < r.length; i += ROW) {
    entries.push(
      makeEntry(
        // JSON wrote a NaN time (a date that passes the check but does not exist) as null.
        typeof r[i] === 'number' ? (r[i] as number) : NaN,
        str(r[i + 1]!),
        str(r[i + 2]!),
        r[i + 5] as number,
        r[i + 6] as number,
        r[i + 7] as number,
        r[i + 8] as number,
        r[i + 9] ?? null,
        str(r[i + 3]!),
        str(r[i + 4]!),
        c.rel,
      ),
    );
  }
  return {
    path: c.path,
    rel: c.rel,
    size: c.size,
    mtimeMs: c.mtimeMs,
    ino: c.ino,
    offset: c.offset,
    entries,
    firstTs: Number(c.firstTs),
    badLines: c.badLines,
  };
}
