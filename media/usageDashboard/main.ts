// The usage dashboard page (bundled for the browser by esbuild.mjs into dist/media/usageDashboard.js).
// Charts are Chart.js, controls are @vscode-elements/elements, colours are the theme's --vscode-*
// variables (re-read when the theme changes). It speaks the protocol in
// src/views/webview/usageDashboardProtocol.ts and keeps its filters with setState. Its first paint
// comes from the data in its HTML, drawn as soon as the script runs; after that the page is
// updated in place (view.ts), never rebuilt under the user.

import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type {
  DashboardData,
  DashboardFilters,
  DashboardInitial,
  DashboardPageState,
  DashboardStrings,
  HostToPage,
  PageToHost,
} from '../../src/views/webview/usageDashboardProtocol';
import { DASHBOARD_INITIAL_ID, sameFilters } from '../../src/views/webview/usageDashboardProtocol';
import { chartTheme } from './charts';
import { el, setLocale } from './format';
import { DashboardView } from './view';

interface VsCodeApi {
  postMessage(message: PageToHost): void;
  getState(): DashboardPageState | undefined;
  setState(state: DashboardPageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const scriptStart = performance.now();
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let strings: DashboardStrings | undefined;
let data: DashboardData | undefined;
/** The page's one record of the filters: what the controls show and what it saves with setState. */
let filters: DashboardFilters | undefined = vscode.getState()?.filters;
/**
 * The filters the user chose last, until their data arrives: data read for an earlier choice
 * (a refresh that was already under way) is older than what was asked, and is not shown.
 */
let chosen: DashboardFilters | undefined;
let view: DashboardView | undefined;
let dataReceived = 0;

function post(message: PageToHost): void {
  vscode.postMessage(message);
}

function setFilters(change: Partial<DashboardFilters>): void {
  if (!filters) return;
  const next = { ...filters, ...change };
  if (sameFilters(next, filters)) return;
  filters = chosen = next;
  vscode.setState({ filters: next });
  post({ type: 'setFilters', filters: next });
}

function render(): void {
  const d = data;
  const s = strings;
  if (!d || !s) return;
  const t = chartTheme();
  const f = filters ?? d.filters;
  if (view) view.show(d, f);
  else {
    view = new DashboardView(s, {
      setFilters,
      refresh: () => post({ type: 'refresh' }),
      openRun: (runId) => post({ type: 'openRun', runId }),
    });
    view.show(d, f);
    app.replaceChildren(view.element);
  }
  view.drawCharts(t);
  app.setAttribute('aria-busy', 'false');
  app.dataset.rendered = String(Date.now());
  // Where the first paint's time went, relative to the page's navigation (the bench reads these).
  app.dataset.timings ??= JSON.stringify({
    scriptStart: Math.round(scriptStart),
    dataReceived: Math.round(dataReceived),
    rendered: Math.round(performance.now()),
  });
}

function showLoading(s: DashboardStrings): void {
  app.replaceChildren(
    el('p', { class: 'loading' }, el('vscode-progress-ring' as keyof HTMLElementTagNameMap), s.loading),
  );
}

function showError(message: string): void {
  app.setAttribute('aria-busy', 'false');
  if (view) view.showError(message);
  else app.replaceChildren(el('p', { class: 'error', role: 'alert' }, message));
}

function setStrings(next: DashboardStrings, nextLocale: string): void {
  setLocale(nextLocale);
  // The same texts again (sent after `ready`) leave the page as it is.
  if (strings && JSON.stringify(strings) === JSON.stringify(next)) return;
  strings = next;
  view = undefined;
}

function setData(next: DashboardData): void {
  dataReceived ||= performance.now();
  data = next;
  filters = next.filters;
  vscode.setState({ filters });
}

window.addEventListener('message', (event: MessageEvent<HostToPage>) => {
  const m = event.data;
  switch (m.type) {
    case 'strings':
      setStrings(m.strings, m.locale);
      if (!data) showLoading(m.strings);
      else render();
      return;
    case 'loading':
      app.setAttribute('aria-busy', 'true');
      return;
    case 'data':
      if (chosen && !sameFilters(chosen, m.data.filters)) return;
      chosen = undefined;
      setData(m.data);
      render();
      return;
    case 'error':
      showError(m.message);
      return;
  }
});

// The theme changed: the variables did, so the charts are drawn again with the new colours.
new MutationObserver(() => view?.drawCharts(chartTheme())).observe(document.body, {
  attributes: true,
  attributeFilter: ['class'],
});

/** The strings and data the host put in the HTML, if any. */
function readInitial(): DashboardInitial | undefined {
  const text = document.getElementById(DASHBOARD_INITIAL_ID)?.textContent;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as DashboardInitial;
  } catch {
    return undefined;
  }
}

// The first paint from the HTML, unless the page was restored with other filters than those the
// data was read for (then the host sends the data for these after `ready`).
const initial = readInitial();
let shown = false;
if (initial && (!filters || sameFilters(filters, initial.filters))) {
  setStrings(initial.strings, initial.locale);
  shown = true;
  if (initial.data) setData(initial.data);
  else if (initial.error !== undefined) showError(initial.error);
  else {
    // Still being read: the host sends it after `ready`.
    shown = false;
    showLoading(initial.strings);
  }
}
post({ type: 'ready', state: filters ? { filters } : null, shown });
render();
