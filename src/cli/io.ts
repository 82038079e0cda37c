/**
 * Everything the CLI touches of its process: tests pass their own to run it in-process, and
 * main.ts passes the real one.
 */
export interface CliIo {
  /** Writes text to standard output as is (no newline added). */
  stdout(text: string): void;
  /** Writes text to standard error as is. */
  stderr(text: string): void;
  /** Environment variables: NIGHT_PILOT_DB, NIGHT_PILOT_LOCK_TIMEOUT_MS, XDG_CONFIG_HOME, APPDATA... */
  readonly env: NodeJS.ProcessEnv;
  /** The directory relative paths (`--db`, `--cwd`, `--prompt-file`) are resolved against. */
  readonly cwd: string;
  /** The current time; defaults to the system clock. */
  now?(): Date;
}

/** The process's own stdout, stderr, environment, working directory and clock. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}
