// The CLI as a function: parse, dispatch to the registry, map errors to exit codes. main.ts
// calls it with the real process; tests call it in-process with a captured io.

import { version } from '../../package.json';
import { ConstraintError, NotFoundError, StorageError, isDiskFull } from '../storage/errors';
import { parseArgs } from './args';
import { createRegistry } from './commands';
import type { CommandContext } from './context';
import { CliError, ExitCode, UsageError } from './exitCodes';
import type { GlobalOptions } from './globals';
import { GLOBAL_OPTIONS, VERSION_OPTION, createStore, resolveGlobals } from './globals';
import { helpText } from './helpCommand';
import type { CliIo } from './io';
import type { CommandRegistry } from './registry';
import type { CliStore } from './store';

export type { CliIo } from './io';

/** Set to print stack traces of internal errors. */
export const DEBUG_ENV = 'NIGHT_PILOT_DEBUG';

/**
 * Runs one `night-pilot` command line (`argv` without the node and script paths) and resolves
 * to its exit code. Never throws and never exits the process: every outcome is an exit code,
 * with the result on `io.stdout` and diagnostics on `io.stderr`.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  registry: CommandRegistry = createRegistry(),
): Promise<number> {
  let store: CliStore | undefined;
  try {
    return await dispatch(argv, io, registry, (globals) => (store ??= createStore(globals, io)));
  } catch (err) {
    return report(err, io);
  } finally {
    store?.close();
  }
}

async function dispatch(
  argv: readonly string[],
  io: CliIo,
  registry: CommandRegistry,
  storeFor: (globals: GlobalOptions) => CliStore,
): Promise<number> {
  const leading = parseArgs(argv, [...GLOBAL_OPTIONS, VERSION_OPTION], [], '', true);
  if (leading.errors.length > 0 && !leading.help) throw new UsageError(leading.errors.join('\n'));
  const words = argv.slice(leading.consumed);
  if (leading.args.flag('version') && !leading.help) {
    io.stdout(
      leading.args.flag('json')
        ? `${JSON.stringify({ name: 'night-pilot', version })}\n`
        : `night-pilot ${version}\n`,
    );
    return ExitCode.ok;
  }

  const { node, consumed } = registry.find(words);
  const rest = words.slice(consumed);
  if (node.kind === 'group') {
    if (leading.help || rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${helpText(registry, node)}\n`);
      return ExitCode.ok;
    }
    const where = node.group.path.join(' ');
    const known = [...node.group.children.keys()].join(', ');
    if (where === '') throw new UsageError(`missing command; expected one of: ${known}`, '');
    throw new UsageError(`missing command after "${where}"; expected one of: ${known}`, where);
  }

  const command = node.command;
  const name = command.path.join(' ');
  const parsed = parseArgs(
    rest,
    [...(command.options ?? []), ...GLOBAL_OPTIONS],
    command.positionals ?? [],
    name,
  );
  if (leading.help || parsed.help) {
    io.stdout(`${helpText(registry, node)}\n`);
    return ExitCode.ok;
  }
  const { args, duplicates } = leading.args.merge(parsed.args);
  const errors = [...parsed.errors, ...duplicates.map((option) => `--${option} was given more than once`)];
  if (errors.length > 0) throw new UsageError(errors.join('\nnight-pilot: '), name);

  const globals = resolveGlobals(args, io);
  let printed = false;
  const ctx: CommandContext = {
    io,
    globals,
    registry,
    commandName: name,
    get store() {
      return storeFor(globals);
    },
    now: () => io.now?.() ?? new Date(),
    print(json, human) {
      // One document per invocation is the --json contract; a second one would break parsers.
      if (printed && globals.json) throw new Error(`"${name}" printed more than one result`);
      printed = true;
      const text = globals.json ? JSON.stringify(json, null, 2) : human();
      io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    },
    note(message) {
      io.stderr(`night-pilot: ${message}\n`);
    },
  };
  return (await command.run(ctx, args)) ?? ExitCode.ok;
}

/** Prints an error as the user should see it and returns its exit code. */
function report(err: unknown, io: CliIo): number {
  const say = (message: string) => io.stderr(`night-pilot: ${message}\n`);
  if (err instanceof CliError) {
    say(err.message);
    if (err instanceof UsageError && err.command !== undefined) {
      io.stderr(`Run "night-pilot ${err.command ? `${err.command} ` : ''}--help" for usage.\n`);
    }
    return err.exitCode;
  }
  // Not found and constraint violations are about what the user asked for, not about the file.
  if (err instanceof NotFoundError || err instanceof ConstraintError) {
    say(err.message);
    return ExitCode.usage;
  }
  if (err instanceof StorageError) {
    say(err.message);
    return ExitCode.storage;
  }
  // A full disk is a storage problem wherever it surfaces (a log, a temp file, the lock).
  if (isDiskFull(err)) {
    say(
      `${err instanceof Error ? err.message : String(err)}: the disk (or your quota) is full; free some space and try again`,
    );
    return ExitCode.storage;
  }
  const message = err instanceof Error ? err.message : String(err);
  say(`internal error: ${message}`);
  if (io.env[DEBUG_ENV]) io.stderr(`${err instanceof Error ? err.stack : ''}\n`);
  else
    io.stderr(
      `This is a bug in Night Pilot; please report it with the command line (set ${DEBUG_ENV}=1 for details).\n`,
    );
  return ExitCode.failure;
}
