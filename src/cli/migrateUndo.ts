// `night-pilot migrate --undo FOLDER`: puts back the database a migration's backup folder kept,
// after saying what would be lost (runs recorded since, jobs created since, later migrations).
// Without --yes it changes nothing; --dry-run only prints what the undo would do.

import { LegacyUndoError } from '../storage/legacy/legacyErrors';
import type { MigrationTarget } from '../storage/legacy/legacyMigration';
import type { UndoPlan } from '../storage/legacy/legacyUndo';
import { planUndo, undoMigration } from '../storage/legacy/legacyUndo';
import { loadSqlJs } from '../storage/sqlJs';
import type { ParsedArgs } from './args';
import type { CommandContext } from './context';
import { CliError, ExitCode, UsageError } from './exitCodes';
import { keyValues } from './textOutput';

/** What the undo loses, in one line. */
export function lossText(plan: UndoPlan): string {
  const l = plan.lost;
  const parts = [
    `${l.runs} run(s) recorded since the migration${l.unfinishedRuns > 0 ? ` (${l.unfinishedRuns} not finished)` : ''}`,
    `${l.jobs} job(s) created since`,
    `${l.laterMigrations} later migration(s)`,
  ];
  return `${parts.join(', ')}, and every other change made since ${plan.migratedAt}`;
}

function planLines(plan: UndoPlan, databasePath: string): [string, string][] {
  const lines: [string, string][] = [
    ['Migration', `${plan.source} on ${plan.migratedAt}`],
    ['Puts back', `${plan.databaseBackup} over ${databasePath}`],
    ['Loses', lossText(plan)],
  ];
  if (!plan.present)
    lines.push([
      'Note',
      'this migration is not in the database any more (undone already, or the database was restored since)',
    ]);
  return lines;
}

export async function runUndo(ctx: CommandContext, args: ParsedArgs, folder: string): Promise<number> {
  const target: MigrationTarget = {
    databasePath: ctx.store.path,
    read: (fn) => ctx.store.read(fn),
    write: (fn) => ctx.store.write(fn),
  };
  let plan: UndoPlan;
  try {
    plan = await planUndo(folder, target, await loadSqlJs(ctx.store.options.wasmPath));
  } catch (err) {
    if (err instanceof LegacyUndoError) throw new CliError(err.message, ExitCode.usage);
    throw err;
  }
  if (args.flag('dry-run')) {
    ctx.print(plan, () => `${keyValues(planLines(plan, ctx.store.path))}\n\nDry run: nothing was changed.`);
    return ExitCode.ok;
  }
  if (!args.flag('yes')) {
    throw new UsageError(
      `undoing the migration of ${plan.source} (${plan.migratedAt}) would lose ${lossText(plan)}. ` +
        'Nothing was changed; run again with --yes to undo it.',
    );
  }
  // The database is closed first: the undo replaces the file under the lock.
  ctx.store.close();
  const result = await undoMigration(plan, ctx.store.path, ctx.store.options);
  const json = { database: ctx.store.path, migrationId: plan.migrationId, lost: plan.lost, ...result };
  ctx.print(json, () =>
    keyValues([
      ['Undone', `the migration of ${plan.source} (${plan.migratedAt})`],
      ['Database', `${ctx.store.path}, as it was before it (from ${result.restoredFrom})`],
      ['Kept', result.keptAs ?? '(there was no database to keep)'],
      ['Log files removed', String(result.logFilesRemoved)],
    ]),
  );
  return ExitCode.ok;
}
