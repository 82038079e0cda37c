// The Jobs view's sort, filter and paging, from its title bar (or with arguments, for tests).
import * as vscode from 'vscode';
import type { JobFilter, JobSort } from '../core/jobOrder';
import { JOB_SORTS, JOB_STATUS_FILTERS, NO_FILTER, isJobSort } from '../core/jobOrder';
import { statusFilterLabel } from '../views/labels';
import type { CommandContext } from './commandContext';

function sortLabel(sort: JobSort): string {
  switch (sort) {
    case 'status':
      return vscode.l10n.t('Running first, then by next fire (paused and finished last)');
    case 'name':
      return vscode.l10n.t('By name');
    case 'nextFire':
      return vscode.l10n.t('By next fire');
    case 'lastRun':
      return vscode.l10n.t('By last run, newest first');
  }
}

/** `nightPilot.sortJobs`: how the view orders its jobs (remembered across windows). */
export async function sortJobs(ctx: CommandContext, arg: unknown): Promise<JobSort | undefined> {
  let sort: JobSort | undefined;
  if (arg !== undefined) {
    if (!isJobSort(arg))
      throw new Error(
        vscode.l10n.t('"{0}" is not a sort order; use one of {1}.', String(arg), JOB_SORTS.join(', ')),
      );
    sort = arg;
  } else {
    const current = ctx.jobsTree.sort;
    const picked = await vscode.window.showQuickPick(
      JOB_SORTS.map((s) => ({
        label: sortLabel(s),
        picked: s === current,
        sort: s,
        description: s === current ? vscode.l10n.t('current') : undefined,
      })),
      { placeHolder: vscode.l10n.t('Sort the jobs') },
    );
    sort = picked?.sort;
  }
  if (sort === undefined) return undefined;
  await ctx.jobsTree.setSort(sort);
  return sort;
}

/**
 * `nightPilot.filterJobs`: shows only the jobs with some statuses and/or whose name contains a text.
 * Takes `{ statuses, text }` from a caller; the user picks the statuses, then types the text.
 */
export async function filterJobs(ctx: CommandContext, arg: unknown): Promise<JobFilter | undefined> {
  let filter: JobFilter | undefined;
  if (typeof arg === 'object' && arg !== null) {
    const a = arg as Partial<JobFilter>;
    const statuses = Array.isArray(a.statuses) ? a.statuses : [];
    const bad = statuses.filter((s) => !(JOB_STATUS_FILTERS as readonly string[]).includes(s));
    if (bad.length > 0)
      throw new Error(
        vscode.l10n.t(
          '"{0}" is not a status filter; use {1}.',
          bad.join(', '),
          JOB_STATUS_FILTERS.join(', '),
        ),
      );
    filter = { statuses, text: typeof a.text === 'string' ? a.text : '' };
  } else {
    const current = ctx.jobsTree.filter;
    const picked = await vscode.window.showQuickPick(
      JOB_STATUS_FILTERS.map((s) => ({
        label: statusFilterLabel(s),
        status: s,
        picked: current.statuses.includes(s),
      })),
      {
        canPickMany: true,
        placeHolder: vscode.l10n.t('Show the jobs with any of these statuses (none: every status)'),
      },
    );
    if (picked === undefined) return undefined;
    const text = await vscode.window.showInputBox({
      prompt: vscode.l10n.t('Show the jobs whose name contains (empty: any name)'),
      value: current.text,
    });
    if (text === undefined) return undefined;
    filter = { statuses: picked.map((p) => p.status), text };
  }
  await ctx.jobsTree.setFilter(filter);
  return ctx.jobsTree.filter;
}

/** `nightPilot.clearJobFilter`: every job again. */
export async function clearJobFilter(ctx: CommandContext): Promise<void> {
  await ctx.jobsTree.setFilter(NO_FILTER);
}

/** `nightPilot.showMoreRuns`: the next page of a job's older runs. */
export function showMoreRuns(ctx: CommandContext, arg: unknown): void {
  const jobId =
    typeof arg === 'string'
      ? arg
      : typeof arg === 'object' && arg !== null && 'jobId' in arg
        ? String((arg as { jobId: unknown }).jobId)
        : undefined;
  if (!jobId) throw new Error(vscode.l10n.t('Show more runs of which job? Pass its id.'));
  ctx.jobsTree.showMore(jobId);
}
