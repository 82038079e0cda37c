import * as vscode from 'vscode';
import type { ClaudeLocation } from '../scheduler/claudeLocator';
import { formatFull, formatWhen } from './format';
import type { JobsSummary } from './summary';

/**
 * The Night Pilot status bar item. Problems the user must fix (no Claude CLI, no database) take
 * precedence over the normal "how many jobs, what fires next" text.
 */
export class NightPilotStatusBar implements vscode.Disposable {
  private readonly _item = vscode.window.createStatusBarItem(
    'nightPilot.status',
    vscode.StatusBarAlignment.Left,
    0,
  );
  private _summary: JobsSummary | undefined;
  private _claude: ClaudeLocation | undefined;
  private _databaseError: string | undefined;

  constructor(private readonly _now: () => Date = () => new Date()) {
    this._item.name = 'Night Pilot';
    this._render();
    this._item.show();
  }

  /** The current text, for tests and diagnostics. */
  get text(): string {
    return this._item.text;
  }

  setSummary(summary: JobsSummary): void {
    this._summary = summary;
    this._render();
  }

  setClaude(location: ClaudeLocation): void {
    this._claude = location;
    this._render();
  }

  setDatabaseError(message: string): void {
    this._databaseError = message;
    this._render();
  }

  private _render(): void {
    const item = this._item;
    const tooltip = new vscode.MarkdownString(undefined, true);
    item.backgroundColor = undefined;
    if (this._databaseError !== undefined) {
      item.text = '$(error) Night Pilot';
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      tooltip.appendText(`Night Pilot could not open its database: ${this._databaseError}`);
      item.command = 'nightPilot.showLog';
    } else if (this._claude && !this._claude.found) {
      item.text = '$(warning) Claude CLI not found';
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      // The locator's message already names every place it looked.
      tooltip.appendText(this._claude.message);
      tooltip.appendMarkdown('\n\nClick to set `nightPilot.claude.path` to the `claude` executable.');
      item.command = {
        title: 'Set the Claude CLI path',
        command: 'workbench.action.openSettings',
        arguments: ['nightPilot.claude.path'],
      };
    } else {
      const count = this._summary?.jobCount;
      const jobs = count === undefined ? '' : `: ${count} job${count === 1 ? '' : 's'}`;
      item.text = this._summary?.quiet ? `$(mute) Night Pilot${jobs}, quiet` : `$(clock) Night Pilot${jobs}`;
      const next = this._summary?.next;
      if (this._summary?.quiet) {
        tooltip.appendText('Quiet mode: no job starts until you run "Night Pilot: Resume All Jobs".');
      } else if (next) {
        tooltip.appendText(
          `Next: ${next.job.name}, ${formatWhen(next.at, this._now())} (${formatFull(next.at)})`,
        );
      } else {
        tooltip.appendText(count ? 'No active job has an upcoming fire.' : 'No jobs yet.');
      }
      if (this._claude?.found) tooltip.appendText(`\nClaude CLI: ${this._claude.path}`);
      item.command = 'nightPilot.jobs.focus';
    }
    item.tooltip = tooltip;
  }

  dispose(): void {
    this._item.dispose();
  }
}
