// The usage dashboard page (bundled for the browser by esbuild.mjs into dist/media/usageDashboard.js).
// Charts are Chart.js, controls are @vscode-elements/elements, colours are the theme's --vscode-*
// variables (re-read when the theme changes). It speaks the protocol in
// src/views/webview/usageDashboardProtocol.ts and keeps its filters with setState. Its first paint
// comes from the data in its HTML, drawn as soon as the script runs.

import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
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

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

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
let locale = 'en';
let data: DashboardData | undefined;
let filters: DashboardFilters | undefined = vscode.getState()?.filters;
const charts = new Map<string, Chart>();
let dataReceived = 0;

function post(message: PageToHost): void {
  vscode.postMessage(message);
}

function fill(template: string, ...values: string[]): string {
  return template.replace(/\{(\d+)\}/g, (_, i: string) => values[Number(i)] ?? '');
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

/**
 * One formatter per locale and options: making one is far dearer than using it, and a render
 * formats hundreds of values (cards, axis ticks, the runs table).
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  const full = `${locale}|${key}`;
  let f = formatters.get(full) as T | undefined;
  if (!f) formatters.set(full, (f = make()));
  return f;
}
const money = (n: number) =>
  formatter(n < 1 ? 'usd4' : 'usd2', () =>
    Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: n < 1 ? 4 : 2 }),
  ).format(n);
const tokens = (n: number) =>
  formatter('compact', () =>
    Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }),
  ).format(n);
const clock = (ms: number) =>
  formatter('hh:mm', () => Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })).format(ms);
const dateTime = (ms: number) =>
  formatter('short', () => Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' })).format(
    ms,
  );
const minutes = (m: number) => (m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`);

type Theme = ReturnType<typeof theme>;

/** The theme's colours, read from the variables VS Code sets on the page (once per render). */
function theme() {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    foreground: v('--vscode-foreground', '#cccccc'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    palette: [
      v('--vscode-charts-blue', '#3794ff'),
      v('--vscode-charts-orange', '#d18616'),
      v('--vscode-charts-green', '#89d185'),
      v('--vscode-charts-purple', '#b180d7'),
      v('--vscode-charts-red', '#f14c4c'),
      v('--vscode-charts-yellow', '#cca700'),
      v('--vscode-charts-foreground', '#cccccc'),
    ],
    font: v('--vscode-font-family', 'sans-serif'),
  };
}

function select(
  id: string,
  label: string,
  options: { value: string; text: string }[],
  current: string,
  onChange: (value: string) => void,
): HTMLElement {
  const s = document.createElement('vscode-single-select') as HTMLElement & { value: string };
  s.id = id;
  s.setAttribute('aria-label', label);
  for (const o of options) {
    const opt = el('vscode-option' as keyof HTMLElementTagNameMap, { value: o.value }, o.text);
    if (o.value === current) opt.setAttribute('selected', '');
    s.append(opt);
  }
  s.addEventListener('change', () => onChange(s.value));
  return el('label', { class: 'filter' }, el('span', {}, label), s);
}

function setFilters(next: DashboardFilters): void {
  filters = next;
  vscode.setState({ filters: next });
  post({ type: 'setFilters', filters: next });
}

function header(d: DashboardData, s: DashboardStrings): HTMLElement {
  const f = d.filters;
  const refresh = el(
    'vscode-button' as keyof HTMLElementTagNameMap,
    { id: 'refresh', appearance: 'secondary' },
    s.refresh,
  );
  refresh.addEventListener('click', () => post({ type: 'refresh' }));
  const updated = clock(Date.parse(d.generatedAt));
  return el(
    'header',
    {},
    el('h1', {}, s.title),
    el(
      'div',
      { class: 'filters' },
      select(
        'range',
        s.range,
        [7, 30, 90, 365].map((n) => ({ value: String(n), text: fill(s.lastDays, String(n)) })),
        String(f.rangeDays),
        (v) => setFilters({ ...f, rangeDays: Number(v) as DashboardFilters['rangeDays'] }),
      ),
      select(
        'job',
        s.job,
        [{ value: '', text: s.allJobs }, ...d.jobs.map((j) => ({ value: j.id, text: j.name }))],
        f.jobId ?? '',
        (v) => setFilters({ ...f, jobId: v === '' ? null : v }),
      ),
      select(
        'model',
        s.model,
        [{ value: '', text: s.allModels }, ...d.models.map((m) => ({ value: m, text: m }))],
        f.model ?? '',
        (v) => setFilters({ ...f, model: v === '' ? null : v }),
      ),
      select(
        'source',
        s.source,
        [
          { value: 'runs', text: s.sourceRuns },
          { value: 'transcripts', text: s.sourceTranscripts },
        ],
        f.source,
        (v) => setFilters({ ...f, source: v === 'transcripts' ? 'transcripts' : 'runs' }),
      ),
      refresh,
      el('span', { class: 'updated' }, fill(s.updated, updated)),
    ),
  );
}

function card(id: string, title: string, value: string, ...lines: string[]): HTMLElement {
  return el(
    'section',
    { class: 'card', id, 'aria-label': title },
    el('h2', {}, title),
    el('div', { class: 'value' }, value),
    ...lines.map((l) => el('div', { class: 'detail' }, l)),
  );
}

function cards(d: DashboardData, s: DashboardStrings): HTMLElement {
  const c = d.cards;
  const budget = (limit: number | null) => (limit === null ? s.noBudget : fill(s.budget, money(limit)));
  const block = c.block
    ? card(
        'card-block',
        s.block,
        money(c.block.costUsd),
        fill(s.resetsIn, minutes(c.block.minutesLeft)),
        c.block.projectedCostUsd === null ? '' : fill(s.projected, money(c.block.projectedCostUsd)),
        c.block.costPerHour === null ? '' : fill(s.perHour, money(c.block.costPerHour)),
      )
    : card('card-block', s.block, '-', s.noActiveBlock);
  const list = el(
    'div',
    { class: 'cards' },
    card(
      'card-today',
      s.today,
      money(c.today.costUsd),
      fill(s.allClaudeCode, money(c.todayAll.costUsd)),
      budget(c.budgets.dailyUsd),
    ),
    card(
      'card-month',
      s.thisMonth,
      money(c.month.costUsd),
      fill(s.allClaudeCode, money(c.monthAll.costUsd)),
      budget(c.budgets.monthlyUsd),
    ),
    block,
  );
  if (c.heldRuns > 0)
    list.append(el('div', { class: 'held', role: 'status' }, fill(s.held, String(c.heldRuns))));
  return list;
}

function chartBox(id: string, title: string): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = el('canvas', { id, role: 'img', 'aria-label': title });
  return {
    box: el('section', { class: 'chart' }, el('h2', {}, title), el('div', { class: 'canvas-box' }, canvas)),
    canvas,
  };
}

function drawChart(canvas: HTMLCanvasElement, config: ChartConfiguration<'bar'>): void {
  charts.get(canvas.id)?.destroy();
  charts.set(canvas.id, new Chart(canvas, config));
  // What is drawn, readable from outside the canvas (tests, and screen readers through the label).
  canvas.dataset.labels = String(config.data.labels?.length ?? 0);
  canvas.dataset.series = config.data.datasets.map((d) => d.label ?? '').join('|');
}

function stacked(
  d: DashboardData,
  t: Theme,
  values: (series: DashboardData['series'][number]) => number[],
  format: (n: number) => string,
): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: d.days.map((day) => day.slice(5)),
      datasets: d.series.map((series, i) => ({
        label: series.model,
        data: values(series),
        backgroundColor: t.palette[i % t.palette.length],
        borderWidth: 0,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      color: t.foreground,
      font: { family: t.font },
      scales: {
        x: {
          stacked: true,
          // The labels are dates of one width: measuring a few sizes them all (Chart.js measures
          // every label otherwise, most of a chart's first draw).
          ticks: { color: t.foreground, maxRotation: 0, autoSkip: true, sampleSize: 4 },
          grid: { color: t.grid },
        },
        y: {
          stacked: true,
          ticks: { color: t.foreground, callback: (v) => format(Number(v)) },
          grid: { color: t.grid },
        },
      },
      plugins: {
        legend: { labels: { color: t.foreground, boxWidth: 12 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label ?? ''}: ${format(Number(c.raw))}` } },
      },
    },
  };
}

function perJob(d: DashboardData, t: Theme): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: d.costPerJob.map((j) => j.jobName),
      datasets: [
        {
          label: strings!.colCost,
          data: d.costPerJob.map((j) => j.costUsd),
          backgroundColor: t.palette[0],
          borderWidth: 0,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { ticks: { color: t.foreground, callback: (v) => money(Number(v)) }, grid: { color: t.grid } },
        y: { ticks: { color: t.foreground }, grid: { display: false } },
      },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => money(Number(c.raw)) } } },
    },
  };
}

function runsTable(d: DashboardData, s: DashboardStrings): HTMLElement {
  if (d.recentRuns.length === 0) return el('p', { class: 'empty' }, s.noRuns);
  const head = el(
    'tr',
    {},
    ...[s.colWhen, s.colJob, s.colStatus, s.colModels, s.colTokens, s.colCost].map((h) =>
      el('th', { scope: 'col' }, h),
    ),
  );
  const rows = d.recentRuns.map((r) => {
    const when = r.startedAt ? dateTime(Date.parse(r.startedAt)) : '-';
    const link = el('a', { href: '#', 'data-run': r.runId, title: r.waitReason ?? r.runId }, when);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      post({ type: 'openRun', runId: r.runId });
    });
    return el(
      'tr',
      {},
      el('td', {}, link),
      el('td', {}, r.jobName),
      el(
        'td',
        { class: `status status-${r.status}` },
        r.waitReason ? `${r.status} (${r.waitReason})` : r.status,
      ),
      el('td', {}, [...new Set(r.models)].join(', ') || '-'),
      el('td', { class: 'num' }, tokens(r.tokens)),
      el('td', { class: 'num' }, money(r.costUsd)),
    );
  });
  return el('table', { id: 'runs' }, el('thead', {}, head), el('tbody', {}, ...rows));
}

function render(): void {
  const d = data;
  const s = strings;
  if (!d || !s) return;
  // Before the new DOM goes in: reading styles then costs a recalculation of the old one only.
  const t = theme();
  for (const c of charts.values()) c.destroy();
  charts.clear();
  const cost = chartBox('chart-cost', s.costPerDay);
  const toks = chartBox('chart-tokens', s.tokensPerDay);
  const jobs = chartBox('chart-jobs', s.costPerJob);
  const empty = d.series.length === 0;
  app.replaceChildren(
    header(d, s),
    cards(d, s),
    el('div', { class: 'charts' }, cost.box, toks.box, jobs.box),
    el('section', { class: 'runs' }, el('h2', {}, s.recentRuns), runsTable(d, s)),
  );
  if (d.transcripts.badLines > 0)
    app.append(el('p', { class: 'note' }, fill(s.badLines, String(d.transcripts.badLines))));
  if (empty) {
    cost.box.append(el('p', { class: 'empty' }, s.noData));
    toks.box.append(el('p', { class: 'empty' }, s.noData));
  }
  drawChart(
    cost.canvas,
    stacked(d, t, (x) => x.cost, money),
  );
  drawChart(
    toks.canvas,
    stacked(d, t, (x) => x.tokens, tokens),
  );
  drawChart(jobs.canvas, perJob(d, t));
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

window.addEventListener('message', (event: MessageEvent<HostToPage>) => {
  const m = event.data;
  switch (m.type) {
    case 'strings':
      strings = m.strings;
      locale = m.locale;
      if (!data) showLoading(strings);
      return;
    case 'loading':
      app.setAttribute('aria-busy', 'true');
      return;
    case 'data':
      dataReceived ||= performance.now();
      data = m.data;
      filters = m.data.filters;
      vscode.setState({ filters });
      render();
      return;
    case 'error':
      app.setAttribute('aria-busy', 'false');
      app.replaceChildren(el('p', { class: 'error', role: 'alert' }, m.message));
      return;
  }
});

// The theme changed: the variables did, so the charts are drawn again with the new colours.
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

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
  strings = initial.strings;
  locale = initial.locale;
  shown = true;
  if (initial.data) {
    dataReceived = performance.now();
    data = initial.data;
    filters = initial.data.filters;
    vscode.setState({ filters });
  } else if (initial.error !== undefined) {
    app.setAttribute('aria-busy', 'false');
    app.replaceChildren(el('p', { class: 'error', role: 'alert' }, initial.error));
  } else {
    // Still being read: the host sends it after `ready`.
    shown = false;
    showLoading(initial.strings);
  }
}
post({ type: 'ready', state: filters ? { filters } : null, shown });
render();
