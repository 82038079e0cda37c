// Reads Claude Code transcripts incrementally: each file is remembered by size, modification time
// and inode, and a refresh reads only the bytes appended since the last one (a file that shrank or
// was replaced is read again). The parsed entries can be kept in a cache file (in the extension's
// global storage, or beside the CLI's database) so that a new process starts where the last one
// stopped. The cache is disposable: a missing, damaged or foreign one is ignored and rebuilt.

import fs from 'node:fs';
import path from 'node:path';
import type { LocatedEntry } from './transcriptEntry';
import { entryTokens } from './transcriptEntry';
import type { TranscriptFile } from './transcriptFiles';
import { listTranscriptFiles } from './transcriptFiles';
import { packEntries, unpackEntries } from './transcriptPack';
import type { ReadOptions } from './transcriptParallel';
import { bundledTranscriptWorker, readTranscripts } from './transcriptParallel';
import type { ReadJob } from './transcriptRead';

/** What the store knows about one file. */
interface FileState {
  path: string;
  rel: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** Bytes consumed: everything before is in `entries`; a partial last line is read again later. */
  offset: number;
  entries: LocatedEntry[];
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

const CACHE_VERSION = 1;

/** How a store reads: on a second core for large reads (see transcriptParallel.ts). */
export type StoreOptions = Omit<ReadOptions, 'pause'>;

export class TranscriptStore {
  private readonly _files = new Map<string, FileState>();
  private _dirty = false;
  private _cacheLoaded = false;

  /**
   * @param _configDirs Claude config folders (see claudeConfigDirs), each with a `projects` folder.
   * @param _cachePath where parsed entries are kept between processes; undefined for none.
   * @param _options how to read; by default with the worker bundled beside this code, if any.
   */
  constructor(
    private readonly _configDirs: readonly string[],
    private readonly _cachePath?: string,
    private readonly _options: StoreOptions = { workerScript: bundledTranscriptWorker() },
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
    const listed = await listTranscriptFiles(this._configDirs);
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
    const toRead: { state: FileState; job: ReadJob }[] = [];
    for (const file of listed) {
      const { state, read } = this._stateFor(file);
      fresh.set(file.path, state);
      if (read)
        toRead.push({
          state,
          job: { path: file.path, rel: file.rel, offset: state.offset, size: state.size },
        });
    }
    const results = await readTranscripts(
      toRead.map((r) => r.job),
      { ...this._options, pause: yieldToEventLoop },
    );
    toRead.forEach(({ state }, i) => {
      const result = results[i]!;
      state.offset = result.offset;
      for (const e of result.entries) state.entries.push(e);
      state.badLines += result.badLines;
      stats.filesRead++;
      stats.bytesRead += result.bytesRead;
      stats.linesRead += result.linesRead;
      stats.entriesAdded += result.entries.length;
    });
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
      const first = (f: FileState) =>
        f.entries.length === 0 ? Infinity : Math.min(...f.entries.map((e) => e.ts));
      const firsts = new Map(files.map((f) => [f, first(f)]));
      files = files.sort(
        (a, b) => firsts.get(a)! - firsts.get(b)! || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
      );
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
  return { path: file.path, rel: file.rel, size: 0, mtimeMs: 0, ino, offset: 0, entries: [], badLines: 0 };
}

interface CachedFile {
  path: string;
  rel: string;
  size: number;
  mtimeMs: number;
  ino: number;
  offset: number;
  badLines: number;
  /** String table: keys, models, session ids and versions of this file's entries. */
  strings: string[];
  /** transcriptPack.ts's rows (a cost of null as null). */
  rows: (number | null)[];
}

interface CacheFile {
  version: number;
  files: CachedFile[];
}

function encodeFile(f: FileState): CachedFile {
  const { strings, rows } = packEntries(f.entries);
  return {
    path: f.path,
    rel: f.rel,
    size: f.size,
    mtimeMs: f.mtimeMs,
    ino: f.ino,
    offset: f.offset,
    badLines: f.badLines,
    strings,
    // A plain array for JSON (which writes a NaN cost as null).
    rows: Array.from(rows),
  };
}

function decodeFile(c: CachedFile): FileState {
  if (typeof c.path !== 'string' || !Array.isArray(c.rows) || !Array.isArray(c.strings))
    throw new Error('bad cache');
  return {
    path: c.path,
    rel: c.rel,
    size: c.size,
    mtimeMs: c.mtimeMs,
    ino: c.ino,
    offset: c.offset,
    entries: unpackEntries(c.strings, c.rows, c.rel),
    badLines: c.badLines,
  };
}
