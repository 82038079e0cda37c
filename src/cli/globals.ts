// Options accepted before (or after) any command, and what they resolve to.

import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseOptions } from '../storage/database';
import { defaultDatabasePath } from '../storage/paths';
import type { OptionSpec, ParsedArgs } from './args';
import { UsageError } from './exitCodes';
import type { CliIo } from './io';
import { CliStore } from './store';

/** Options every command accepts. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'db',
    value: 'FILE',
    description:
      "The database file. Default: $NIGHT_PILOT_DB, else the VS Code extension's own file (see docs/cli.md).",
  },
  { name: 'json', description: 'Print exactly one JSON document on stdout (diagnostics go to stderr).' },
  {
    name: 'claude',
    value: 'PATH',
    description:
      'The Claude Code executable for commands that run jobs. Default: $NIGHT_PILOT_CLAUDE, else claude on PATH, else the usual install folders.',
  },
];

/** Shown at the top level only. */
export const VERSION_OPTION: OptionSpec = { name: 'version', description: 'Print the version and exit.' };

/** What the global options resolved to for this invocation. */
export interface GlobalOptions {
  /** Absolute path of the database file (from --db, else $NIGHT_PILOT_DB, else the default). */
  readonly dbPath: string;
  /** Where dbPath came from, for messages: `--db`, `NIGHT_PILOT_DB` or `the default database path`. */
  readonly dbSource: string;
  /** `--json`: one JSON document on stdout. */
  readonly json: boolean;
  /** `--claude PATH` as given, or null to search ($NIGHT_PILOT_CLAUDE, PATH, the usual install folders). */
  readonly claudePath: string | null;
}

/** Env var that overrides how long a write waits for another process's lock (milliseconds). */
export const LOCK_TIMEOUT_ENV = 'NIGHT_PILOT_LOCK_TIMEOUT_MS';

/** Checks and resolves the global options of a parsed line (throws UsageError). */
export function resolveGlobals(args: ParsedArgs, io: CliIo): GlobalOptions {
  const dbOption = args.string('db');
  let dbPath: string;
  let dbSource: string;
  if (dbOption !== undefined) {
    if (dbOption.trim() === '') throw new UsageError('--db: the file name is empty');
    dbPath = path.resolve(io.cwd, dbOption);
    dbSource = '--db';
  } else if (io.env.NIGHT_PILOT_DB) {
    dbPath = path.resolve(io.cwd, io.env.NIGHT_PILOT_DB);
    dbSource = 'NIGHT_PILOT_DB';
  } else {
    dbPath = defaultDatabasePath(io.env);
    dbSource = 'the default database path';
  }
  const claude = args.string('claude');
  if (claude !== undefined && claude.trim() === '') throw new UsageError('--claude: the path is empty');
  return { dbPath, dbSource, json: args.flag('json'), claudePath: claude ?? null };
}

/**
 * The store for this invocation. Checked only when a command first needs the database, so
 * `help` works whatever the environment says.
 */
export function createStore(globals: GlobalOptions, io: CliIo): CliStore {
  if (isDirectory(globals.dbPath)) {
    throw new UsageError(`${globals.dbSource}: ${globals.dbPath} is a directory, not a database file`);
  }
  const options: DatabaseOptions = { lockLabel: 'night-pilot cli', lockTimeoutMs: lockTimeout(io.env) };
  if (io.now) options.clock = io.now;
  return new CliStore(globals.dbPath, options);
}

function lockTimeout(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[LOCK_TIMEOUT_ENV];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) {
    throw new UsageError(`${LOCK_TIMEOUT_ENV}: "${raw}" is not a whole number of milliseconds`);
  }
  return Number(raw.trim());
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
