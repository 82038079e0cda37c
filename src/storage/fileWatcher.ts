import fs from 'node:fs';
import path from 'node:path';
import type { FileStamp } from './durableFile';
import { sameStamp, statStamp } from './durableFile';

/**
 * How often the watcher double-checks the file in case fs.watch misses an event (network
 * folders). Each wake-up costs idle CPU; 30 s matches the scheduler's own re-arm bound.
 */
const WATCH_POLL_MS = 30_000;
/** Bursts of events (a save is a write, a rename and a folder sync) become one check. */
const DEBOUNCE_MS = 50;

/**
 * Watches one file for replacement by other processes: fs.watch on its folder, plus a poll every
 * 30 s. `onChange` gets the file's new stamp, null when the file is gone. Changes whose stamp
 * `isOwn` recognises (this process's own saves) are not reported.
 */
export class FileWatcher {
  private _watcher: fs.FSWatcher | undefined;
  private _poll: NodeJS.Timeout | undefined;
  private _debounce: NodeJS.Timeout | undefined;
  private _seen: FileStamp | null;
  private _stopped = false;

  constructor(
    private readonly _path: string,
    private readonly _isOwn: (stamp: FileStamp | null) => boolean,
    private readonly _onChange: (stamp: FileStamp | null) => void,
  ) {
    this._seen = statStamp(_path);
    const name = path.basename(_path);
    try {
      this._watcher = fs.watch(path.dirname(_path), (_event, file) => {
        if (file === null || file === name) this._schedule();
      });
      this._watcher.on('error', () => this._closeWatcher());
      this._watcher.unref();
    } catch {
      // Some file systems cannot be watched; the poll below still notices changes.
    }
    this._poll = setInterval(() => this.check(), WATCH_POLL_MS);
    this._poll.unref();
  }

  /** Looks at the file now. */
  check(): void {
    if (this._stopped) return;
    let current: FileStamp | null;
    try {
      current = statStamp(this._path);
    } catch {
      return; // the folder is unreadable for a moment; the next check tries again
    }
    if (sameStamp(current, this._seen)) return;
    this._seen = current;
    if (this._isOwn(current)) return;
    this._onChange(current);
  }

  dispose(): void {
    this._stopped = true;
    this._closeWatcher();
    clearInterval(this._poll);
    clearTimeout(this._debounce);
  }

  private _schedule(): void {
    clearTimeout(this._debounce);
    this._debounce = setTimeout(() => this.check(), DEBOUNCE_MS);
  }

  private _closeWatcher(): void {
    this._watcher?.close();
    this._watcher = undefined;
  }
}
