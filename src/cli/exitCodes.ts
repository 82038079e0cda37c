// The CLI's exit codes are part of its scripted interface: docs/cli.md lists them, and scripts
// branch on them, so they never change meaning.

/** Process exit codes of `night-pilot`. */
export const ExitCode = {
  /** The command did what it was asked. */
  ok: 0,
  /** A run the command started or waited for failed; also an unexpected internal error. */
  failure: 1,
  /** The command line or its values were invalid; nothing was written. */
  usage: 2,
  /** The database could not be used: lock timeout, damaged file, newer schema, save failure. */
  storage: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line on stderr (no stack trace) with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Invalid input: an unknown option, a bad value, a reference to nothing. Exit code 2.
 * `command` names the command whose `--help` the user should read, when there is one.
 */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message, ExitCode.usage);
  }
}
