import type { CommandContext } from './context';
import { UsageError } from './exitCodes';
import { commandHelp, groupHelp, rootHelp } from './help';
import type { CommandNode, CommandRegistry, CommandSpec } from './registry';

/** The help text for a node of the tree (the root group gives the overview). */
export function helpText(registry: CommandRegistry, node: CommandNode): string {
  if (node.kind === 'command') return commandHelp(node.command);
  return node.group.path.length === 0 ? rootHelp(registry) : groupHelp(registry, node.group);
}

/** `night-pilot help [COMMAND...]`. */
export const helpCommand: CommandSpec = {
  path: ['help'],
  summary: 'Show help for a command, e.g. "night-pilot help job add".',
  positionals: [{ name: 'COMMAND', description: 'The command words.', optional: true, variadic: true }],
  async run(ctx: CommandContext, args) {
    const { node, consumed } = ctx.registry.find(args.positionals);
    if (consumed < args.positionals.length) {
      throw new UsageError(`unknown command "${args.positionals.join(' ')}"`, 'help');
    }
    ctx.io.stdout(`${helpText(ctx.registry, node)}\n`);
  },
};
