// The database's files as one process reads and writes them: the base file and its page log
// (pageLog.ts), the snapshot it last read (DiskState), the fence a save checks before it commits,
// a commit (the changed pages appended to the log), and a checkpoint (a new base, baseFile.ts).

import fs from 'node:fs';
import type { NewBase } from './baseFile';
import { replaceBase } from './baseFile';
import type { DiskImage, DiskState } from './diskSnapshot';
import { diskChanged, diskProbe, openDiskImage, probeOf } from './diskSnapshot';
import { fstatStamp, keptAttributes, replaceFileDurably, sameStamp, statStamp } from './durableFile';
import { SaveFencedError } from './errors';
import type { FileImage, LogLayer } from './fileImage';
import type { ByteSource } from './logSource';
import { MemorySource, descriptorSource } from './logSource';
import type { LogPage, LogState } from './pageLog';
import { appendCommit } from './logAppend';
import { logPathOf, newLogBytes, openLogState } from './pageLog';

/** The log is folded into a new base once it holds this much, or half the base if that is more. */
export const MIN_CHECKPOINT_BYTES = 4 << 20;
/** Past this many times the bound, a checkpoint is due at once instead of after a quiet moment. */
const FORCED_CHECKPOINT_FACTOR = 2;

/** When the log should be folded into the base, from the sizes after the last commit. */
export function checkpointUrgency(logBytes: number, baseBytes: number): 'none' | 'soon' | 'now' {
  const bound = Math.max(MIN_CHECKPOINT_BYTES, baseBytes / 2);
  if (logBytes >= FORCED_CHECKPOINT_FACTOR * bound) return 'now';
  return logBytes >= bound ? 'soon' : 'none';
}

/** What one save appended. */
export interface Committed {
  pages: number;
  bytes: number;
}

export class DatabaseFiles {
  /** What this process last read or wrote; null: unknown, the next access reads the files again. */
  disk: DiskState | null = null;
  /** The probe after our own last save: the watcher does not report it as another process's. */
  private _ownProbe: string | null = null;

  constructor(
    readonly path: string,
    private readonly _holdOpen: boolean,
    /** Whether the write lock is still ours (null when no write is going on). */
    private readonly _lockIsOurs: () => boolean | null,
  ) {}

  get logPath(): string {
    return logPathOf(this.path);
  }

  /** Whether the files are read through descriptors kept open (see FileImage). */
  get holdOpen(): boolean {
    return this._holdOpen;
  }

  /** Opens the files as they are now (see openDiskImage). */
  open(): DiskImage | null {
    return openDiskImage(this.path, this._holdOpen, this.disk ?? undefined);
  }

  /** Whether the files changed since `disk` was read (always, when it is unknown). */
  changed(): boolean {
    return this.disk === null || diskChanged(this.path, this.disk);
  }

  /** For the watcher: a key of the files' state, null when the base file is gone. */
  probe(): string | null {
    return diskProbe(this.path);
  }

  isOwnProbe(probe: string | null): boolean {
    return probe !== null && probe === this._ownProbe;
  }

  /** How many bytes the log holds over the base (0 without one). */
  get logBytes(): number {
    return this.disk?.log?.applies ? this.disk.log.state.end : 0;
  }

  get baseBytes(): number {
    return this.disk === null ? 0 : Number(this.disk.base.size);
  }

  /**
   * Just before anything is written: the lock must still be ours (nobody took it while we were
   * frozen), and the files still the ones this write read. Otherwise nothing is written.
   */
  fence(expected: DiskState | null): void {
    if (this._lockIsOurs() === false) {
      throw new SaveFencedError(
        `Another process took the database lock ${this.path}.lock while this one was paused; nothing was saved.`,
      );
    }
    // No base yet: a log left without one is retired by the new base (baseFile.ts).
    const seenLog = expected === null ? undefined : (expected.log?.stamp ?? null);
    const log = seenLog === undefined ? undefined : statStamp(this.logPath);
    if (
      !sameStamp(statStamp(this.path), expected?.base ?? null) ||
      (log !== undefined && (log === null) !== (seenLog === null)) ||
      (log && seenLog && log.ino !== seenLog.ino)
    ) {
      throw new SaveFencedError(
        `Another process replaced ${this.path} after this write read it; nothing was saved.`,
      );
    }
  }

  /**
   * Under the write lock: appends the pages `image` changed since the last save to the log (one
   * record, synced) and makes them the image's committed pages. Creates the log first when this
   * is the first commit over the base. Returns null when nothing changed.
   */
  commit(image: FileImage): Committed | null {
    const { pages, dbPages } = image.changedPages();
    if (pages.length === 0) return null;
    const disk = this.disk;
    if (disk === null) throw new Error('a commit needs the state of the files it read');
    // A database the user made read-only, or another user's, is refused as a whole-file save was.
    keptAttributes(this.path);
    let created: LogLayer | undefined;
    let fd: number;
    let state: LogState;
    if (disk.log?.applies) {
      state = disk.log.state;
      fd = fs.openSync(this.logPath, 'r+');
    } else {
      ({ fd, state, layer: created } = this._createLog(disk));
    }
    const before = state.end;
    let entries: Map<number, LogPage>;
    try {
      entries = appendCommit(fd, state, pages, dbPages, () => this.fence(disk));
      // No descriptor kept open (Windows): the image reads the log from memory, which needs this record.
      const memory = (created?.source ?? image.logSource) as ByteSource | undefined;
      if (memory instanceof MemorySource) memory.put(before, this._readBack(fd, before, state.end));
      disk.log = { stamp: fstatStamp(fd), state, applies: true };
    } finally {
      if (created === undefined || !this._holdOpen) fs.closeSync(fd);
    }
    image.committed(entries, created);
    this._ownProbe = probeOf(disk.base, disk.log.stamp);
    return { pages: pages.length, bytes: state.end - before };
  }

  /**
   * Under the write lock: replaces the base with the whole database `fill` writes and retires the
   * log (baseFile.ts). The caller rebases its image on the returned descriptor (it owns it).
   */
  replaceBase(fill: (fd: number) => void): NewBase {
    const expected = this.disk;
    const base = replaceBase(this.path, fill, { fence: () => this.fence(expected), unreadableLog: 'throw' });
    this.disk = {
      base: base.stamp,
      identity: base.identity,
      pageSize: base.pageSize,
      userVersion: base.userVersion,
      log: null,
    };
    this._ownProbe = this.probe();
    return base;
  }

  /** A new, empty log for the base `disk` describes, replacing a spent one; open for writing. */
  private _createLog(disk: DiskState): { fd: number; state: LogState; layer: LogLayer } {
    const header = newLogBytes(disk.pageSize, disk.identity);
    const { fd, stamp } = replaceFileDurably(
      this.logPath,
      (out) => fs.writeSync(out, header, 0, header.length, 0),
      () => this.fence(disk),
      this.path,
    );
    const source = descriptorSource(fd);
    const state = openLogState(source);
    disk.log = { stamp, state, applies: true };
    const layer: LogLayer = {
      source: this._holdOpen ? source : new MemorySource(Buffer.from(header)),
      salt: state.header.salt,
      pages: new Map(),
      close: this._holdOpen ? () => fs.closeSync(fd) : () => undefined,
    };
    return { fd, state, layer };
  }

  private _readBack(fd: number, from: number, to: number): Buffer {
    const bytes = Buffer.alloc(to - from);
    descriptorSource(fd).read(bytes, from);
    return bytes;
  }
}
