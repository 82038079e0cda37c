import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ClaudeLocation } from '../scheduler/claudeLocator';
import { locateClaude } from '../scheduler/claudeLocator';
import type { Logger } from './logger';
import { errorMessage } from './logger';
import type { NightPilotStatusBar } from './statusBar';

/**
 * Finds the Claude CLI at activation and whenever `nightPilot.claude.path` changes. A missing CLI is
 * said where a user looks: a warning notification, the log and the status bar.
 */
export class ClaudeCheck implements vscode.Disposable {
  private _current: Promise<ClaudeLocation>;
  private readonly _configListener: vscode.Disposable;

  constructor(
    private readonly _log: Logger,
    private readonly _statusBar: NightPilotStatusBar,
    private readonly _showLog: () => void,
  ) {
    this._current = this._check();
    this._configListener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('nightPilot.claude.path')) this._current = this._check();
    });
  }

  /** The latest search's result. */
  location(): Promise<ClaudeLocation> {
    return this._current;
  }

  private async _check(): Promise<ClaudeLocation> {
    const configured =
      vscode.workspace.getConfiguration('nightPilot').get<string>('claude.path')?.trim() || undefined;
    let location: ClaudeLocation;
    try {
      location = await locateClaude({
        configured,
        env: process.env,
        homeDir: os.homedir(),
        platform: process.platform,
      });
    } catch (err) {
      location = {
        found: false,
        searched: [],
        message: `Could not look for the Claude CLI: ${errorMessage(err)}`,
      };
    }
    this._statusBar.setClaude(location);
    if (location.found) {
      this._log.info(`Claude CLI: ${location.path} (${location.source})`);
    } else {
      // The message names the places searched; the warning below repeats it where users look.
      this._log.warn(location.message);
      void this._warn(location.message);
    }
    return location;
  }

  private async _warn(message: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(message, 'Set Path', 'Show Log');
    if (choice === 'Set Path') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'nightPilot.claude.path');
    } else if (choice === 'Show Log') {
      this._showLog();
    }
  }

  dispose(): void {
    this._configListener.dispose();
  }
}
