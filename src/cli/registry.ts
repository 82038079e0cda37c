// The command tree. Each command is a declarative spec (path, options, positionals, run), so
// help, option parsing, "did you mean" and docs come from one place, and a new command is one
// `registry.add(...)` call away (see commands.ts).

import type { OptionSpec, ParsedArgs, PositionalSpec } from './args';
import type { CommandContext } from './context';
import { UsageError } from './exitCodes';
import { closest } from './suggest';

/** One runnable command, e.g. `job add` or `scheduler`. */
export interface CommandSpec {
  /** The words that name it: `['job', 'add']`. Every prefix must be a registered group. */
  readonly path: readonly string[];
  /** One line for command listings. */
  readonly summary: string;
  /** The synopsis after the command words, when `[options] ARGS` says too little. */
  readonly usage?: string;
  /** Paragraphs for its `--help`, after the usage line. */
  readonly description?: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options?: readonly OptionSpec[];
  /** Complete command lines shown under "Examples". */
  readonly examples?: readonly string[];
  /**
   * Does the work. Returns the exit code (undefined = 0). Throw UsageError for bad input
   * (exit 2), StorageError subclasses propagate (exit 2 or 3), CliError for any other code.
   */
  run(ctx: CommandContext, args: ParsedArgs): Promise<number | void>;
}

/** A word that only groups commands, e.g. `job`. */
export interface CommandGroup {
  readonly path: readonly string[];
  readonly summary: string;
  readonly children: Map<string, CommandNode>;
}

export type CommandNode = { kind: 'group'; group: CommandGroup } | { kind: 'command'; command: CommandSpec };

/** How far a list of words got into the tree. */
export interface Lookup {
  /** The deepest node reached (the root group when no word matched). */
  node: CommandNode;
  /** How many words were consumed. */
  consumed: number;
}

/** The tree of command groups and commands. */
export class CommandRegistry {
  readonly root: CommandGroup = { path: [], summary: '', children: new Map() };

  /** Declares a group such as `job` (its parent groups must exist). */
  addGroup(path: readonly string[], summary: string): this {
    const parent = this._parentOf(path);
    const name = path[path.length - 1]!;
    if (parent.children.has(name)) throw new Error(`"${path.join(' ')}" is already registered`);
    parent.children.set(name, { kind: 'group', group: { path: [...path], summary, children: new Map() } });
    return this;
  }

  /** Adds a command under its (already declared) group. */
  add(command: CommandSpec): this {
    const parent = this._parentOf(command.path);
    const name = command.path[command.path.length - 1]!;
    if (parent.children.has(name)) throw new Error(`"${command.path.join(' ')}" is already registered`);
    parent.children.set(name, { kind: 'command', command });
    return this;
  }

  /** Follows `words` down the tree as far as they name groups and commands. */
  lookup(words: readonly string[]): Lookup {
    let node: CommandNode = { kind: 'group', group: this.root };
    let consumed = 0;
    while (node.kind === 'group' && consumed < words.length) {
      const child = node.group.children.get(words[consumed]!);
      if (!child) break;
      node = child;
      consumed++;
    }
    return { node, consumed };
  }

  /**
   * Like lookup, but a word that names nothing under a group is an error with a "did you mean":
   * `unknown command "jbo"; did you mean "job"?`.
   */
  find(words: readonly string[]): Lookup {
    const found = this.lookup(words);
    const next = words[found.consumed];
    if (found.node.kind === 'group' && next !== undefined && !next.startsWith('-')) {
      const group = found.node.group;
      const typed = [...group.path, next].join(' ');
      const hint = closest(next, group.children.keys());
      const known = [...group.children.keys()].join(', ');
      throw new UsageError(
        `unknown command "${typed}"; ${hint !== undefined ? `did you mean "${[...group.path, hint].join(' ')}"?` : `expected one of: ${known}`}`,
      );
    }
    return found;
  }

  /** Every command, depth first in registration order. */
  commands(): CommandSpec[] {
    const out: CommandSpec[] = [];
    const walk = (group: CommandGroup) => {
      for (const child of group.children.values()) {
        if (child.kind === 'command') out.push(child.command);
        else walk(child.group);
      }
    };
    walk(this.root);
    return out;
  }

  private _parentOf(path: readonly string[]): CommandGroup {
    if (path.length === 0) throw new Error('A command path needs at least one word');
    let group = this.root;
    for (const word of path.slice(0, -1)) {
      const child = group.children.get(word);
      if (!child || child.kind !== 'group')
        throw new Error(`Group "${word}" of "${path.join(' ')}" is not registered`);
      group = child.group;
    }
    return group;
  }
}
