// The order and the filter of the Jobs view: a stable, meaningful order (what runs now first, then
// what fires next, paused and finished jobs last, the name as the tie-break), and a filter by
// status and text. Pure, so the order is the same for every window and every test.

import type { Job, RunStatus } from './model';

export const JOB_SORTS = ['status', 'name', 'nextFire', 'lastRun'] as const;
export type JobSort = (typeof JOB_SORTS)[number];

export const JOB_STATUS_FILTERS = ['running', 'failing', 'active', 'paused', 'completed'] as const;
export type JobStatusFilter = (typeof JOB_STATUS_FILTERS)[number];

export interface JobFilter {
  /** Empty: every status. */
  readonly statuses: readonly JobStatusFilter[];
  /** Matched, case-insensitively, against the name and the start of the id. */
  readonly text: string;
}

export const NO_FILTER: JobFilter = { statuses: [], text: '' };

/** A job with the two facts of its runs the order and the filter need. */
export interface JobRow {
  readonly job: Job;
  /** A run of the job is executing now. */
  readonly running: boolean;
  /** The status of its latest finished run (succeeded, failed, cancelled), or null. */
  readonly lastOutcome: RunStatus | null;
}

export function isJobSort(value: unknown): value is JobSort {
  return typeof value === 'string' && (JOB_SORTS as readonly string[]).includes(value);
}

export function isFiltered(filter: JobFilter): boolean {
  return filter.statuses.length > 0 || filter.text.trim() !== '';
}

function rank(row: JobRow): number {
  if (row.running) return 0;
  switch (row.job.status) {
    case 'active':
      return 1;
    case 'paused':
      return 2;
    default:
      return 3;
  }
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function byName(a: JobRow, b: JobRow): number {
  return collator.compare(a.job.name, b.job.name) || (a.job.id < b.job.id ? -1 : a.job.id > b.job.id ? 1 : 0);
}

/** ISO times compare as strings; a missing time sorts after every present one. */
function byTime(a: string | null, b: string | null, descending = false): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return (a < b ? -1 : 1) * (descending ? -1 : 1);
}

/** The rows in the chosen order; the input is not changed. */
export function sortJobs<T extends JobRow>(rows: readonly T[], sort: JobSort): T[] {
  const compare = (a: T, b: T): number => {
    switch (sort) {
      case 'name':
        return byName(a, b);
      case 'nextFire':
        return byTime(a.job.nextRunTime, b.job.nextRunTime) || byName(a, b);
      case 'lastRun':
        return byTime(a.job.lastRunTime, b.job.lastRunTime, true) || byName(a, b);
      case 'status':
        return (
          rank(a) - rank(b) ||
          (rank(a) === 1 ? byTime(a.job.nextRunTime, b.job.nextRunTime) : 0) ||
          byName(a, b)
        );
    }
  };
  return [...rows].sort(compare);
}

function statusMatches(row: JobRow, status: JobStatusFilter): boolean {
  switch (status) {
    case 'running':
      return row.running;
    case 'failing':
      return row.lastOutcome === 'failed' || row.job.status === 'failed';
    case 'active':
      return row.job.status === 'active';
    case 'paused':
      return row.job.status === 'paused';
    case 'completed':
      return row.job.status === 'completed';
  }
}

/** Whether a row passes the filter: any of its statuses, and the text. */
export function matchesFilter(row: JobRow, filter: JobFilter): boolean {
  if (filter.statuses.length > 0 && !filter.statuses.some((s) => statusMatches(row, s))) return false;
  const text = filter.text.trim().toLowerCase();
  if (text === '') return true;
  return row.job.name.toLowerCase().includes(text) || row.job.id.toLowerCase().startsWith(text);
}
