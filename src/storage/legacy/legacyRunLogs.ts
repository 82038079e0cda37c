// The log files of imported runs. A run of Night Pilot keeps its whole output in a log file beside
// the database and only a bounded tail in its row; an imported run does the same with what the old
// app stored. One file per job and migration, `logs/<job id>/legacy-<migration>.log`, holds the
// contents of all the job's imported runs, each under a header line naming the run: one file per
// run would mean 50,000 files (and folders) for a large history, seconds of file-system work and
// several times the bytes on disk. Each run's execution process names the file relative to its
// own log folder (`../legacy-<migration>.log`). Retention deletes the file once no run names it
// (retention.ts); deleting the job deletes its folder.

import fs from 'node:fs';
import path from 'node:path';
import { jobLogDirectory } from '../paths';

/** Characters gathered per file before they are encoded and written, in one go. */
const FLUSH_CHARS = 256 * 1024;

interface OpenLog {
  file: string;
  fd: number;
  pending: string[];
  pendingChars: number;
}

export class LegacyRunLogs {
  private readonly _open = new Map<string, OpenLog>();
  private readonly _created: string[] = [];
  private _name: string;

  constructor(
    private readonly _databasePath: string,
    private readonly _migrationId: string,
  ) {
    this._name = `legacy-${_migrationId.slice(0, 8)}.log`;
  }

  /** The files written so far (absolute paths). */
  get files(): readonly string[] {
    return this._created;
  }

  /**
   * Appends `content` to the log of `jobId` under a header naming the run; returns what the run's
   * execution process stores as its log file.
   */
  append(jobId: string, header: string, content: string): string {
    const log = this._open.get(jobId) ?? this._openLog(jobId);
    log.pending.push(`==== ${header} ====\n`, content, content.endsWith('\n') ? '' : '\n');
    log.pendingChars += content.length + header.length + 12;
    if (log.pendingChars >= FLUSH_CHARS) flush(log);
    return `../${path.basename(log.file)}`;
  }

  /** Writes what is pending and makes every file durable (before the rows naming them are saved). */
  finish(): void {
    for (const log of this._open.values()) {
      flush(log);
      fs.fsyncSync(log.fd);
      fs.closeSync(log.fd);
    }
    this._open.clear();
  }

  /** Removes every file written (the import failed, or is about to be run again). */
  remove(): void {
    for (const log of this._open.values()) fs.closeSync(log.fd);
    this._open.clear();
    for (const file of this._created.splice(0)) {
      fs.rmSync(file, { force: true });
      try {
        fs.rmdirSync(path.dirname(file));
      } catch {
        // The job's folder holds other logs: it stays.
      }
    }
  }

  private _openLog(jobId: string): OpenLog {
    const dir = jobLogDirectory(this._databasePath, jobId);
    fs.mkdirSync(dir, { recursive: true });
    let file = path.join(dir, this._name);
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Another migration's id starts alike: this one's whole id is unique.
      this._name = `legacy-${this._migrationId}.log`;
      file = path.join(dir, this._name);
      fd = fs.openSync(file, 'wx');
    }
    this._created.push(file);
    const log: OpenLog = { file, fd, pending: [], pendingChars: 0 };
    this._open.set(jobId, log);
    return log;
  }
}

function flush(log: OpenLog): void {
  if (log.pending.length === 0) return;
  const bytes = Buffer.from(log.pending.join(''), 'utf8');
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(log.fd, bytes, written, bytes.length - written);
  log.pending = [];
  log.pendingChars = 0;
}
