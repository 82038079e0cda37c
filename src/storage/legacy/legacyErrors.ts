// Problems with the legacy file a user pointed the migration at. They are about the input, not
// about Night Pilot's own database: the CLI reports them with exit code 2, the wizard on its
// first step, and every message names the file and what is wrong with it.

/** The file cannot be migrated as it is: missing, not SQLite, truncated, not a legacy database. */
export class LegacySourceError extends Error {
  constructor(
    readonly filePath: string,
    readonly reason: string,
  ) {
    super(`${filePath} cannot be migrated: ${reason}`);
    this.name = 'LegacySourceError';
  }
}

/** A folder given to undo a migration that cannot be used: not a backup, no copy, another database. */
export class LegacyUndoError extends Error {
  constructor(
    readonly folder: string,
    readonly reason: string,
  ) {
    super(`Cannot undo the migration backed up in ${folder}: ${reason}`);
    this.name = 'LegacyUndoError';
  }
}
