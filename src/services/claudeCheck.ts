import * as os from 'node:os';
import * as vscode from 'vscode';
import { errorMessage } from '../core/errorMessage';
import type { ClaudeLocation } from '../scheduler/claudeLocator';
import { locateClaude } from '../scheduler/claudeLocator';
import type { Logger } from './logger';

export const CLAUDE_PATH_SETTING = 'nightPilot.claude.path';

/**
 * The command that shows one setting in the Settings editor. `nightPilot.claude.path` is a machine
 * setting: in a remote window (Remote-SSH, WSL, code-server) it lives in the remote machine's
 * settings, and the user settings page would say "No Settings Found".
 */
export function openSettingCommand(setting: string): vscode.Command {
  const remote = vscode.env.remoteName !== undefined;
  return remote
    ? {
        title: vscode.l10n.t('Open Remote Settings'),
        command: 'workbench.action.openRemoteSettings',
        arguments: [{ query: setting }],
      }
    : {
        title: vscode.l10n.t('Open Settings'),
        command: 'workbench.action.openSettings',
        arguments: [setting],
      };
}

/**
 * Finds the Claude CLI at activation and whenever `nightPilot.claude.path` changes. A missing CLI is
 * said where a user looks: a warning notification, the log and (through `onDidChange`) the status bar.
 */
export class ClaudeCheck implements vscode.Disposable {
  private _current: Promise<ClaudeLocation>;
  private readonly _onDidChange = new vscode.EventEmitter<ClaudeLocation>();
  readonly onDidChange = this._onDidChange.event;
  private readonly _configListener: vscode.Disposable;

  constructor(
    private readonly _log: Logger,
    private readonly _showLog: () => void,
  ) {
    this._current = this._check();
    this._configListener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(CLAUDE_PATH_SETTING)) this._current = this._check();
    });
  }

  /** The latest search's result. */
  location(): Promise<ClaudeLocation> {
    return this._current;
  }

  private async _check(): Promise<ClaudeLocation> {
    // Off the activation path: the search stats files and may run `which`.
    await new Promise((resolve) => setImmediate(resolve));
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
        message: vscode.l10n.t('Could not look for the Claude CLI: {0}', errorMessage(err)),
      };
    }
    this._onDidChange.fire(location);
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
    const setPath = vscode.l10n.t('Set Path');
    const showLog = vscode.l10n.t('Show Log');
    const choice = await vscode.window.showWarningMessage(message, setPath, showLog);
    if (choice === setPath) {
      const open = openSettingCommand(CLAUDE_PATH_SETTING);
      await vscode.commands.executeCommand(open.command, ...(open.arguments ?? []));
    } else if (choice === showLog) {
      this._showLog();
    }
  }

  dispose(): void {
    this._configListener.dispose();
    this._onDidChange.dispose();
  }
}
