import type { CommandContext } from './context';
import { CRON_HELP } from './cronHelp';
import { UsageError } from './exitCodes';
import { HELP_WIDTH, commandHelp, groupHelp, rootHelp, wrap } from './help';
import type { CommandNode, CommandRegistry, CommandSpec } from './registry';

/** The help text for a node of the tree (the root group gives the overview). */
export function helpText(registry: CommandRegistry, node: CommandNode): string {
  if (node.kind === 'command') return commandHelp(node.command);
  return node.group.path.length === 0 ? rootHelp(registry) : groupHelp(registry, node.group);
}

/** `night-pilot help [COMMAND...]`. */
export const helpCommand: CommandSpec = {
  path: ['help'],
  summary:
    'Show help for a command, e.g. "night-pilot help job add"; "night-pilot help cron" for cron expressions.',
  positionals: [
    { name: 'COMMAND', description: 'The command words, or "cron".', optional: true, variadic: true },
  ],
  async run(ctx: CommandContext, args) {
    if (args.positionals.length === 1 && args.positionals[0] === 'cron') {
      ctx.io.stdout(`${wrap(CRON_HELP, HELP_WIDTH, 0)}\n`);
      return;
    }
    const { node, consumed } = ctx.registry.find(args.positionals);
    if (consumed < args.positionals.length) {
      throw new UsageError(`unknown command "${args.positionals.join(' ')}"`, 'help');
    }
    ctx.io.stdout(`${helpText(ctx.registry, node)}\n`);
  },
};
