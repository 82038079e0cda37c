import { planFires } from '../core/firePlan';
import type { Job, Run } from '../core/model';
import type { Tx } from '../storage/database';
import { ACTIVE_RUN_STATUSES } from '../storage/runRepository';
import type { SchedulerSettings } from './settings';
import { errorMessage } from '../core/errorMessage';

export interface ClaimSummary {
  queued: Run[];
  skipped: number;
}

/**
 * Inside the write lock: turns every due fire of every active job into exactly one run row (the
 * UNIQUE constraint has the last word when processes race) and moves each job's next_run_time
 * past `now`. An on-time fire that finds the job's previous run still going is recorded as
 * skipped (the overlap rule). Catch-ups never are: under `run_all` every missed fire up to the
 * limit is queued, oldest first, with the on-time fire of the same tick behind them, and the
 * queue runs one job's runs one after another. So the same fires run whether the scheduler finds
 * them when it starts or while a run of the job is going.
 */
export function claimDueFires(tx: Tx, now: Date, settings: SchedulerSettings): ClaimSummary {
  const summary: ClaimSummary = { queued: [], skipped: 0 };
  const nowIso = now.toISOString();
  for (const job of tx.jobs.listDue(nowIso)) {
    if (job.jobType === 'triggered' || job.cronExpression === '') {
      tx.jobs.update(job.id, { nextRunTime: null });
      continue;
    }
    let plan;
    try {
      plan = planFires(
        {
          cronExpression: job.cronExpression,
          timezone: job.timezone,
          missedRunPolicy: job.missedRunPolicy,
          nextRunTime: new Date(job.nextRunTime!),
        },
        now,
        settings,
      );
    } catch (err) {
      // A schedule that cannot be evaluated any more (edited by hand, zone removed): stop it visibly.
      tx.jobs.update(job.id, { status: 'failed', nextRunTime: null });
      tx.runs.claim({
        jobId: job.id,
        trigger: 'schedule',
        scheduledFor: job.nextRunTime!,
        status: 'failed',
        endedAt: nowIso,
        error: `The schedule "${job.cronExpression}" (${job.timezone}) cannot be evaluated: ${errorMessage(err)}`,
      });
      continue;
    }
    // A tick that queues catch-ups queues its on-time fire behind them too: they form one backlog.
    const backlog = plan.fires.some((fire) => fire.kind === 'catch_up');
    let busy =
      !backlog && tx.runs.list({ jobId: job.id, statuses: ACTIVE_RUN_STATUSES, limit: 1 }).length > 0;
    for (const fire of plan.fires) {
      const scheduledFor = fire.scheduledFor.toISOString();
      if (fire.kind === 'skipped' || busy) {
        const reason =
          fire.kind === 'skipped' ? fire.reason : 'the previous run of this job was still going (overlap)';
        const run = tx.runs.claim({
          jobId: job.id,
          trigger: fire.kind === 'skipped' ? 'schedule' : fire.kind,
          scheduledFor,
          status: 'skipped',
          endedAt: nowIso,
          error: reason ?? 'skipped',
        });
        if (run) summary.skipped++;
        continue;
      }
      const run = tx.runs.claim({ jobId: job.id, trigger: fire.kind, scheduledFor, status: 'queued' });
      if (run) {
        summary.queued.push(run);
        busy = !backlog;
      }
    }
    tx.jobs.update(job.id, { nextRunTime: nextRunAfterFire(job, plan.nextRunTime) });
  }
  return summary;
}

function nextRunAfterFire(job: Job, next: Date | null): string | null {
  if (job.jobType === 'one_time') return null;
  return next ? next.toISOString() : null;
}
