// The usage dashboard webview: one panel, restored after a reload by its serializer with the
// filters the page saved. The page asks for data (`ready`, `setFilters`, `refresh`) and the host
// answers from the UsageMonitor; it posts nothing before `ready`.

import * as vscode from 'vscode';
import type { DashboardData, DashboardFilters } from '../usage/dashboardData';
import { DASHBOARD_RANGES, DEFAULT_FILTERS } from '../usage/dashboardData';
import type { UsageMonitor } from '../usage/usageMonitor';
import type { Logger } from '../services/logger';
import { errorMessage } from '../core/errorMessage';
import { dashboardStrings } from './webview/usageDashboardStrings';
import type { DashboardPageState, HostToPage, PageToHost } from './webview/usageDashboardProtocol';
import { USAGE_DASHBOARD_VIEW_TYPE } from './webview/usageDashboardProtocol';
import { webviewHtml, webviewResourceRoots } from './webview/webviewHtml';

/** How often an open dashboard refreshes by itself (the active block's countdown moves). */
const AUTO_REFRESH_MS = 60_000;
/** Changes to the database come in bursts (a run writes its phases): one update per burst. */
const UPDATE_DELAY_MS = 2_000;

export class UsageDashboard implements vscode.Disposable {
  private _panel: vscode.WebviewPanel | undefined;
  private _filters: DashboardFilters = DEFAULT_FILTERS;
  private _ready = false;
  private _panelDisposables: vscode.Disposable[] = [];
  private readonly _disposables: vscode.Disposable[] = [];
  private _timer: NodeJS.Timeout | undefined;
  private _soon: NodeJS.Timeout | undefined;
  /** When the command asked for the panel, to time the first paint. */
  private _openedAt = 0;
  /** Data computed while the page loads, for the filters the panel opened with. */
  private _prefetch: { filters: DashboardFilters; data: Promise<DashboardData> } | undefined;

  /**
   * @param _source  the monitor once the database is open (`ready` resolves then), and why there is
   *   none when the database could not be opened.
   */
  constructor(
    private readonly _extensionUri: vscode.Uri,
    private readonly _source: {
      ready: Promise<unknown>;
      monitor(): UsageMonitor | undefined;
      databaseError(): string | undefined;
    },
    private readonly _log: Logger,
  ) {
    this._disposables.push(
      vscode.window.registerWebviewPanelSerializer(USAGE_DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          this._attach(panel, readState(state)?.filters ?? DEFAULT_FILTERS);
        },
      }),
    );
  }

  /** The open panel, for tests. */
  get panel(): vscode.WebviewPanel | undefined {
    return this._panel;
  }

  /** Whether the page said `ready` (its script runs under the CSP): data is posted from then on. */
  get ready(): boolean {
    return this._ready;
  }

  /** Opens the dashboard, or brings the open one to the front. */
  open(): void {
    this._openedAt = Date.now();
    if (this._panel) {
      this._panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      USAGE_DASHBOARD_VIEW_TYPE,
      vscode.l10n.t('Night Pilot Usage'),
      vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: webviewResourceRoots(this._extensionUri) },
    );
    this._attach(panel, this._filters);
  }

  /** Recomputes and posts the data (a setting changed, the panel became visible). */
  update(): void {
    if (this._panel && this._ready) void this._send();
  }

  /** The database changed: update a visible panel, once per burst of changes. */
  updateSoon(): void {
    if (!this._panel?.visible || this._soon) return;
    this._soon = setTimeout(() => {
      this._soon = undefined;
      this.update();
    }, UPDATE_DELAY_MS);
  }

  private _attach(panel: vscode.WebviewPanel, filters: DashboardFilters): void {
    this._panel = panel;
    this._filters = filters;
    this._ready = false;
    panel.iconPath = vscode.Uri.joinPath(this._extensionUri, 'media', 'nightPilot.svg');
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: webviewResourceRoots(this._extensionUri),
    };
    panel.webview.html = webviewHtml({
      webview: panel.webview,
      extensionUri: this._extensionUri,
      title: vscode.l10n.t('Night Pilot Usage'),
      script: 'dist/media/usageDashboard.js',
      styles: ['media/usageDashboard/dashboard.css'],
      codicons: 'dist/media/codicons/codicon.css',
    });
    this._panelDisposables = [
      panel.webview.onDidReceiveMessage((m: PageToHost) => this._onMessage(m)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.update();
      }),
      panel.onDidDispose(() => this._detach()),
    ];
    clearInterval(this._timer);
    this._timer = setInterval(() => {
      if (panel.visible) this.update();
    }, AUTO_REFRESH_MS);
    // The page takes a few hundred milliseconds to load: read the data meanwhile.
    const monitor = this._source.monitor();
    if (monitor) {
      const data = monitor.dashboard(filters, new Date());
      data.catch(() => undefined);
      this._prefetch = { filters, data };
    }
  }

  private _detach(): void {
    clearInterval(this._timer);
    clearTimeout(this._soon);
    this._soon = undefined;
    this._timer = undefined;
    for (const d of this._panelDisposables) d.dispose();
    this._panelDisposables = [];
    this._panel = undefined;
    this._ready = false;
  }

  private async _onMessage(message: PageToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this._ready = true;
        if (message.state) this._filters = sanitize(message.state.filters);
        await this._post({ type: 'strings', strings: dashboardStrings(), locale: vscode.env.language });
        await this._send();
        return;
      }
      case 'setFilters':
        this._filters = sanitize(message.filters);
        await this._send();
        return;
      case 'refresh':
        await this._send();
        return;
      case 'openRun':
        await vscode.commands.executeCommand('nightPilot.openRun', message.runId);
        return;
    }
  }

  private async _send(): Promise<void> {
    await this._source.ready;
    const monitor = this._source.monitor();
    if (!monitor) {
      await this._post({
        type: 'error',
        message: vscode.l10n.t(
          'Night Pilot could not open its database: {0}',
          this._source.databaseError() ?? '',
        ),
      });
      return;
    }
    await this._post({ type: 'loading' });
    try {
      const prefetched = this._prefetch;
      this._prefetch = undefined;
      const data =
        prefetched && sameFilters(prefetched.filters, this._filters)
          ? await prefetched.data
          : await monitor.dashboard(this._filters, new Date());
      const first = this._openedAt > 0;
      await this._post({ type: 'data', data, renderedInMs: first ? Date.now() - this._openedAt : undefined });
      this._openedAt = 0;
    } catch (err) {
      this._log.error(`Usage dashboard: ${errorMessage(err)}`, err);
      await this._post({ type: 'error', message: errorMessage(err) });
    }
  }

  private async _post(message: HostToPage): Promise<void> {
    await this._panel?.webview.postMessage(message);
  }

  dispose(): void {
    this._panel?.dispose();
    this._detach();
    for (const d of this._disposables) d.dispose();
  }
}

function sameFilters(a: DashboardFilters, b: DashboardFilters): boolean {
  return a.rangeDays === b.rangeDays && a.jobId === b.jobId && a.model === b.model && a.source === b.source;
}

function readState(state: unknown): DashboardPageState | undefined {
  if (typeof state !== 'object' || state === null || !('filters' in state)) return undefined;
  return { filters: sanitize((state as DashboardPageState).filters) };
}

/** Filters from the page (or a saved state) checked field by field; anything odd falls back. */
function sanitize(f: Partial<DashboardFilters> | undefined): DashboardFilters {
  const range = DASHBOARD_RANGES.find((r) => r === f?.rangeDays) ?? DEFAULT_FILTERS.rangeDays;
  return {
    rangeDays: range,
    jobId: typeof f?.jobId === 'string' && f.jobId !== '' ? f.jobId : null,
    model: typeof f?.model === 'string' && f.model !== '' ? f.model : null,
    source: f?.source === 'transcripts' ? 'transcripts' : 'runs',
  };
}
