// The Night Pilot status bar item: what matters at 3 a.m. at a glance. Problems the user must fix
// (no database, no Claude CLI) come first; otherwise the runs going now, the usage-limit hold with
// its countdown and local reset time, quiet mode, the failures since the user last looked, and the
// next fire. Clicking it shows the Jobs view (which counts as having looked).
import * as vscode from 'vscode';
import { COMMAND, FOCUS_JOBS_VIEW } from '../commands/commandIds';
import type { ClaudeLocation } from '../scheduler/claudeLocator';
import { CLAUDE_PATH_SETTING, openSettingCommand } from '../services/claudeCheck';
import { formatCountdown, formatFull, formatTime, formatWhen } from './format';
import type { JobsSummary } from './summary';

/** The countdown of a hold is redrawn this often. */
const COUNTDOWN_MS = 30_000;

export class NightPilotStatusBar implements vscode.Disposable {
  private readonly _item = vscode.window.createStatusBarItem(
    'nightPilot.status',
    vscode.StatusBarAlignment.Left,
    0,
  );
  private _summary: JobsSummary | undefined;
  private _claude: ClaudeLocation | undefined;
  private _databaseError: string | undefined;
  private _timer: NodeJS.Timeout | undefined;
  private _plain = '';

  constructor(private readonly _now: () => Date = () => new Date()) {
    this._item.name = 'Night Pilot';
    this._render();
    this._item.show();
  }

  /** The current text, for tests and diagnostics. */
  get text(): string {
    return this._item.text;
  }

  /** The current tooltip as plain text, for tests and diagnostics. */
  get tooltip(): string {
    return this._plain;
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
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    this._plain = '';
    item.backgroundColor = undefined;
    clearTimeout(this._timer);
    this._timer = undefined;
    if (this._databaseError !== undefined) {
      item.text = `$(error) Night Pilot`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      this._text(md, vscode.l10n.t('Night Pilot could not open its database: {0}', this._databaseError));
      item.command = COMMAND.showLog;
    } else if (this._claude && !this._claude.found) {
      item.text = `$(warning) ${vscode.l10n.t('Claude CLI not found')}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      // The locator's message already names every place it looked.
      this._text(md, this._claude.message);
      md.appendMarkdown(
        `\n\n${vscode.l10n.t('Click to set {0} to the `claude` executable.', `\`${CLAUDE_PATH_SETTING}\``)}`,
      );
      item.command = openSettingCommand(CLAUDE_PATH_SETTING);
    } else if (this._summary === undefined) {
      item.text = '$(sync~spin) Night Pilot';
      this._text(md, vscode.l10n.t('Night Pilot is opening its database…'));
      item.command = FOCUS_JOBS_VIEW;
    } else {
      this._renderSummary(this._summary, md);
      item.command = FOCUS_JOBS_VIEW;
    }
    item.tooltip = md;
  }

  /** Adds plain text to the tooltip (escaped: names come from the user). */
  private _text(md: vscode.MarkdownString, text: string): void {
    md.appendText(text);
    this._plain += text;
  }

  private _renderSummary(s: JobsSummary, md: vscode.MarkdownString): void {
    const now = this._now();
    const parts: string[] = [];
    const lines: string[] = [];
    if (s.runningCount > 0) {
      parts.push(`$(sync~spin) ${vscode.l10n.t('{0} running', s.runningCount)}`);
      lines.push(vscode.l10n.t('{0} run(s) going now.', s.runningCount));
    }
    if (s.hold) {
      parts.push(`$(watch) ${vscode.l10n.t('limit {0}', formatCountdown(s.hold.until, now))}`);
      lines.push(
        vscode.l10n.t(
          'Usage limit: no job starts until {0} (in {1}); the waiting run resumes its session then.',
          formatWhen(s.hold.until, now),
          formatCountdown(s.hold.until, now),
        ),
      );
      this._item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      // The countdown moves: redraw it until the hold ends (the next summary then drops it).
      this._timer = setTimeout(() => this._render(), COUNTDOWN_MS);
    }
    if (s.quiet) {
      parts.push(`$(mute) ${vscode.l10n.t('quiet')}`);
      lines.push(vscode.l10n.t('Quiet mode: no job starts until you run "Night Pilot: Resume All Jobs".'));
    }
    if (s.failuresSinceSeen > 0) {
      parts.push(`$(error) ${vscode.l10n.t('{0} failed', s.failuresSinceSeen)}`);
      lines.push(
        vscode.l10n.t('{0} run(s) failed since you last looked at the Jobs view.', s.failuresSinceSeen),
      );
      if (!s.hold) this._item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    if (parts.length === 0) {
      parts.push(
        s.next
          ? `$(clock) ${vscode.l10n.t('next {0}', formatTime(s.next.at))}`
          : `$(clock) ${vscode.l10n.t('{0} job(s)', s.jobCount)}`,
      );
    }
    this._item.text = `Night Pilot: ${parts.join('  ')}`;
    if (s.next && !s.quiet)
      lines.push(
        vscode.l10n.t(
          'Next: {0}, {1} ({2}).',
          s.next.job.name,
          formatWhen(s.next.at, now),
          formatFull(s.next.at),
        ),
      );
    else if (!s.quiet)
      lines.push(
        s.jobCount > 0 ? vscode.l10n.t('No active job has an upcoming fire.') : vscode.l10n.t('No jobs yet.'),
      );
    if (this._claude?.found) lines.push(vscode.l10n.t('Claude CLI: {0}', this._claude.path));
    lines.push(vscode.l10n.t('Click to show the Jobs view.'));
    this._text(md, lines.join('\n\n'));
  }

  dispose(): void {
    clearTimeout(this._timer);
    this._item.dispose();
  }
}
