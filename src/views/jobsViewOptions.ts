// How the Jobs view is sorted and filtered: remembered in globalState (every window of the user),
// and said in the view's description and the `nightPilot:jobsFiltered` context key.
import * as vscode from 'vscode';
import type { JobFilter, JobSort } from '../core/jobOrder';
import { JOB_STATUS_FILTERS, NO_FILTER, isFiltered, isJobSort } from '../core/jobOrder';
import { setContextKey } from '../services/contextKeys';
import { statusFilterLabel } from './labels';

const SORT_KEY = 'nightPilot.jobs.sort';
const FILTER_KEY = 'nightPilot.jobs.filter';

/** A filter as stored: anything that is not one is no filter; unknown statuses are dropped. */
function readFilter(value: unknown): JobFilter {
  if (typeof value !== 'object' || value === null) return NO_FILTER;
  const v = value as Partial<JobFilter>;
  return {
    statuses: Array.isArray(v.statuses)
      ? v.statuses.filter((s): s is JobFilter['statuses'][number] =>
          (JOB_STATUS_FILTERS as readonly unknown[]).includes(s),
        )
      : [],
    text: typeof v.text === 'string' ? v.text : '',
  };
}

export class JobsViewOptions {
  private _sort: JobSort;
  private _filter: JobFilter;

  constructor(private readonly _memento: vscode.Memento) {
    const sort = _memento.get<unknown>(SORT_KEY);
    this._sort = isJobSort(sort) ? sort : 'status';
    this._filter = readFilter(_memento.get<unknown>(FILTER_KEY));
    setContextKey('nightPilot:jobsFiltered', this.filtered);
  }

  get sort(): JobSort {
    return this._sort;
  }

  get filter(): JobFilter {
    return this._filter;
  }

  get filtered(): boolean {
    return isFiltered(this._filter);
  }

  async setSort(sort: JobSort): Promise<void> {
    this._sort = sort;
    await this._memento.update(SORT_KEY, sort);
  }

  async setFilter(filter: JobFilter): Promise<void> {
    this._filter = { statuses: [...filter.statuses], text: filter.text.trim() };
    await this._memento.update(FILTER_KEY, this.filtered ? this._filter : undefined);
    setContextKey('nightPilot:jobsFiltered', this.filtered);
  }

  /** `Filter: Last run failed, "nightly"` for the view's description; undefined without a filter. */
  describe(): string | undefined {
    const f = this._filter;
    const parts = [...f.statuses.map(statusFilterLabel), ...(f.text ? [`"${f.text}"`] : [])];
    return parts.length > 0 ? vscode.l10n.t('Filter: {0}', parts.join(', ')) : undefined;
  }
}
