// `night-pilot db check | restore`: SQLite's integrity check of the database on demand (which
// also refreshes the last-good copy), and putting the last-good copy back after damage.

import { StorageError } from '../storage/errors';
import { lastGoodCopy, lastGoodPath, restoreLastGood } from '../storage/integrityCheck';
import type { CommandSpec } from './registry';

const check: CommandSpec = {
  path: ['db', 'check'],
  summary: "Run SQLite's integrity check (PRAGMA quick_check) on the database; keep a last-good copy.",
  description:
    'Reads every page of the database (the file and its page log). When it is sound, exactly what was checked ' +
    'is kept as one file, <database>.last-good (what "db restore" puts back). When it is damaged, it is moved aside like any damaged ' +
    'file (exit 3, naming both paths). Schedulers do the same on their own once a day while idle.',
  examples: ['night-pilot db check', 'night-pilot --json db check'],
  async run(ctx) {
    if (!ctx.store.exists()) throw new StorageError(`There is no database at ${ctx.store.path} to check.`);
    const db = await ctx.store.open();
    db.quickCheck(lastGoodPath(db.path));
    const copy = lastGoodCopy(db.path);
    const result = {
      database: db.path,
      ok: true,
      lastGood: copy?.path ?? null,
      verifiedAt: copy?.verifiedAt.toISOString() ?? null,
    };
    ctx.print(
      result,
      () => `${db.path}: quick_check ok; last-good copy ${result.lastGood ?? '(not written)'}.`,
    );
  },
};

const restore: CommandSpec = {
  path: ['db', 'restore'],
  summary: 'Put the last-good copy of the database back (after damage), keeping the current file aside.',
  description:
    'Checks <database>.last-good once more, then makes it the database. The file it replaces, if any, is kept ' +
    'as <database>.before-restore-<time> (its page log with .wal added), never deleted. Runs under the write lock; VS Code windows and ' +
    'schedulers using the database simply reload it. Changes made after the copy was verified are not in it.',
  examples: ['night-pilot db restore'],
  async run(ctx) {
    const result = await restoreLastGood(ctx.store.path, ctx.store.options);
    const json = {
      database: ctx.store.path,
      restoredFrom: result.restoredFrom,
      verifiedAt: result.verifiedAt.toISOString(),
      keptAs: result.keptAs,
    };
    ctx.print(
      json,
      () =>
        `Restored ${json.database} from ${json.restoredFrom} (verified ${json.verifiedAt})` +
        `${json.keptAs ? `; the replaced file is kept as ${json.keptAs}` : ''}.`,
    );
  },
};

/** The `db` commands, in the order help lists them. */
export const DB_COMMANDS: readonly CommandSpec[] = [check, restore];
