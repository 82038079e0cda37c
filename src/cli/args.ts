// A small strict argument parser: every option is declared, every value is checked by the
// command, nothing is guessed. Problems are collected rather than thrown so that `--help`
// anywhere on the line still shows help.

import { closest } from './suggest';

/** One `--name [VALUE]` option a command accepts. */
export interface OptionSpec {
  /** The long name without dashes: `name` for `--name`. */
  readonly name: string;
  /** Placeholder shown in help for the value (`N`, `EXPR`); absent for a flag that takes none. */
  readonly value?: string;
  /** A one-letter alias without the dash: `h` for `-h`. */
  readonly short?: string;
  /** May be given several times; the values are kept in order. */
  readonly repeatable?: boolean;
  /** One or two sentences for the help text. */
  readonly description: string;
}

/** One positional argument a command accepts, in order. */
export interface PositionalSpec {
  /** Shown in usage lines: `ID`, `COMMAND`. */
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
  /** Takes every remaining positional argument (only the last one may). */
  readonly variadic?: boolean;
}

/** The options and positionals of one command line, as given (values unchecked). */
export class ParsedArgs {
  constructor(
    private readonly _values: ReadonlyMap<string, readonly string[] | true>,
    readonly positionals: readonly string[],
  ) {}

  /** Whether the option was given at all (even with an empty value). */
  has(name: string): boolean {
    return this._values.has(name);
  }

  /** Whether a flag was given. */
  flag(name: string): boolean {
    return this._values.get(name) === true;
  }

  /** The value of an option that takes one, or undefined when it was not given. */
  string(name: string): string | undefined {
    const value = this._values.get(name);
    return Array.isArray(value) ? value[value.length - 1] : undefined;
  }

  /** Every value of a repeatable option, in order (empty when not given). */
  list(name: string): readonly string[] {
    const value = this._values.get(name);
    return Array.isArray(value) ? value : [];
  }

  /** The names of the options given, in the order first seen. */
  names(): string[] {
    return [...this._values.keys()];
  }

  /**
   * These options plus those of `other` (whose positionals are kept), for options that may come
   * before or after the command words. An option given on both sides is reported in `duplicates`.
   */
  merge(other: ParsedArgs): { args: ParsedArgs; duplicates: string[] } {
    const values = new Map(other._values);
    const duplicates: string[] = [];
    for (const [name, value] of this._values) {
      if (values.has(name)) duplicates.push(name);
      else values.set(name, value);
    }
    return { args: new ParsedArgs(values, other.positionals), duplicates };
  }
}

export interface ParseResult {
  args: ParsedArgs;
  /** How many tokens were read (all of them unless `stopAtPositional`). */
  consumed: number;
  /** `--help` or `-h` was given (in an option position). */
  help: boolean;
  /** What is wrong with the line, in order; empty when it parsed. */
  errors: string[];
}

const HELP: OptionSpec = { name: 'help', short: 'h', description: 'Show this help.' };

/**
 * Parses `tokens` against `options` and `positionals`. `--name VALUE`, `--name=VALUE`, `-h` and
 * `--` (everything after it is positional) are understood. The token after a value option is
 * its value unless it is itself a `--long` option (write `--name=--odd` for such values), so a
 * forgotten value is reported instead of silently eating the next option. `command` names the
 * command in messages, e.g. `job add`. With `stopAtPositional`, parsing stops before the first
 * positional token (or after `--`): how the options in front of the command words are read.
 */
export function parseArgs(
  tokens: readonly string[],
  options: readonly OptionSpec[],
  positionals: readonly PositionalSpec[],
  command: string,
  stopAtPositional = false,
): ParseResult {
  const byName = new Map<string, OptionSpec>();
  const byShort = new Map<string, OptionSpec>();
  for (const spec of [...options, HELP]) {
    byName.set(spec.name, spec);
    if (spec.short) byShort.set(spec.short, spec);
  }
  const values = new Map<string, string[] | true>();
  const rest: string[] = [];
  const errors: string[] = [];
  let help = false;
  const forWhat = command ? ` for "${command}"` : '';

  const record = (spec: OptionSpec, value: string | undefined, shown: string) => {
    const previous = values.get(spec.name);
    if (previous !== undefined && !spec.repeatable) {
      errors.push(`${shown} was given more than once`);
      return;
    }
    if (spec.value === undefined) values.set(spec.name, true);
    else values.set(spec.name, [...((previous as string[] | undefined) ?? []), value ?? '']);
  };

  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--') {
      if (stopAtPositional) {
        i++;
        break;
      }
      rest.push(...tokens.slice(i + 1));
      i = tokens.length;
      break;
    }
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      const spec = byName.get(name);
      if (!spec) {
        const hint = closestOption(name, byName.keys());
        errors.push(`unknown option --${name}${forWhat}${hint ? `; did you mean --${hint}?` : ''}`);
        continue;
      }
      if (spec === HELP) {
        help = true;
        continue;
      }
      if (spec.value === undefined) {
        if (eq !== -1) errors.push(`--${name} does not take a value`);
        else record(spec, undefined, `--${name}`);
        continue;
      }
      if (eq !== -1) {
        record(spec, token.slice(eq + 1), `--${name}`);
        continue;
      }
      const next = tokens[i + 1];
      if (next === undefined || next.startsWith('--')) {
        errors.push(`missing value for --${name}`);
        continue;
      }
      record(spec, next, `--${name}`);
      i++;
      continue;
    }
    if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) {
      const spec = byShort.get(token.slice(1));
      if (spec === HELP) help = true;
      else if (spec) record(spec, undefined, token);
      else errors.push(`unknown option ${token}${forWhat}`);
      continue;
    }
    if (stopAtPositional) break;
    rest.push(token);
  }

  checkPositionals(rest, positionals, forWhat, errors);
  return { args: new ParsedArgs(values, rest), consumed: i, help, errors };
}

function checkPositionals(
  given: string[],
  specs: readonly PositionalSpec[],
  forWhat: string,
  errors: string[],
): void {
  specs.forEach((spec, index) => {
    if (!spec.optional && given[index] === undefined) errors.push(`missing argument ${spec.name}${forWhat}`);
  });
  const variadic = specs.length > 0 && specs[specs.length - 1]!.variadic;
  if (!variadic && given.length > specs.length) {
    const extra = given[specs.length]!;
    errors.push(`unexpected argument "${extra}"${forWhat}`);
  }
}

function closestOption(name: string, names: Iterable<string>): string | undefined {
  return closest(
    name,
    [...names].filter((n) => n !== 'help'),
  );
}
