// The usage dashboard's table of recent runs. Rows are kept by run id: an update changes the text
// of a row whose run changed, adds the rows of new runs and drops the gone ones, and never moves
// or re-creates the row of a run that is still listed, so a focused link keeps its focus and the
// table does not jump under the reader.

import type { DashboardData, DashboardStrings } from '../../src/views/webview/usageDashboardProtocol';
import { dateTime, el, money, setText, tokens } from './format';

type RecentRun = DashboardData['recentRuns'][number];

interface Row {
  tr: HTMLTableRowElement;
  link: HTMLAnchorElement;
  job: HTMLTableCellElement;
  status: HTMLTableCellElement;
  models: HTMLTableCellElement;
  tokens: HTMLTableCellElement;
  cost: HTMLTableCellElement;
}

export class RunsTable {
  /** The table's place in the page: the table, or the note that there are no runs. */
  readonly element: HTMLElement;
  private readonly _table: HTMLTableElement;
  private readonly _body: HTMLTableSectionElement;
  private readonly _empty: HTMLElement;
  private readonly _rows = new Map<string, Row>();

  constructor(
    s: DashboardStrings,
    private readonly _openRun: (runId: string) => void,
  ) {
    const head = el(
      'tr',
      {},
      ...[s.colWhen, s.colJob, s.colStatus, s.colModels, s.colTokens, s.colCost].map((h) =>
        el('th', { scope: 'col' }, h),
      ),
    );
    this._body = el('tbody');
    this._table = el('table', { id: 'runs' }, el('thead', {}, head), this._body);
    this._empty = el('p', { class: 'empty' }, s.noRuns);
    this.element = el('div', { class: 'runs-table' });
  }

  update(runs: readonly RecentRun[]): void {
    const shown = runs.length === 0 ? this._empty : this._table;
    if (this.element.firstChild !== shown) this.element.replaceChildren(shown);
    const listed = new Set(runs.map((r) => r.runId));
    for (const [id, row] of this._rows) {
      if (listed.has(id)) continue;
      row.tr.remove();
      this._rows.delete(id);
    }
    // In order: a row already in its place stays where it is; only new rows (and rows whose run
    // moved, which runs sorted by start never do) are inserted.
    let at = this._body.firstElementChild;
    for (const run of runs) {
      const row = this._rows.get(run.runId) ?? this._add(run);
      fillRow(row, run);
      if (at === row.tr) at = at.nextElementSibling;
      else this._body.insertBefore(row.tr, at);
    }
  }

  private _add(run: RecentRun): Row {
    const runId = run.runId;
    const link = el('a', { href: '#', 'data-run': runId });
    link.addEventListener('click', (e) => {
      e.preventDefault();
      this._openRun(runId);
    });
    const row: Row = {
      tr: el('tr'),
      link,
      job: el('td'),
      status: el('td'),
      models: el('td'),
      tokens: el('td', { class: 'num' }),
      cost: el('td', { class: 'num' }),
    };
    row.tr.append(el('td', {}, link), row.job, row.status, row.models, row.tokens, row.cost);
    this._rows.set(runId, row);
    return row;
  }
}

function fillRow(row: Row, r: RecentRun): void {
  setText(row.link, r.startedAt ? dateTime(Date.parse(r.startedAt)) : '-');
  const title = r.waitReason ?? r.runId;
  if (row.link.title !== title) row.link.title = title;
  setText(row.job, r.jobName);
  const status = `status status-${r.status}`;
  if (row.status.className !== status) row.status.className = status;
  setText(row.status, r.waitReason ? `${r.status} (${r.waitReason})` : r.status);
  setText(row.models, [...new Set(r.models)].join(', ') || '-');
  setText(row.tokens, tokens(r.tokens));
  setText(row.cost, money(r.costUsd));
}
