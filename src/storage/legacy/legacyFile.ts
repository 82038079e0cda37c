// Reads a legacy database file without ever writing to it: the main file and its -wal are read
// into memory, and sql.js opens an image of the main file's bytes (fileImage.ts) with the
// committed pages of the log written over it (walReplay.ts). The bytes are not copied again: a
// 60 MB file with its log costs its own size in memory, not three times that. The source files
// are never opened for writing, so they cannot change.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { imageProblem } from '../databaseImage';
import { FileImage } from '../fileImage';
import { LegacySourceError } from './legacyErrors';
import type { WalSummary } from './walReplay';
import { WalFormatError, replayWal, rollbackHeader } from './walReplay';
import { errorMessage } from '../../core/errorMessage';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const JOURNAL_MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);

/** One legacy file as read now: its identity, what its WAL held, and an in-memory copy. */
export interface LegacySnapshot {
  /** Absolute path of the main file. */
  readonly path: string;
  /** The -wal beside it, when there is one (even empty). */
  readonly walPath: string | null;
  /** SHA-256 of the main file's bytes followed by the -wal's: the exact state migrated. */
  readonly fileHash: string;
  readonly mainBytes: number;
  /** What the -wal held and what of it was applied; null without a -wal. */
  readonly wal: WalSummary | null;
  /** sql.js over the replayed copy; closing the snapshot closes it. */
  readonly db: Database;
  close(): void;
}

function readIfExists(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Opens `filePath` as a legacy database. Throws LegacySourceError (naming the file and the
 * reason) when it does not exist, is not a whole SQLite database, its -wal cannot be read as a
 * log, or a rollback journal shows an interrupted write.
 */
export function openLegacySnapshot(filePath: string, SQL: SqlJsStatic): LegacySnapshot {
  const file = path.resolve(filePath);
  const fail = (reason: string): never => {
    throw new LegacySourceError(file, reason);
  };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'the file does not exist' : errorMessage(err));
  }
  if (stat.isDirectory()) fail('it is a folder, not a database file');
  let main: Buffer;
  let walBytes: Buffer | null;
  let journal: Buffer | null;
  try {
    main = fs.readFileSync(file);
    walBytes = readIfExists(`${file}-wal`);
    journal = readIfExists(`${file}-journal`);
  } catch (err) {
    return fail(`it cannot be read: ${errorMessage(err)}`);
  }
  // A hot rollback journal means a write was interrupted: the main file may hold half of it, and
  // only SQLite rolling it back (opening the file once with the old app or sqlite3) makes it whole.
  if (journal && journal.length >= 8 && journal.subarray(0, 8).equals(JOURNAL_MAGIC)) {
    fail(
      `${path.basename(file)}-journal beside it shows a write that was interrupted; open the database once ` +
        'with the old app or the sqlite3 shell (it rolls the write back), then migrate again',
    );
  }
  if (main.length === 0 && (walBytes === null || walBytes.length === 0)) fail('the file is empty');
  if (main.length > 0) {
    // A short text file is "not SQLite" to a user, not "a truncated database".
    if (main.length < 16 || !main.subarray(0, 16).equals(SQLITE_MAGIC)) {
      fail('it is not an SQLite database (it does not start with the SQLite file header)');
    }
    const problem = imageProblem(main.subarray(0, 100), main.length);
    if (problem !== null) fail(problem);
  }

  let wal: WalSummary | null = null;
  const image = FileImage.fromBytes(main);
  if (walBytes !== null) {
    try {
      const replayed = replayWal(main, walBytes);
      const pageSize = replayed.summary.pageSize;
      for (const page of replayed.pages) image.write(page.bytes, (page.pageNumber - 1) * pageSize);
      wal = replayed.summary;
    } catch (err) {
      image.close();
      if (!(err instanceof WalFormatError)) throw err;
      fail(
        `${path.basename(file)}-wal beside it cannot be read: ${err.message}. Its rows cannot be checked, so ` +
          'nothing is migrated; open the database once with the old app or sqlite3 to fold the log into the file',
      );
    }
  }
  if (image.size >= 100) image.write(rollbackHeader(image.read(0, 100), wal?.databasePages ?? 0), 0);
  const size = wal !== null && wal.databasePages > 0 ? wal.databasePages * wal.pageSize : image.size;
  const problem = imageProblem(new Uint8Array(image.read(0, 100)), size);
  if (problem !== null) {
    image.close();
    fail(wal ? `${problem} (after applying its -wal)` : problem);
  }

  let db: Database | undefined;
  try {
    db = new SQL.Database(image.sqlJsInput());
    // A sql.js that copies its input instead of adopting the image (see FileImage) gets the bytes.
    if (!image.adopted) {
      db.close();
      db = new SQL.Database(new Uint8Array(image.read(0, image.size)));
    }
    db.exec('SELECT count(*) FROM sqlite_master');
  } catch (err) {
    db?.close();
    image.close();
    return fail(`SQLite cannot read it: ${errorMessage(err)}`);
  }
  const hash = crypto.createHash('sha256').update(main);
  if (walBytes) hash.update(walBytes);
  const opened = db;
  return {
    path: file,
    walPath: walBytes === null ? null : `${file}-wal`,
    fileHash: hash.digest('hex'),
    mainBytes: main.length,
    wal,
    db: opened,
    close: () => {
      opened.close();
      image.close();
    },
  };
}
