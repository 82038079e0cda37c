// Help text, generated from the registry so it cannot drift from what the parser accepts.

import type { OptionSpec, PositionalSpec } from './args';
import { GLOBAL_OPTIONS, VERSION_OPTION } from './globals';
import type { CommandGroup, CommandRegistry, CommandSpec } from './registry';

/** Where help text wraps. */
export const HELP_WIDTH = 100;
const WIDTH = HELP_WIDTH;
const PROGRAM = 'night-pilot';

const EXIT_CODES =
  'Exit codes: 0 success, 1 a run failed (or an internal error), 2 invalid input (nothing was written), ' +
  '3 storage problem (lock timeout, damaged file, newer schema).';

/** Wraps `text` at `width` columns, paragraph by paragraph, indenting continuation lines. */
export function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line !== '' && line.length + 1 + word.length > width - indent) {
        lines.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  }
  return lines.join(`\n${' '.repeat(indent)}`);
}

function optionLabel(o: OptionSpec): string {
  const long = `--${o.name}${o.value ? ` ${o.value}` : ''}`;
  return o.short ? `-${o.short}, ${long}` : long;
}

/** Two-column "label  description" rows with wrapped descriptions. */
function rows(items: readonly (readonly [string, string])[]): string {
  const width = Math.min(30, Math.max(...items.map(([label]) => label.length))) + 2;
  return items
    .map(([label, text]) => {
      const head = `  ${label}`;
      const pad =
        head.length >= width + 2 ? `\n${' '.repeat(width + 2)}` : ' '.repeat(width + 2 - head.length);
      return `${head}${pad}${wrap(text, WIDTH, width + 2)}`;
    })
    .join('\n');
}

function positionalUsage(p: PositionalSpec): string {
  const name = p.variadic ? `${p.name}...` : p.name;
  return p.optional ? `[${name}]` : name;
}

/** `night-pilot job add [options]`-style synopsis. */
export function usageLine(command: CommandSpec): string {
  const words = [PROGRAM, ...command.path];
  if (command.usage !== undefined) return [...words, command.usage].join(' ');
  if ((command.options?.length ?? 0) > 0) words.push('[options]');
  for (const p of command.positionals ?? []) words.push(positionalUsage(p));
  return words.join(' ');
}

function commandList(registry: CommandRegistry, group: CommandGroup): string {
  const entries: [string, string][] = [];
  const walk = (g: CommandGroup) => {
    for (const child of g.children.values()) {
      if (child.kind === 'command') entries.push([child.command.path.join(' '), child.command.summary]);
      else walk(child.group);
    }
  };
  walk(group);
  return rows(entries);
}

function globalOptionsBlock(includeVersion: boolean): string {
  const options = [...GLOBAL_OPTIONS, ...(includeVersion ? [VERSION_OPTION] : [])];
  return `Global options:\n${rows([...options.map((o) => [optionLabel(o), o.description] as const), ['-h, --help', 'Show help.']])}`;
}

export function rootHelp(registry: CommandRegistry): string {
  return [
    `Usage: ${PROGRAM} [--db FILE] [--json] [--claude PATH] <command> [options]`,
    '',
    wrap(
      'Night Pilot runs Claude Code prompts on cron schedules. This command line works on the same database as the ' +
        'VS Code extension, so jobs created here appear there and the other way round.',
      WIDTH,
      0,
    ),
    '',
    'Commands:',
    commandList(registry, registry.root),
    '',
    globalOptionsBlock(true),
    '',
    wrap(EXIT_CODES, WIDTH, 0),
    `Run "${PROGRAM} <command> --help" for the options of a command. Full reference: docs/cli.md.`,
  ].join('\n');
}

export function groupHelp(registry: CommandRegistry, group: CommandGroup): string {
  return [
    `Usage: ${PROGRAM} ${group.path.join(' ')} <command> [options]`,
    '',
    group.summary,
    '',
    'Commands:',
    commandList(registry, group),
    '',
    `Run "${PROGRAM} ${group.path.join(' ')} <command> --help" for the options of a command.`,
  ].join('\n');
}

export function commandHelp(command: CommandSpec): string {
  const parts = [`Usage: ${usageLine(command)}`, '', wrap(command.summary, WIDTH, 0)];
  if (command.description) parts.push('', wrap(command.description, WIDTH, 0));
  const positionals = command.positionals ?? [];
  if (positionals.length > 0) {
    parts.push('', 'Arguments:', rows(positionals.map((p) => [positionalUsage(p), p.description] as const)));
  }
  const options = command.options ?? [];
  if (options.length > 0)
    parts.push('', 'Options:', rows(options.map((o) => [optionLabel(o), o.description] as const)));
  parts.push('', globalOptionsBlock(false));
  if (command.examples?.length) parts.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return parts.join('\n');
}
