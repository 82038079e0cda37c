// The usage status bar item: the active 5-hour block's cost and time to reset (its tooltip: the
// day, the block, the budgets), or a warning while runs wait for a budget or smart start. Clicking
// it opens the usage dashboard.

import * as vscode from 'vscode';
import { formatDuration } from '../core/timeFormat';
import type { DashboardData } from '../usage/dashboardData';
import { DEFAULT_FILTERS } from '../usage/dashboardData';
import type { UsageMonitor } from '../usage/usageMonitor';
import type { Logger } from '../services/logger';
import { errorMessage } from '../core/errorMessage';

const UPDATE_EVERY_MS = 60_000;
/** Database changes come in bursts while a run goes: the figures are read at most this often. */
const MIN_INTERVAL_MS = 10_000;
const FIRST_UPDATE_DELAY_MS = 2_000;

const money = (n: number) => `$${n.toFixed(2)}`;

export class UsageStatusBar implements vscode.Disposable {
  private readonly _item = vscode.window.createStatusBarItem(
    'nightPilot.usage',
    vscode.StatusBarAlignment.Left,
    -1,
  );
  private readonly _timer: NodeJS.Timeout;
  private _updating: Promise<void> | null = null;
  private _lastUpdate = 0;
  private _trailing: NodeJS.Timeout | undefined;

  constructor(
    private readonly _monitor: UsageMonitor,
    private readonly _log: Logger,
    private readonly _now: () => Date = () => new Date(),
  ) {
    this._item.name = vscode.l10n.t('Night Pilot Usage');
    this._item.command = 'nightPilot.openUsageDashboard';
    this._item.text = '$(pulse)';
    this._timer = setInterval(() => void this.update(), UPDATE_EVERY_MS);
    this.applyVisibility();
    // Not during activation: the first read of the transcripts can take a moment.
    this._lastUpdate = Date.now();
    this._trailing = setTimeout(() => {
      this._trailing = undefined;
      void this.update();
    }, FIRST_UPDATE_DELAY_MS);
  }

  /** The current text, for tests and diagnostics. */
  get text(): string {
    return this._item.text;
  }

  get tooltip(): string {
    const t = this._item.tooltip;
    return typeof t === 'string' ? t : (t?.value ?? '');
  }

  applyVisibility(): void {
    if (vscode.workspace.getConfiguration('nightPilot').get<boolean>('usage.showInStatusBar', true))
      this._item.show();
    else this._item.hide();
  }

  /** Reads the figures again soon: at once unless it did less than 10 s ago, then once after. */
  refreshSoon(): void {
    const wait = this._lastUpdate + MIN_INTERVAL_MS - Date.now();
    if (wait <= 0) void this.update();
    else
      this._trailing ??= setTimeout(() => {
        this._trailing = undefined;
        void this.update();
      }, wait);
  }

  /** Reads the figures again now; concurrent calls share one update. */
  update(): Promise<void> {
    this._lastUpdate = Date.now();
    this._updating ??= this._monitor
      .dashboard({ ...DEFAULT_FILTERS, rangeDays: 7 }, this._now())
      .then((d) => this._render(d))
      .catch((err: unknown) => this._log.error(`Usage status bar: ${errorMessage(err)}`, err))
      .finally(() => (this._updating = null));
    return this._updating;
  }

  private _render(d: DashboardData): void {
    const c = d.cards;
    const item = this._item;
    const md = new vscode.MarkdownString(undefined, true);
    item.backgroundColor = undefined;
    if (c.heldRuns > 0) {
      item.text = `$(warning) ${vscode.l10n.t('{0} run(s) held', c.heldRuns)}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      md.appendMarkdown(
        `**${vscode.l10n.t('{0} run(s) wait for a budget or smart start.', c.heldRuns)}**\n\n`,
      );
    } else if (c.block) {
      item.text = `$(pulse) ${money(c.block.costUsd)} · ${formatDuration(c.block.minutesLeft * 60_000, 'h')}`;
    } else {
      item.text = `$(pulse) ${money(c.today.costUsd)}`;
    }
    md.appendMarkdown(
      `${vscode.l10n.t('Today: {0} by Night Pilot runs, {1} by all Claude Code use', money(c.today.costUsd), money(c.todayAll.costUsd))}  \n`,
    );
    if (c.block) {
      const resets = new Date(c.block.endTime).toLocaleTimeString(undefined, {
        hour: '2-digit',
        minute: '2-digit',
      });
      md.appendMarkdown(
        `${vscode.l10n.t('5-hour block: {0}, resets at {1} (in {2})', money(c.block.costUsd), resets, formatDuration(c.block.minutesLeft * 60_000, 'h'))}  \n`,
      );
      if (c.block.projectedCostUsd !== null)
        md.appendMarkdown(
          `${vscode.l10n.t('Projected at the reset: {0}', money(c.block.projectedCostUsd))}  \n`,
        );
    } else {
      md.appendMarkdown(`${vscode.l10n.t('No active 5-hour block.')}  \n`);
    }
    const b = c.budgets;
    if (b.dailyUsd !== null || b.monthlyUsd !== null) {
      md.appendMarkdown(
        `${vscode.l10n.t('Budgets: {0} a day, {1} a month', b.dailyUsd === null ? '-' : money(b.dailyUsd), b.monthlyUsd === null ? '-' : money(b.monthlyUsd))}  \n`,
      );
    }
    md.appendMarkdown(`\n${vscode.l10n.t('Click to open the usage dashboard.')}`);
    item.tooltip = md;
  }

  dispose(): void {
    clearInterval(this._timer);
    clearTimeout(this._trailing);
    this._item.dispose();
  }
}
