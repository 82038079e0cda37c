// Before anything is written: the legacy file (with its -wal) and Night Pilot's own database as
// they are, copied into a timestamped folder beside the database. Restoring Night Pilot's copy
// undoes the migration; the legacy copies prove what was migrated (their hash is in the report).

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StorageError } from '../errors';
import { LegacySourceError } from './legacyErrors';
import { errorMessage } from '../../core/errorMessage';

/** The folder (beside the database) that holds one folder per migration. */
export const BACKUP_ROOT = 'legacy-migrations';
/** Night Pilot's database as it was before the migration, inside the backup folder. */
export const DATABASE_BEFORE = 'night-pilot-before-migration.db';

export interface Backup {
  folder: string;
  files: string[];
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Copies the legacy files and the database into `<database folder>/legacy-migrations/<time>-<name>/`.
 * Checks that the copies hash to what the preview read (`fileHash`): a file that changed since
 * the preview is refused (LegacySourceError), so the backup is exactly what gets migrated.
 */
export function backUp(
  databasePath: string,
  source: { path: string; walPath: string | null; fileHash: string },
  now: Date,
): Backup {
  const root = path.join(path.dirname(databasePath), BACKUP_ROOT);
  const base = `${stamp(now)}-${path.basename(source.path)}`;
  let folder = path.join(root, base);
  try {
    fs.mkdirSync(root, { recursive: true });
    for (let i = 2; fs.existsSync(folder); i++) folder = path.join(root, `${base}-${i}`);
    fs.mkdirSync(folder);
  } catch (err) {
    throw new StorageError(`Cannot create the backup folder ${folder}: ${errorMessage(err)}`);
  }
  const files: string[] = [];
  try {
    const copy = (from: string) => {
      const to = path.join(folder, path.basename(from));
      fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
      files.push(to);
      return to;
    };
    const hash = crypto.createHash('sha256');
    hash.update(fs.readFileSync(copy(source.path)));
    if (source.walPath !== null) {
      if (!fs.existsSync(source.walPath))
        throw new LegacySourceError(
          source.path,
          'its -wal file disappeared after the preview (the old app checkpointed it?); preview again',
        );
      hash.update(fs.readFileSync(copy(source.walPath)));
    }
    if (hash.digest('hex') !== source.fileHash) {
      throw new LegacySourceError(
        source.path,
        'it changed after the preview (is the old app still running?); close the old app and preview again',
      );
    }
    if (fs.existsSync(databasePath)) {
      const to = path.join(folder, DATABASE_BEFORE);
      fs.copyFileSync(databasePath, to, fs.constants.COPYFILE_EXCL);
      files.push(to);
    }
    return { folder, files };
  } catch (err) {
    fs.rmSync(folder, { recursive: true, force: true });
    if (err instanceof LegacySourceError) throw err;
    throw new StorageError(`Cannot back up into ${folder}: ${errorMessage(err)}`);
  }
}
