// Where a supervised child's output goes: all of it to the log file (with backpressure, so memory
// stays bounded however much the child prints), a bounded tail of each stream in memory, and
// stdout's lines to the caller. A log that cannot be written (disk full, or so full that the
// database could no longer record the run) is a failure the supervisor ends the child for.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { WriteStream } from 'node:fs';
import path from 'node:path';
import { BoundedTail, DEFAULT_MAX_LINE_BYTES, DEFAULT_TAIL_BYTES, LineSplitter } from './outputTail';

/** How much is written to the log between two looks at the free space on its disk. */
const FREE_SPACE_CHECK_BYTES = 1 << 20;

export interface OutputOptions {
  logFile: string;
  tailBytes?: number;
  maxLineBytes?: number;
  onStdoutLine?: (line: string) => void;
  /** Stop writing (a log error) when the log's disk has less free than this. */
  minFreeBytes?: number;
}

/** Pipes one child's stdout and stderr into its log, tails and line callback. */
export class SupervisedOutput {
  readonly stdoutTail: BoundedTail;
  readonly stderrTail: BoundedTail;
  /** The first error thrown by a caller's callback (the process kept running). */
  callbackError: string | null = null;
  /** Why the log stopped being written; the output after that is lost. */
  logError: string | null = null;
  private readonly _lines: LineSplitter | null;
  private _waitingForDrain = false;
  private _sinceSpaceCheck = 0;
  private _onLogError: () => void = () => undefined;

  constructor(
    private readonly _child: ChildProcess,
    private readonly _log: WriteStream,
    private readonly _options: OutputOptions,
  ) {
    this.stdoutTail = new BoundedTail(_options.tailBytes ?? DEFAULT_TAIL_BYTES);
    this.stderrTail = new BoundedTail(_options.tailBytes ?? DEFAULT_TAIL_BYTES);
    const onLine = _options.onStdoutLine;
    this._lines = onLine
      ? new LineSplitter(
          (line) => this.guard(() => onLine(line)),
          _options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
        )
      : null;
    _log.on('error', (err) => this._failLog(errorText(err)));
    _child.stdout?.on('data', (chunk: Buffer) => {
      this._toLog(chunk);
      this.stdoutTail.push(chunk);
      this._lines?.push(chunk);
    });
    _child.stderr?.on('data', (chunk: Buffer) => {
      this._toLog(chunk);
      this.stderrTail.push(chunk);
    });
  }

  /** Called once when the log fails: the supervisor ends the child. */
  onLogError(listener: () => void): void {
    this._onLogError = listener;
  }

  /** Runs a caller's callback; its error is recorded, never thrown into the pipes. */
  guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.callbackError ??= errorText(err);
    }
  }

  /** After the child's pipes closed: delivers the last line and closes the log. */
  async finish(): Promise<void> {
    this._lines?.end();
    await closeLog(this._log);
  }

  /** Gives up on pipes a process outside the group keeps open. */
  destroyPipes(): void {
    this._child.stdout?.destroy();
    this._child.stderr?.destroy();
  }

  private _toLog(chunk: Buffer): void {
    if (this.logError !== null || this._log.destroyed) return;
    this._sinceSpaceCheck += chunk.length;
    if (this._sinceSpaceCheck >= FREE_SPACE_CHECK_BYTES) {
      this._sinceSpaceCheck = 0;
      const short = this._spaceProblem();
      if (short !== null) {
        this._failLog(short);
        return;
      }
    }
    // Backpressure: while the log file is behind, stop reading the pipes so the child blocks on
    // write instead of this process buffering its output.
    if (!this._log.write(chunk) && !this._waitingForDrain) {
      this._waitingForDrain = true;
      this._child.stdout?.pause();
      this._child.stderr?.pause();
      this._log.once('drain', () => this._resumePipes());
    }
  }

  private _spaceProblem(): string | null {
    const min = this._options.minFreeBytes;
    if (!min) return null;
    try {
      const s = fs.statfsSync(path.dirname(this._options.logFile));
      const free = s.bavail * s.bsize;
      if (free >= min) return null;
      return (
        `the disk holding it is nearly full (${mib(free)} free; ${mib(min)} are kept so that the database ` +
        'can still record the run)'
      );
    } catch {
      return null; // statfs unsupported here: the write itself reports a full disk
    }
  }

  private _failLog(reason: string): void {
    if (this.logError !== null) return;
    this.logError = reason;
    // Keep draining the pipes (into the tails) so the child is not blocked while it is stopped.
    this._resumePipes();
    this._onLogError();
  }

  private _resumePipes(): void {
    this._waitingForDrain = false;
    this._child.stdout?.resume();
    this._child.stderr?.resume();
  }
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

export function closeLog(log: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (log.closed) return resolve();
    log.once('close', () => resolve());
    log.end();
    // An errored stream may already have been destroyed without emitting 'close' again.
    if (log.destroyed && log.closed) resolve();
  });
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
