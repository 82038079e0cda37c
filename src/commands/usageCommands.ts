// Budgets from VS Code (overall, and per job) and opening a run from the usage dashboard. Each
// command also takes its values as arguments, for tests and other extensions.

import * as vscode from 'vscode';
import type { Job, Run } from '../core/model';
import type { OverallBudgets } from '../scheduler/budgetState';
import { checkBudgetAmount, readBudgets, writeBudgets } from '../scheduler/budgetState';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { resolveJobId } from './pickers';

/** Asks for an amount in US dollars; '' removes it. Undefined when the user cancelled. */
async function askAmount(
  title: string,
  prompt: string,
  current: number | null,
): Promise<number | null | undefined> {
  const value = await vscode.window.showInputBox({
    title,
    prompt,
    value: current === null ? '' : String(current),
    placeHolder: vscode.l10n.t('US dollars, e.g. 5 or 2.50; empty for none'),
    validateInput: (text) => {
      const t = text.trim().replace(/^\$/, '');
      if (t === '') return undefined;
      return /^\d+(\.\d+)?$/.test(t) && Number(t) > 0 && Number(t) <= 1_000_000
        ? undefined
        : vscode.l10n.t('"{0}" is not an amount of US dollars above 0 (e.g. 5 or 2.50)', text);
    },
  });
  if (value === undefined) return undefined;
  const t = value.trim().replace(/^\$/, '');
  return t === '' ? null : Number(t);
}

/** `nightPilot.setBudgets`: the overall daily and monthly budgets, over all jobs. */
export async function setBudgets(
  ctx: CommandContext,
  arg?: Partial<OverallBudgets>,
): Promise<OverallBudgets | undefined> {
  const db = requireDatabase(ctx);
  const current = db.read((tx) => readBudgets(tx));
  let next: OverallBudgets;
  if (arg && typeof arg === 'object') {
    next = {
      dailyUsd: arg.dailyUsd === undefined ? current.dailyUsd : checkBudgetAmount('dailyUsd', arg.dailyUsd),
      monthlyUsd:
        arg.monthlyUsd === undefined ? current.monthlyUsd : checkBudgetAmount('monthlyUsd', arg.monthlyUsd),
    };
  } else {
    const title = vscode.l10n.t('Night Pilot: Budgets over all jobs');
    const daily = await askAmount(
      title,
      vscode.l10n.t('The most all jobs together may spend in a day'),
      current.dailyUsd,
    );
    if (daily === undefined) return undefined;
    const monthly = await askAmount(
      title,
      vscode.l10n.t('The most all jobs together may spend in a month'),
      current.monthlyUsd,
    );
    if (monthly === undefined) return undefined;
    next = { dailyUsd: daily, monthlyUsd: monthly };
  }
  await db.write((tx) => writeBudgets(tx, next));
  ctx.log.info(
    `Overall budgets: daily ${next.dailyUsd ?? 'none'}, monthly ${next.monthlyUsd ?? 'none'} (USD).`,
  );
  ctx.refresh();
  return next;
}

type JobBudgets = Pick<Job['options'], 'maxBudgetUsd' | 'dailyBudgetUsd' | 'monthlyBudgetUsd'>;

/** `nightPilot.setJobBudget`: a job's budget per run, per day and per month. */
export async function setJobBudget(
  ctx: CommandContext,
  arg: unknown,
  values?: Partial<JobBudgets>,
): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, vscode.l10n.t('Set the budget of which job?'));
  if (!id) return undefined;
  const job = db.read((tx) => tx.jobs.require(id));
  let next: JobBudgets;
  if (values) {
    next = {
      maxBudgetUsd:
        values.maxBudgetUsd === undefined
          ? job.options.maxBudgetUsd
          : checkBudgetAmount('maxBudgetUsd', values.maxBudgetUsd),
      dailyBudgetUsd:
        values.dailyBudgetUsd === undefined
          ? job.options.dailyBudgetUsd
          : checkBudgetAmount('dailyBudgetUsd', values.dailyBudgetUsd),
      monthlyBudgetUsd:
        values.monthlyBudgetUsd === undefined
          ? job.options.monthlyBudgetUsd
          : checkBudgetAmount('monthlyBudgetUsd', values.monthlyBudgetUsd),
    };
  } else {
    const title = vscode.l10n.t('Night Pilot: Budget of {0}', job.name);
    const perRun = await askAmount(
      title,
      vscode.l10n.t('The most one run may spend (Claude stops there)'),
      job.options.maxBudgetUsd,
    );
    if (perRun === undefined) return undefined;
    const daily = await askAmount(
      title,
      vscode.l10n.t("The most this job's runs may spend in a day"),
      job.options.dailyBudgetUsd,
    );
    if (daily === undefined) return undefined;
    const monthly = await askAmount(
      title,
      vscode.l10n.t("The most this job's runs may spend in a month"),
      job.options.monthlyBudgetUsd,
    );
    if (monthly === undefined) return undefined;
    next = { maxBudgetUsd: perRun, dailyBudgetUsd: daily, monthlyBudgetUsd: monthly };
  }
  const updated = await db.write((tx) => tx.jobs.update(id, { options: next }));
  ctx.log.info(
    `Budgets of job "${updated.name}": per run ${next.maxBudgetUsd ?? 'none'}, daily ${next.dailyBudgetUsd ?? 'none'}, monthly ${next.monthlyBudgetUsd ?? 'none'} (USD).`,
  );
  ctx.refresh();
  return updated;
}

/** `nightPilot.openRun`: opens a run's transcript (the dashboard's table links here). */
export async function openRun(ctx: CommandContext, runId: unknown): Promise<Run | undefined> {
  const db = requireDatabase(ctx);
  if (typeof runId !== 'string') return undefined;
  const run = db.read((tx) => tx.runs.get(runId));
  if (!run) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Night Pilot: the run {0} no longer exists (retention may have removed it).', runId),
    );
    return undefined;
  }
  await ctx.transcripts.open(run.id);
  return run;
}
