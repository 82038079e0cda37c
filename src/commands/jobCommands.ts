import * as vscode from 'vscode';
import { nextRunTimeFor } from '../core/jobValidation';
import type { Job, Run } from '../core/model';
import { FINAL_RUN_STATUSES } from '../core/model';
import { deleteJob as deleteJobAndRuns } from '../scheduler/jobDeletion';
import { setQuietMode } from '../scheduler/limitHold';
import { cancelRun as cancelAnyRun } from '../scheduler/runCancel';
import { formatWhen } from '../views/format';
import type { CommandContext } from './commandContext';
import { cancelOptionsOf, requireDatabase } from './commandContext';
import { resolveActiveRunId, resolveJobId } from './pickers';
import { runStatusLabel } from '../views/labels';
import { errorMessage } from '../core/errorMessage';

export async function pauseJob(ctx: CommandContext, arg: unknown): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, vscode.l10n.t('Pause which job?'), (j) => j.status === 'active');
  if (!id) return undefined;
  const job = await db.write((tx) => tx.jobs.update(id, { status: 'paused' }));
  ctx.log.info(`Paused job "${job.name}" (${job.id}).`);
  ctx.refresh();
  return job;
}

export async function resumeJob(ctx: CommandContext, arg: unknown): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, vscode.l10n.t('Resume which job?'), (j) => j.status !== 'active');
  if (!id) return undefined;
  // The next fire counts from now: resuming must not replay the fires missed while paused. A
  // triggered child job has no schedule of its own: it fires when its parent succeeds.
  const job = await db.write((tx) => {
    const current = tx.jobs.require(id);
    let nextRunTime: string | null;
    try {
      nextRunTime = nextRunTimeFor(current, new Date(tx.now()));
    } catch (err) {
      throw new Error(
        vscode.l10n.t('Cannot resume "{0}": {1}. Fix its schedule first.', current.name, errorMessage(err)),
      );
    }
    return tx.jobs.update(id, { status: 'active', nextRunTime });
  });
  ctx.log.info(`Resumed job "${job.name}" (${job.id}); next fire ${job.nextRunTime ?? 'none'}.`);
  ctx.refresh();
  return job;
}

/**
 * Deletes a job after a modal confirmation (skipped when `options.confirm` is false). Its
 * unfinished runs are cancelled first (a running one stops Claude and runs its cleanup phase),
 * with a cancellable progress notification while they stop; then the job, its runs and its logs go.
 */
export async function deleteJob(
  ctx: CommandContext,
  arg: unknown,
  options: { confirm?: boolean } = {},
): Promise<boolean> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, vscode.l10n.t('Delete which job?'));
  if (!id) return false;
  const { job, runCount, childCount, activeCount } = db.read((tx) => {
    const found = tx.jobs.require(id);
    return {
      job: found,
      runCount: tx.runs.list({ jobId: id }).length,
      childCount: tx.jobs.children(id).length,
      activeCount: tx.runs.list({ jobId: id, statuses: ['queued', 'running', 'waiting_for_limit'] }).length,
    };
  });
  if (options.confirm !== false) {
    const children = childCount
      ? ` ${vscode.l10n.t('Its {0} child job(s) are kept and move to the top level.', childCount)}`
      : '';
    const active = activeCount
      ? ` ${vscode.l10n.t('Its {0} unfinished run(s) are cancelled first; their cleanup phases run.', activeCount)}`
      : '';
    const remove = vscode.l10n.t('Delete');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete the job "{0}"?', job.name),
      {
        modal: true,
        detail: `${vscode.l10n.t('Its {0} run(s) and their history are deleted; token and cost totals are kept.', runCount)}${children}${active}`,
      },
      remove,
    );
    if (answer !== remove) return false;
  }
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Night Pilot: deleting "{0}"', job.name),
      cancellable: true,
    },
    (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return deleteJobAndRuns(db, id, {
        ...cancelOptionsOf(ctx),
        signal: abort.signal,
        onWaiting: (runs) => {
          progress.report({
            message: vscode.l10n.t('waiting for {0} cancelled run(s) to stop and clean up', runs.length),
          });
          ctx.refresh();
        },
      });
    },
  );
  ctx.log.info(
    `Deleted job "${job.name}" (${job.id}) with ${result.runsRemoved} run(s)` +
      `${result.runsCancelled ? `, ${result.runsCancelled} cancelled first` : ''}.`,
  );
  ctx.refresh();
  return true;
}

/**
 * Cancels a run: one that has not started at once; a running one is stopped by the process that
 * owns it (this window at once, another window or the CLI within half a second); one whose owner
 * died has what it left running stopped and is cancelled here.
 */
export async function cancelRun(ctx: CommandContext, arg: unknown): Promise<Run | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveActiveRunId(db, arg, vscode.l10n.t('Cancel which run?'));
  if (!id) return undefined;
  const host = ctx.schedulerHost;
  const run = host ? await host.scheduler.cancelRun(id) : await cancelAnyRun(db, id, cancelOptionsOf(ctx));
  ctx.log.info(`Cancel requested for run ${run.id} (now ${run.status}).`);
  if (FINAL_RUN_STATUSES.includes(run.status) && run.status !== 'cancelled') {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('That run had already finished ({0}).', runStatusLabel(run.status)),
    );
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
      ? vscode.l10n.t(
          'Night Pilot: quiet mode is on. No job starts until you resume all jobs; runs already going continue.',
        )
      : vscode.l10n.t('Night Pilot: quiet mode is off. Jobs run on their schedules again.'),
  );
  ctx.refresh();
}

/** The progress line of a followed manual run. */
function progressMessage(run: Run, now: Date): string {
  switch (run.status) {
    case 'queued':
      return vscode.l10n.t('queued: waiting for a free slot (the concurrency limit) or a usage-limit hold');
    case 'waiting_for_limit':
      return run.resumeAt
        ? vscode.l10n.t('waiting for the usage limit to reset; resumes {0}', formatWhen(run.resumeAt, now))
        : vscode.l10n.t('waiting for the usage limit to reset');
    case 'running':
      return run.cancelRequested ? vscode.l10n.t('cancelling: cleanup runs') : vscode.l10n.t('running');
    default:
      return runStatusLabel(run.status);
  }
}

/**
 * Runs a job now in this window, with a cancellable progress notification, and resolves with the
 * run once it has ended (a usage-limit wait included). A job that already has a run in progress
 * is not run twice: the user is told so and offered that run.
 */
export async function runJob(ctx: CommandContext, arg: unknown): Promise<Run | undefined> {
  const db = requireDatabase(ctx);
  const host = ctx.schedulerHost;
  if (!host) throw new Error(vscode.l10n.t('Night Pilot cannot run jobs: its database is not open.'));
  const id = await resolveJobId(db, arg, vscode.l10n.t('Run which job now?'), () => true);
  if (!id) return undefined;
  const job = db.read((tx) => tx.jobs.require(id));
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Night Pilot: running "{0}"', job.name),
      cancellable: true,
    },
    (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const pending = host.runNow(id, abort.signal, (run) => {
        progress.report({ message: progressMessage(run, new Date()) });
        ctx.refresh();
      });
      ctx.refresh();
      return pending;
    },
  );
  const { run } = result;
  ctx.refresh();
  if (result.kind === 'busy') {
    ctx.log.info(`Run Job Now: "${job.name}" already has run ${run.id} (${run.status}); nothing started.`);
    const show = vscode.l10n.t('Show Run');
    // Not awaited: the command answers at once; the offer stays until the user acts on it.
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t(
          'Night Pilot: "{0}" is already running (started {1}). A job runs one run at a time.',
          job.name,
          formatWhen(run.startedAt ?? run.createdAt, new Date()),
        ),
        show,
      )
      .then((choice) => (choice === show ? ctx.revealRun(run) : undefined));
    return run;
  }
  if (result.kind === 'removed') {
    ctx.log.info(`Manual run ${run.id} of "${job.name}" ended with its job's deletion.`);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Night Pilot: "{0}" was deleted while its run was going; the run was cancelled.',
        job.name,
      ),
    );
    return run;
  }
  ctx.log.info(`Manual run of "${job.name}" ended: ${run.status}${run.error ? ` (${run.error})` : ''}.`);
  // A failure or a usage limit is told by the run notifications (views/notifications.ts).
  if (run.status === 'succeeded')
    void vscode.window.showInformationMessage(vscode.l10n.t('Night Pilot: "{0}" succeeded.', job.name));
  else if (run.status === 'cancelled')
    void vscode.window.showInformationMessage(vscode.l10n.t('Night Pilot: "{0}" was cancelled.', job.name));
  return run;
}
