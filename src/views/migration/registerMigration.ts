// The migration's place in the window: the "Migrate Legacy Database" and "Undo Legacy Migration..."
// commands, and the offer made once per window when a database of the old app sits in a usual
// place and was not migrated yet.
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errorMessage';
import type { WizardDeps } from './migrationWizard';
import { MigrationWizard, findCandidates } from './migrationWizard';
import type { UndoArgs } from './undoMigration';
import { undoLegacyMigration } from './undoMigration';

/** globalState key: the user chose "Don't Ask Again". */
export const DONT_ASK_KEY = 'nightPilot.legacyMigration.dontAsk';

/**
 * Offers the wizard when a legacy database is found. Resolves with what happened, for tests:
 * 'dontAsk' (turned off), 'none' (nothing to migrate), or the user's choice.
 */
export async function offerMigration(
  deps: WizardDeps,
  state: vscode.Memento,
): Promise<'dontAskSet' | 'turnedOff' | 'none' | 'migrate' | 'later'> {
  if (state.get<boolean>(DONT_ASK_KEY) === true) return 'turnedOff';
  const waiting = findCandidates(deps.database).filter((c) => !c.migrated);
  const first = waiting[0];
  if (!first) return 'none';
  deps.log.info(`Found a legacy database not migrated yet: ${waiting.map((c) => c.path).join(', ')}`);
  const migrate = vscode.l10n.t('Migrate…');
  const later = vscode.l10n.t('Later');
  const dontAsk = vscode.l10n.t("Don't Ask Again");
  const message =
    waiting.length === 1
      ? vscode.l10n.t(
          'A database of the old Claude Night Pilot app was found: {0}. Migrate its prompts, jobs and history into Night Pilot? The file is only read.',
          first.path,
        )
      : vscode.l10n.t(
          '{0} databases of the old Claude Night Pilot app were found, e.g. {1}. Migrate their prompts, jobs and history into Night Pilot? The files are only read.',
          waiting.length,
          first.path,
        );
  const choice = await vscode.window.showInformationMessage(message, migrate, later, dontAsk);
  if (choice === migrate) {
    // The wizard's first step lists what was found, the first file not migrated yet selected.
    MigrationWizard.show(deps);
    return 'migrate';
  }
  if (choice === dontAsk) {
    await state.update(DONT_ASK_KEY, true);
    return 'dontAskSet';
  }
  return 'later';
}

/** The "Migrate Legacy Database" command's work: the wizard (at a file's preview, when given). */
export function showMigrationWizard(deps: WizardDeps, file?: string): unknown {
  return MigrationWizard.show(deps, file);
}

/** The "Undo Legacy Migration..." command's work (for a given backup folder, when given). */
export function runUndoMigration(deps: WizardDeps, args?: UndoArgs): Promise<boolean> {
  return undoLegacyMigration(
    {
      database: deps.database,
      jobsTree: deps.jobsTree,
      log: deps.log,
      wasmPath: vscode.Uri.joinPath(deps.extensionUri, 'dist', 'sql-wasm.wasm').fsPath,
    },
    typeof args?.folder === 'string' ? { folder: args.folder } : undefined,
  );
}

/** Makes the offer once the database is open (without waiting for the user's answer). */
export function startMigrationOffer(deps: WizardDeps, state: vscode.Memento): void {
  void offerMigration(deps, state).catch((err: unknown) =>
    deps.log.error(`Could not look for a legacy database: ${errorMessage(err)}`, err),
  );
}

/** Closes an open wizard when the extension is deactivated. */
export const disposeMigrationWizard: vscode.Disposable = {
  dispose: () => MigrationWizard.current?.dispose(),
};
