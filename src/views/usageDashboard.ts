// The usage dashboard webview: one panel, restored after a reload by its serializer with the
// filters the page saved. Its HTML carries the strings and the data for its first paint (read
// while VS Code creates the webview), so the page draws as soon as its script runs; after
// `ready` the page asks (`setFilters`, `refresh`) and the host answers from the UsageMonitor.

import * as vscode from 'vscode';
import type { DashboardData, DashboardFilters } from '../usage/dashboardData';
import { DASHBOARD_RANGES, DEFAULT_FILTERS } from '../usage/dashboardData';
import type { UsageMonitor } from '../usage/usageMonitor';
import type { Logger } from '../services/logger';
import { errorMessage } from '../core/errorMessage';
import { dashboardStrings } from './webview/usageDashboardStrings';
import type {
  DashboardInitial,
  DashboardPageState,
  HostToPage,
  PageToHost,
} from './webview/usageDashboardProtocol';
import {
  DASHBOARD_INITIAL_ID,
  sameFilters,
  USAGE_DASHBOARD_VIEW_TYPE,
} from './webview/usageDashboardProtocol';
import { webviewHtml, webviewResourceRoots } from './webview/webviewHtml';

/** How often an open dashboard refreshes by itself (the active block's countdown moves). */
const AUTO_REFRESH_MS = 60_000;
/** Changes to the database come in bursts (a run writes its phases): one update per burst. */
const UPDATE_DELAY_MS = 2_000;
/**
 * How long the page waits for its data before it is shown without (a loading ring, the data
 * following after `ready`): a first read of a large transcript folder can take a second or more,
 * and a blank panel that long looks broken.
 */
const HTML_WAIT_MS = 300;

export class UsageDashboard implements vscode.Disposable {
  /** How long the HTML waits for the data; 0: never (a test sees the page that waits). */
  htmlWaitMs = HTML_WAIT_MS;
  private _panel: vscode.WebviewPanel | undefined;
  private _filters: DashboardFilters = DEFAULT_FILTERS;
  private _ready = false;
  private _panelDisposables: vscode.Disposable[] = [];
  private readonly _disposables: vscode.Disposable[] = [];
  private _timer: NodeJS.Timeout | undefined;
  private _soon: NodeJS.Timeout | undefined;
  /**
   * The data in the page's HTML is the latest: nothing changed since it was read, and no newer
   * data was posted (a page reloaded from the same HTML would show it again, stale).
   */
  private _htmlFresh = false;
  /** Data still being read when the page was shown without it, for the filters it opened with. */
  private _dataGeneratedAt: string | undefined;
  private _pending: { filters: DashboardFilters; data: Promise<DashboardData> } | undefined;

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
          // A restored panel gets its options here; a new one has them from createWebviewPanel
          // (setting them again would make VS Code reload the webview it is creating).
          panel.webview.options = {
            enableScripts: true,
            localResourceRoots: webviewResourceRoots(this._extensionUri),
          };
          this._attach(panel, readState(state)?.filters ?? DEFAULT_FILTERS);
        },
      }),
    );
  }

  /** The open panel, for tests. */
  get panel(): vscode.WebviewPanel | undefined {
    return this._panel;
  }

  /** When the data the page has (in its HTML or posted since) was read, for tests. */
  get dataGeneratedAt(): string | undefined {
    return this._dataGeneratedAt;
  }

  /** Whether the page said `ready` (its script runs under the CSP): data is posted from then on. */
  get ready(): boolean {
    return this._ready;
  }

  /** Opens the dashboard, or brings the open one to the front. */
  open(): void {
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
    if (!this._panel) return;
    if (this._ready) void this._send();
    else {
      // The page is loading: what it will show, or what is being read for it, is older.
      this._htmlFresh = false;
      this._pending = undefined;
    }
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
    this._panelDisposables = [
      panel.webview.onDidReceiveMessage((m: PageToHost) => this._onMessage(m)),
      panel.onDidChangeViewState(() => {
        // Shown again after being hidden: catch up. (Before `ready` the page's data is fresh.)
        if (panel.visible && this._ready) this.update();
      }),
      panel.onDidDispose(() => this._detach()),
    ];
    clearInterval(this._timer);
    this._timer = setInterval(() => {
      if (panel.visible) this.update();
    }, AUTO_REFRESH_MS);
    // On the next turn: the messages that create the webview leave this process first, and VS
    // Code builds it (some hundreds of milliseconds) while the data is read.
    setImmediate(() => void this._setHtml(panel, filters));
  }

  /** The page with everything its first paint needs, so that it draws without asking. */
  private async _setHtml(panel: vscode.WebviewPanel, filters: DashboardFilters): Promise<void> {
    const initial: DashboardInitial = {
      strings: dashboardStrings(),
      locale: vscode.env.language,
      filters,
    };
    this._htmlFresh = true;
    // Opened while the database is still opening (a restored panel at startup): wait for it.
    await this._source.ready;
    const monitor = this._source.monitor();
    if (monitor) {
      const data = monitor.dashboard(filters, new Date());
      const outcome =
        this.htmlWaitMs > 0
          ? await Promise.race([
              data.then(
                (d) => ({ data: d }),
                (err: unknown) => ({ err }),
              ),
              new Promise<undefined>((resolve) => setTimeout(resolve, this.htmlWaitMs)),
            ])
          : undefined;
      if (!outcome) {
        data.catch(() => undefined);
        this._pending = { filters, data };
      } else if ('data' in outcome) {
        initial.data = outcome.data;
        this._dataGeneratedAt = outcome.data.generatedAt;
      } else {
        this._log.error(`Usage dashboard: ${errorMessage(outcome.err)}`, outcome.err);
        initial.error = errorMessage(outcome.err);
      }
    } else initial.error = this._noDatabase();
    if (this._panel !== panel) return; // closed meanwhile
    panel.webview.html = webviewHtml({
      webview: panel.webview,
      extensionUri: this._extensionUri,
      title: vscode.l10n.t('Night Pilot Usage'),
      script: 'dist/media/usageDashboard.js',
      styles: ['media/usageDashboard/dashboard.css'],
      codicons: 'dist/media/codicons/codicon.css',
      initial: { id: DASHBOARD_INITIAL_ID, value: initial },
    });
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
    this._pending = undefined;
    this._dataGeneratedAt = undefined;
  }

  private async _onMessage(message: PageToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this._ready = true;
        if (message.state) this._filters = sanitize(message.state.filters);
        // The page drew what its HTML carried: nothing to send unless there is newer.
        if (message.shown && this._htmlFresh) return;
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
    this._htmlFresh = false;
    await this._source.ready;
    const monitor = this._source.monitor();
    if (!monitor) {
      await this._post({ type: 'error', message: this._noDatabase() });
      return;
    }
    await this._post({ type: 'loading' });
    try {
      const pending = this._pending;
      this._pending = undefined;
      const data =
        pending && sameFilters(pending.filters, this._filters)
          ? await pending.data
          : await monitor.dashboard(this._filters, new Date());
      await this._post({ type: 'data', data });
      this._dataGeneratedAt = data.generatedAt;
    } catch (err) {
      this._log.error(`Usage dashboard: ${errorMessage(err)}`, err);
      await this._post({ type: 'error', message: errorMessage(err) });
    }
  }

  private _noDatabase(): string {
    return vscode.l10n.t('Night Pilot could not open its database: {0}', this._source.databaseError() ?? '');
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
