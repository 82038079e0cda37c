// The command tree of `night-pilot`. To add a command, write its CommandSpec (see registry.ts)
// in a file of its own and register it here; help, parsing and docs follow from the spec.

import { DB_COMMANDS } from './dbCommands';
import { JOB_COMMANDS } from './jobCommands';
import { jobExportCommand } from './jobExportCommand';
import { JOB_TRANSFER_COMMANDS } from './jobTransferCommands';
import { CommandRegistry } from './registry';
import { helpCommand } from './helpCommand';
import { RUN_COMMANDS } from './runCommands';
import { RUN_REVIEW_COMMANDS } from './runReviewCommands';
import { jobRunCommand } from './jobRunCommand';
import { migrateCommand } from './migrateCommand';
import { RUN_SHOW_COMMANDS } from './runShowCommands';
import { schedulerCommand } from './schedulerCommand';
import { USAGE_COMMANDS } from './usageCommands';

/** A registry with every built-in command. */
export function createRegistry(): CommandRegistry {
  const registry = new CommandRegistry();
  registry.addGroup(['job'], 'Create, change, inspect and run scheduled jobs.');
  for (const command of JOB_COMMANDS) registry.add(command);
  registry.add(jobRunCommand);
  registry.add(jobExportCommand);
  for (const command of JOB_TRANSFER_COMMANDS) registry.add(command);
  registry.addGroup(['run'], 'Inspect and cancel the runs of jobs.');
  for (const command of RUN_COMMANDS) registry.add(command);
  for (const command of RUN_SHOW_COMMANDS) registry.add(command);
  for (const command of RUN_REVIEW_COMMANDS) registry.add(command);
  registry.addGroup(['usage'], 'Tokens and cost: reports over Claude Code transcripts and Night Pilot runs.');
  for (const command of USAGE_COMMANDS) registry.add(command);
  registry.add(schedulerCommand);
  registry.add(migrateCommand);
  registry.addGroup(['db'], 'Check the database, and restore its last-good copy after damage.');
  for (const command of DB_COMMANDS) registry.add(command);
  registry.add(helpCommand);
  return registry;
}
