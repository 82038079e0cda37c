import type { GlobalOptions } from './globals';
import type { CliIo } from './io';
import type { CommandRegistry } from './registry';
import type { CliStore } from './store';

/** What a command's `run` gets besides its own arguments. */
export interface CommandContext {
  readonly io: CliIo;
  readonly globals: GlobalOptions;
  /** The database of this invocation (opened on first use, closed by runCli). */
  readonly store: CliStore;
  readonly registry: CommandRegistry;
  /** The command's full name, e.g. `job add`, for messages. */
  readonly commandName: string;
  /** The current time (the io's clock). */
  now(): Date;
  /** Prints the result: `json` as the one JSON document with --json, else the text `human()` returns. */
  print(json: unknown, human: () => string): void;
  /** A diagnostic line on stderr, never on stdout: `night-pilot: <message>`. */
  note(message: string): void;
}
