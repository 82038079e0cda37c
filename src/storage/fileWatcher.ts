import fs from 'node:fs';
import path from 'node:path';

/**
 * How often the watcher double-checks the files in case fs.watch misses an event (network
 * folders). Each wake-up costs idle CPU; 30 s matches the scheduler's own re-arm bound.
 */
const WATCH_POLL_MS = 30_000;
/** Bursts of events (a save is a write, a sync, maybe a rename) become one check. */
const DEBOUNCE_MS = 50;

/**
 * Watches files in one folder for changes by other processes: fs.watch on the folder (events for
 * `names` only), plus a poll every 30 s. `probe` sums up the files' state (null: the watched file
 * is gone); `onChange` gets each new probe, except those `isOwn` recognises (this process's saves).
 */
export class FileWatcher {
  private _watcher: fs.FSWatcher | undefined;
  private _poll: NodeJS.Timeout | undefined;
  private _debounce: NodeJS.Timeout | undefined;
  private _seen: string | null;
  private _stopped = false;

  constructor(
    filePath: string,
    names: readonly string[],
    private readonly _probe: () => string | null,
    private readonly _isOwn: (probe: string | null) => boolean,
    private readonly _onChange: (probe: string | null) => void,
  ) {
    this._seen = _probe();
    try {
      this._watcher = fs.watch(path.dirname(filePath), (_event, file) => {
        if (file === null || names.includes(file)) this._schedule();
      });
      this._watcher.on('error', () => this._closeWatcher());
      this._watcher.unref();
    } catch {
      // Some file systems cannot be watched; the poll below still notices changes.
    }
    this._poll = setInterval(() => this.check(), WATCH_POLL_MS);
    this._poll.unref();
  }

  /** Looks at the files now. */
  check(): void {
    if (this._stopped) return;
    let current: string | null;
    try {
      current = this._probe();
    } catch {
      return; // the folder is unreadable for a moment; the next check tries again
    }
    if (current === this._seen) return;
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
