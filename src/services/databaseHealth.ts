import * as vscode from 'vscode';
import type { NightPilotDatabase } from '../storage/database';
import { CorruptDatabaseError } from '../storage/errors';
import { lastGoodCopy, restoreLastGood } from '../storage/integrityCheck';
import { errorMessage } from '../core/errorMessage';
import { setContextKey } from './contextKeys';
import type { Logger } from './logger';

/**
 * What the user sees when the database cannot be used: at activation, or later when it is found
 * damaged (a query, the idle integrity check) or deleted. The error is shown with the file's path
 * and, when a verified last-good copy exists, an offer to put it back.
 */
export class DatabaseHealth {
  constructor(
    private readonly _databasePath: string,
    private readonly _wasmPath: string,
    private readonly _log: Logger,
    /** Told the message when the database fails (the status bar shows it). */
    private readonly _onFailure: (message: string) => void,
    private readonly _showLog: () => void,
  ) {}

  /** Reports the database's failure for good (this window stops using it). */
  watch(database: NightPilotDatabase): vscode.Disposable {
    return database.onDidFail((err) => this.report(err.message, err instanceof CorruptDatabaseError));
  }

  /** Shows why the database cannot be used; offers the last-good copy when it was damaged. */
  report(message: string, damaged: boolean): void {
    this._log.error(message);
    this._onFailure(message);
    setContextKey('nightPilot:databaseError', true);
    const showLog = vscode.l10n.t('Show Log');
    const restore = vscode.l10n.t('Restore Last Good Copy');
    const actions = damaged && lastGoodCopy(this._databasePath) ? [restore, showLog] : [showLog];
    void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
      if (choice === showLog) this._showLog();
      else if (choice === restore) void this.restore();
    });
  }

  /** The Restore command: puts the last-good copy back after a confirmation, then offers a reload. */
  async restore(): Promise<boolean> {
    const copy = lastGoodCopy(this._databasePath);
    if (copy === null) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Night Pilot has no last-good copy of its database yet: one is kept once the database has been checked while idle.',
        ),
      );
      return false;
    }
    const yes = vscode.l10n.t('Restore');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Restore the Night Pilot database from the copy verified {0}?',
        copy.verifiedAt.toLocaleString(),
      ),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Changes made after that are not in the copy. The current file, if any, is kept beside it.',
        ),
      },
      yes,
    );
    if (answer !== yes) return false;
    try {
      const result = await restoreLastGood(this._databasePath, { wasmPath: this._wasmPath });
      this._log.info(
        `Restored ${this._databasePath} from ${result.restoredFrom}${result.keptAs ? `; kept ${result.keptAs}` : ''}.`,
      );
    } catch (err) {
      this._log.error(`Restore failed: ${errorMessage(err)}`, err);
      void vscode.window.showErrorMessage(errorMessage(err));
      return false;
    }
    const reload = vscode.l10n.t('Reload Window');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Night Pilot: the database was restored. Reload the window to use it.'),
      reload,
    );
    if (choice === reload) await vscode.commands.executeCommand('workbench.action.reloadWindow');
    return true;
  }
}
