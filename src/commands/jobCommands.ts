import * as vscode from 'vscode';
import { nextFireTimes, validateCron } from '../core/cron';
import type { Job, Run } from '../core/model';
import { FINAL_RUN_STATUSES } from '../core/model';
import { setQuietMode } from '../scheduler/limitHold';
import { requestCancel } from '../scheduler/scheduler';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { resolveActiveRunId, resolveJobId } from './pickers';

/** The next fire of `job` after `now`, or null when its expression cannot fire again. */
export function nextRunTimeFor(job: Pick<Job, 'cronExpression' | 'timezone'>, now: Date): string | null {
  const check = validateCron(job.cronExpression);
  if (!check.ok) {
    throw new Error(`The job's cron expression "${job.cronExpression}" is invalid: ${check.message}`);
  }
  return nextFireTimes(job.cronExpression, now, 1, job.timezone)[0]?.toISOString() ?? null;
}

export async function pauseJob(ctx: CommandContext, arg: unknown): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, 'Pause which job?', (j) => j.status === 'active');
  if (!id) return undefined;
  const job = await db.write((tx) => tx.jobs.update(id, { status: 'paused' }));
  ctx.log.info(`Paused job "${job.name}" (${job.id}).`);
  ctx.refresh();
  return job;
}

export async function resumeJob(ctx: CommandContext, arg: unknown): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, 'Resume which job?', (j) => j.status !== 'active');
  if (!id) return undefined;
  // The next fire counts from now: resuming must not replay the fires missed while paused.
  const job = await db.write((tx) => {
    const current = tx.jobs.require(id);
    return tx.jobs.update(id, { status: 'active', nextRunTime: nextRunTimeFor(current, new Date(tx.now())) });
  });
  ctx.log.info(`Resumed job "${job.name}" (${job.id}); next fire ${job.nextRunTime ?? 'none'}.`);
  ctx.refresh();
  return job;
}

/** Deletes a job after a modal confirmation (skipped when `options.confirm` is false). */
export async function deleteJob(
  ctx: CommandContext,
  arg: unknown,
  options: { confirm?: boolean } = {},
): Promise<boolean> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, 'Delete which job?');
  if (!id) return false;
  const { job, runCount, childCount } = db.read((tx) => {
    const found = tx.jobs.require(id);
    return {
      job: found,
      runCount: tx.runs.list({ jobId: id }).length,
      childCount: tx.jobs.children(id).length,
    };
  });
  if (options.confirm !== false) {
    const children = childCount ? ` Its ${childCount} child job(s) are kept and move to the top level.` : '';
    const answer = await vscode.window.showWarningMessage(
      `Delete the job "${job.name}"?`,
      {
        modal: true,
        detail: `Its ${runCount} run(s) and their history are deleted; token and cost totals are kept.${children}`,
      },
      'Delete',
    );
    if (answer !== 'Delete') return false;
  }
  await db.write((tx) => {
    tx.jobs.remove(id);
    tx.prompts.removeIfUnused(job.promptId);
  });
  ctx.log.info(`Deleted job "${job.name}" (${job.id}) with ${runCount} run(s).`);
  ctx.refresh();
  return true;
}

/**
 * Asks for a run to stop: one that has not started is cancelled at once; a running one is flagged,
 * and the process that owns it (this window, another one, or the CLI) ends it.
 */
export async function cancelRun(ctx: CommandContext, arg: unknown): Promise<Run | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveActiveRunId(db, arg, 'Cancel which run?');
  if (!id) return undefined;
  const run = await requestCancel(db, id, new Date());
  ctx.log.info(`Cancel requested for run ${run.id} (now ${run.status}).`);
  if (FINAL_RUN_STATUSES.includes(run.status) && run.status !== 'cancelled') {
    void vscode.window.showInformationMessage(`That run had already finished (${run.status}).`);
  }
  ctx.refresh();
  return run;
}

/** Quiet mode: no fire is claimed and no run starts, in any window or CLI, until it is turned off. */
export async function setQuiet(ctx: CommandContext, on: boolean): Promise<void> {
  const db = requireDatabase(ctx);
  await db.write((tx) => setQuietMode(tx, on));
  ctx.log.info(on ? 'Quiet mode on: no job starts until it is turned off.' : 'Quiet mode off.');
  void vscode.window.showInformationMessage(
    on
      ? 'Night Pilot: quiet mode is on. No job starts until you resume all jobs; runs already going continue.'
      : 'Night Pilot: quiet mode is off. Jobs run on their schedules again.',
  );
  ctx.refresh();
}

/**
 * Runs a job now in this window, with a cancellable progress notification, and resolves with the
 * run once it has ended (a usage-limit wait included).
 */
export async function runJob(ctx: CommandContext, arg: unknown): Promise<Run | undefined> {
  const db = requireDatabase(ctx);
  const host = ctx.schedulerHost;
  if (!host) throw new Error('Night Pilot cannot run jobs: its database is not open.');
  const id = await resolveJobId(db, arg, 'Run which job now?', () => true);
  if (!id) return undefined;
  const job = db.read((tx) => tx.jobs.require(id));
  const run = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Night Pilot: running "${job.name}"`,
      cancellable: true,
    },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const pending = host.runNow(id, abort.signal);
      ctx.refresh();
      return pending;
    },
  );
  ctx.log.info(`Manual run of "${job.name}" ended: ${run.status}${run.error ? ` (${run.error})` : ''}.`);
  ctx.refresh();
  if (run.status === 'succeeded')
    void vscode.window.showInformationMessage(`Night Pilot: "${job.name}" succeeded.`);
  else if (run.status === 'cancelled')
    void vscode.window.showInformationMessage(`Night Pilot: "${job.name}" was cancelled.`);
  return run;
}
