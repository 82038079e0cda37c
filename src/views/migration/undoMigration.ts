// "Night Pilot: Undo Legacy Migration...": pick a migration (its backup folder beside the
// database), read what undoing it loses, confirm, and put the database from before it back
// through the engine's undo (src/storage/legacy/legacyUndo.ts, the restore `db restore` uses).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NightPilotDatabase } from '../../storage/database';
import { StorageError } from '../../storage/errors';
import { BACKUP_ROOT } from '../../storage/legacy/legacyBackup';
import { LegacyUndoError } from '../../storage/legacy/legacyErrors';
import type { MigrationReport } from '../../storage/legacy/legacyReport';
import type { UndoPlan } from '../../storage/legacy/legacyUndo';
import { planUndo, undoMigration } from '../../storage/legacy/legacyUndo';
import { loadSqlJs } from '../../storage/sqlJs';
import type { JobsTreeProvider } from '../jobsTree';
import type { Logger } from '../../services/logger';
import { errorMessage } from '../../core/errorMessage';
import { migrationTarget } from './migrationWizard';

export interface UndoDeps {
  database: NightPilotDatabase;
  jobsTree: JobsTreeProvider;
  log: Logger;
  wasmPath: string;
}

export interface UndoArgs {
  /** The backup folder of the migration to undo (the wizard's report step passes it). */
  folder?: string;
}

interface BackupItem extends vscode.QuickPickItem {
  folder?: string;
}

/** The migrations whose backups are beside the database, newest first. */
export function migrationBackups(databasePath: string): { folder: string; report: MigrationReport }[] {
  const root = path.join(path.dirname(databasePath), BACKUP_ROOT);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const found: { folder: string; report: MigrationReport }[] = [];
  for (const name of names) {
    const folder = path.join(root, name);
    try {
      const report = JSON.parse(fs.readFileSync(path.join(folder, 'report.json'), 'utf8')) as MigrationReport;
      if (typeof report.migrationId === 'string' && report.databaseBackup) found.push({ folder, report });
    } catch {
      // Not a finished migration's folder (no report): nothing to undo there.
    }
  }
  return found.sort((a, b) => b.report.startedAt.localeCompare(a.report.startedAt));
}

async function pickFolder(databasePath: string): Promise<string | undefined> {
  const backups = migrationBackups(databasePath);
  const browse: BackupItem = { label: `$(folder-opened) ${vscode.l10n.t('Choose a Backup Folder…')}` };
  const items: BackupItem[] = backups.map(({ folder, report }) => ({
    label: path.basename(report.source.path),
    description: vscode.l10n.t(
      'migrated {0}: {1} job(s), {2} run(s)',
      new Date(report.startedAt).toLocaleString(vscode.env.language),
      report.imported.jobs,
      report.imported.runs,
    ),
    detail: folder,
    folder,
  }));
  const picked = await vscode.window.showQuickPick([...items, browse], {
    title: vscode.l10n.t('Undo which legacy migration?'),
    placeHolder:
      items.length === 0
        ? vscode.l10n.t('No migration backup beside the database: choose its folder')
        : vscode.l10n.t('Each migration kept the database from before it in its backup folder'),
  });
  if (!picked) return undefined;
  if (picked.folder) return picked.folder;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Undo This Migration'),
    defaultUri: vscode.Uri.file(path.join(path.dirname(databasePath), BACKUP_ROOT)),
  });
  return chosen?.[0]?.fsPath;
}

function lossDetail(plan: UndoPlan): string {
  const l = plan.lost;
  const lines = [
    vscode.l10n.t("Night Pilot's database goes back to how it was before this migration."),
    vscode.l10n.t(
      'Lost: {0} run(s) recorded since ({1} not finished), {2} job(s) created since, {3} later migration(s), and every other change made since.',
      l.runs,
      l.unfinishedRuns,
      l.jobs,
      l.laterMigrations,
    ),
    vscode.l10n.t('The current database is kept beside it as a .before-undo file.'),
  ];
  if (!plan.present)
    lines.push(
      vscode.l10n.t(
        'This migration is not in the database any more (undone already, or the database was restored since).',
      ),
    );
  return lines.join('\n\n');
}

/** The command: returns whether the migration was undone. */
export async function undoLegacyMigration(deps: UndoDeps, args?: UndoArgs): Promise<boolean> {
  const folder = args?.folder ?? (await pickFolder(deps.database.path));
  if (folder === undefined) return false;
  let plan: UndoPlan;
  try {
    plan = await planUndo(folder, migrationTarget(deps.database), await loadSqlJs(deps.wasmPath));
  } catch (err) {
    if (!(err instanceof LegacyUndoError)) deps.log.error(`Undo: ${errorMessage(err)}`, err);
    void vscode.window.showErrorMessage(errorMessage(err));
    return false;
  }
  const undo = vscode.l10n.t('Undo Migration');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      'Undo the migration of {0} from {1}?',
      path.basename(plan.source),
      new Date(plan.migratedAt).toLocaleString(vscode.env.language),
    ),
    { modal: true, detail: lossDetail(plan) },
    undo,
  );
  if (answer !== undo) return false;
  try {
    const result = await undoMigration(plan, deps.database.path, { wasmPath: deps.wasmPath });
    deps.log.info(
      `Undid the migration ${plan.migrationId} of ${plan.source}: restored ${result.restoredFrom}` +
        `${result.keptAs ? `, kept ${result.keptAs}` : ''}, removed ${result.logFilesRemoved} log file(s).`,
    );
    // The window reads the file put back (the undo replaced it under the lock).
    deps.database.refresh();
    deps.jobsTree.refresh();
    void vscode.window.showInformationMessage(
      result.keptAs
        ? vscode.l10n.t(
            'Night Pilot: the migration of {0} was undone. The replaced database is kept as {1}.',
            path.basename(plan.source),
            result.keptAs,
          )
        : vscode.l10n.t('Night Pilot: the migration of {0} was undone.', path.basename(plan.source)),
    );
    return true;
  } catch (err) {
    if (!(err instanceof StorageError)) deps.log.error(`Undo failed: ${errorMessage(err)}`, err);
    else deps.log.error(`Undo failed: ${errorMessage(err)}`);
    void vscode.window.showErrorMessage(errorMessage(err));
    return false;
  }
}
