// Storage failures a user can act on. The CLI maps every StorageError to exit code 3; the
// extension shows the message as is, so each one names the file and what to do.

export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Another live process held the lock for longer than we were willing to wait. */
export class LockTimeoutError extends StorageError {
  constructor(
    readonly lockPath: string,
    readonly waitedMs: number,
    holder: string,
  ) {
    super(
      `Timed out after ${(waitedMs / 1000).toFixed(1)} s waiting for the database lock ${lockPath} ` +
        `(held by ${holder}). If no Night Pilot process is running, delete the lock file.`,
    );
  }
}

/** The file is not a readable SQLite database. It has been moved aside, never overwritten. */
export class CorruptDatabaseError extends StorageError {
  constructor(
    readonly databasePath: string,
    readonly movedTo: string,
    readonly reason: string,
    /** The verified copy that can be put back, when there is one. */
    readonly lastGood: { path: string; verifiedAt: Date } | null = null,
    /** Where its page log went with it, when it had one. */
    readonly logMovedTo: string | null = null,
  ) {
    super(
      `The database ${databasePath} is damaged (${reason}). It was moved aside to ${movedTo} ` +
        `and a new, empty database will be created in its place on the next start.` +
        (logMovedTo ? ` Its page log was moved with it, to ${logMovedTo}.` : '') +
        (lastGood
          ? ` A copy verified on ${lastGood.verifiedAt.toISOString()} (${lastGood.path}) can be put back with ` +
            '"night-pilot db restore".'
          : ''),
    );
  }
}

/** Written by a newer Night Pilot: refusing to touch it protects the user's data. */
export class NewerSchemaError extends StorageError {
  constructor(
    readonly databasePath: string,
    readonly fileVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `The database ${databasePath} has schema version ${fileVersion}, but this Night Pilot only ` +
        `understands versions up to ${supportedVersion}. Update Night Pilot; the file was left untouched.`,
    );
  }
}

/** The page log was written by a newer Night Pilot (another format): left untouched. */
export class NewerLogFormatError extends StorageError {
  constructor(
    readonly logPath: string,
    detail: string,
  ) {
    super(
      `The page log ${logPath} was written by a newer Night Pilot (${detail}). Update Night Pilot; the files ` +
        'were left untouched.',
    );
  }
}

/** A save could not be completed (disk full, permissions...). The file on disk is unchanged. */
export class SaveFailedError extends StorageError {
  constructor(databasePath: string, cause: unknown) {
    const full = isDiskFull(cause) ? ' The disk (or your quota) is full: free some space and try again.' : '';
    super(
      `Could not save the database ${databasePath}: ${cause instanceof Error ? cause.message : String(cause)}.${full}`,
    );
  }
}

/** A row the caller asked for does not exist. */
export class NotFoundError extends StorageError {
  constructor(kind: string, id: string) {
    super(`No ${kind} with id ${id}.`);
  }
}

/** The change would break the data model's rules (e.g. a parent-job cycle). */
export class ConstraintError extends StorageError {}

/** Error codes that mean the disk (or the user's quota) is full. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** Whether `err` is a file-system error saying the disk or the quota is full. */
export function isDiskFull(err: unknown): boolean {
  return DISK_FULL_CODES.has((err as NodeJS.ErrnoException | null)?.code ?? '');
}

/**
 * A file-system error met while using the database, as the storage error the user sees (the CLI's
 * exit code 3): `context` names the file, the cause says what the system said, and a full disk
 * says what to do. Errors without a system error code are returned unchanged.
 */
export function storageErrorFor(err: unknown, context: string): unknown {
  if (err instanceof StorageError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string') return err;
  const message = err instanceof Error ? err.message : String(err);
  const hint = isDiskFull(err) ? ' The disk (or your quota) is full: free some space and try again.' : '';
  return new StorageError(`${context}: ${message}.${hint}`);
}

/** The file was deleted or moved away while this process was using it. */
export class DatabaseMissingError extends StorageError {
  constructor(
    readonly databasePath: string,
    /** Set when it is the page log (with commits the file does not hold yet) that went. */
    readonly logPath?: string,
  ) {
    super(
      logPath === undefined
        ? `The database ${databasePath} was deleted or moved away while Night Pilot was using it. Nothing more ` +
            'is written, so it is not silently replaced by an empty one: put the file back (or restore a copy ' +
            'with "night-pilot db restore"), then start Night Pilot again; starting without it creates a new, empty database.'
        : `The page log ${logPath} of the database ${databasePath} was deleted or moved away while Night Pilot was ` +
            'using it; it held changes the database file does not have yet. Nothing more is written: put it back, ' +
            'then start Night Pilot again.',
    );
  }
}

/**
 * A save found, just before its rename, that it no longer holds the lock or that another process
 * replaced the file since it was read: it renamed nothing. The write is retried from the file.
 */
export class SaveFencedError extends StorageError {}
