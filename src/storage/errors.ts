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
  ) {
    super(
      `The database ${databasePath} is damaged (${reason}). It was moved aside to ${movedTo} ` +
        `and a new, empty database will be created in its place on the next start.`,
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

/** A save could not be completed (disk full, permissions...). The file on disk is unchanged. */
export class SaveFailedError extends StorageError {
  constructor(databasePath: string, cause: unknown) {
    super(
      `Could not save the database ${databasePath}: ${cause instanceof Error ? cause.message : String(cause)}`,
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
