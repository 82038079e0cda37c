// The usage dashboard's page, built once and then updated in place. New data (the minute's
// refresh, a run recorded, a filter chosen) and a new theme change the text, the charts and the
// runs table; the controls stay the same elements, so an open dropdown stays open and focus,
// selection and scroll stay where the user left them.

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type {
  DashboardData,
  DashboardFilters,
  DashboardStrings,
} from '../../src/views/webview/usageDashboardProtocol';
import type { ChartTheme } from './charts';
import { DashboardCharts } from './charts';
import { clock, el, fill, minutes, money, setText } from './format';
import { RunsTable } from './runsTable';

type Select = HTMLElement & { value: string };
interface Option {
  value: string;
  text: string;
}

/** What the page does when the user acts on a control. */
export interface DashboardActions {
  setFilters(change: Partial<DashboardFilters>): void;
  refresh(): void;
  openRun(runId: string): void;
}

/** The host's DASHBOARD_RANGES (src/usage/dashboardData.ts is not bundled into the page). */
const RANGES = [7, 30, 90, 365] as const;

export class DashboardView {
  readonly element: HTMLElement;
  private readonly _range: Select;
  private readonly _job: Select;
  private readonly _model: Select;
  private readonly _source: Select;
  private readonly _ranges: readonly Option[];
  private readonly _sources: readonly Option[];
  private readonly _updated: HTMLElement;
  private readonly _error: HTMLElement;
  private readonly _cards: HTMLElement;
  private readonly _noData: HTMLElement[];
  private readonly _note: HTMLElement;
  private readonly _charts: DashboardCharts;
  private readonly _runs: RunsTable;
  private _data: DashboardData | undefined;

  constructor(
    private readonly _s: DashboardStrings,
    actions: DashboardActions,
  ) {
    const s = _s;
    this._range = select('range', (v) =>
      actions.setFilters({ rangeDays: Number(v) as DashboardFilters['rangeDays'] }),
    );
    this._job = select('job', (v) => actions.setFilters({ jobId: v === '' ? null : v }));
    this._model = select('model', (v) => actions.setFilters({ model: v === '' ? null : v }));
    this._source = select('source', (v) =>
      actions.setFilters({ source: v === 'transcripts' ? 'transcripts' : 'runs' }),
    );
    this._ranges = RANGES.map((n) => ({ value: String(n), text: fill(s.lastDays, String(n)) }));
    this._sources = [
      { value: 'runs', text: s.sourceRuns },
      { value: 'transcripts', text: s.sourceTranscripts },
    ];
    const refresh = el(
      'vscode-button' as keyof HTMLElementTagNameMap,
      { id: 'refresh', appearance: 'secondary' },
      s.refresh,
    );
    refresh.addEventListener('click', () => actions.refresh());
    this._updated = el('span', { class: 'updated' });
    this._error = el('p', { class: 'error', role: 'alert', hidden: '' });
    this._cards = el('div', { class: 'cards' });
    this._note = el('p', { class: 'note', hidden: '' });
    const cost = chartBox('chart-cost', s.costPerDay);
    const toks = chartBox('chart-tokens', s.tokensPerDay);
    const jobs = chartBox('chart-jobs', s.costPerJob);
    this._noData = [cost.noData(s.noData), toks.noData(s.noData)];
    this._charts = new DashboardCharts({ cost: cost.canvas, tokens: toks.canvas, jobs: jobs.canvas });
    this._runs = new RunsTable(s, (runId) => actions.openRun(runId));
    this.element = el(
      'div',
      { class: 'dashboard' },
      el(
        'header',
        {},
        el('h1', {}, s.title),
        el(
          'div',
          { class: 'filters' },
          labelled(s.range, this._range),
          labelled(s.job, this._job),
          labelled(s.model, this._model),
          labelled(s.source, this._source),
          refresh,
          this._updated,
        ),
      ),
      this._error,
      this._cards,
      el('div', { class: 'charts' }, cost.box, toks.box, jobs.box),
      el('section', { class: 'runs' }, el('h2', {}, s.recentRuns), this._runs.element),
      this._note,
    );
  }

  /**
   * Shows the data read for `filters` (the page's choice, which the controls show), all but the
   * charts: a new view is filled before it goes into the page, the charts drawn once it is in.
   */
  show(d: DashboardData, filters: DashboardFilters): void {
    const s = this._s;
    this._data = d;
    // A row that had the focus may have been moved to its new place: give it back.
    const focused = document.activeElement;
    setSelect(this._range, this._ranges, String(filters.rangeDays));
    setSelect(
      this._job,
      [{ value: '', text: s.allJobs }, ...d.jobs.map((j) => ({ value: j.id, text: j.name }))],
      filters.jobId ?? '',
    );
    setSelect(
      this._model,
      [{ value: '', text: s.allModels }, ...d.models.map((m) => ({ value: m, text: m }))],
      filters.model ?? '',
    );
    setSelect(this._source, this._sources, filters.source);
    setText(this._updated, fill(s.updated, clock(Date.parse(d.generatedAt))));
    this._error.hidden = true;
    this._cards.replaceChildren(...cards(d, s));
    for (const p of this._noData) p.hidden = d.series.length > 0;
    this._runs.update(d.recentRuns);
    this._note.hidden = d.transcripts.badLines === 0;
    setText(this._note, fill(s.badLines, String(d.transcripts.badLines)));
    if (focused instanceof HTMLElement && focused.isConnected && document.activeElement !== focused)
      focused.focus({ preventScroll: true });
  }

  /** Draws the charts of the data shown, in the theme's colours (the rest follows the CSS variables). */
  drawCharts(t: ChartTheme): void {
    if (this._data) this._charts.draw(this._data, this._s, t);
  }

  /** Reading failed: said above the data last shown, which stays. */
  showError(message: string): void {
    setText(this._error, message);
    this._error.hidden = false;
  }
}

function select(id: string, onChange: (value: string) => void): Select {
  const s = document.createElement('vscode-single-select') as Select;
  s.id = id;
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

function labelled(label: string, control: HTMLElement): HTMLElement {
  control.setAttribute('aria-label', label);
  return el('label', { class: 'filter' }, el('span', {}, label), control);
}

/** The options each select shows, as last set (to replace them only when they changed). */
const shownOptions = new WeakMap<Select, string>();

/**
 * Shows the options and the page's choice in a select. The options are replaced only when they
 * changed (a job or a model came or went), and a select that shows the choice already is left
 * alone: it may be open under the user's mouse.
 */
function setSelect(s: Select, options: readonly Option[], value: string): void {
  const key = JSON.stringify(options);
  if (shownOptions.get(s) !== key) {
    shownOptions.set(s, key);
    s.replaceChildren(
      ...options.map((o) => {
        const opt = el('vscode-option' as keyof HTMLElementTagNameMap, { value: o.value }, o.text);
        if (o.value === value) opt.setAttribute('selected', '');
        return opt;
      }),
    );
  } else if (s.value !== value) {
    for (const opt of s.children) opt.toggleAttribute('selected', opt.getAttribute('value') === value);
  }
  if (s.value !== value) s.value = value;
}

function chartBox(id: string, title: string) {
  const canvas = el('canvas', { id, role: 'img', 'aria-label': title });
  const box = el(
    'section',
    { class: 'chart' },
    el('h2', {}, title),
    el('div', { class: 'canvas-box' }, canvas),
  );
  return {
    box,
    canvas,
    noData(text: string): HTMLElement {
      const p = el('p', { class: 'empty', hidden: '' }, text);
      box.append(p);
      return p;
    },
  };
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

function cards(d: DashboardData, s: DashboardStrings): HTMLElement[] {
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
  const list = [
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
  ];
  if (c.heldRuns > 0)
    list.push(el('div', { class: 'held', role: 'status' }, fill(s.held, String(c.heldRuns))));
  return list;
}
