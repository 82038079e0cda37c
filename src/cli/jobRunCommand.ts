// `night-pilot job run ID`: a manual trigger that runs the job now, in this process, through the
// same claim and executor as scheduled fires, and waits for the run to end.

import type { Run } from '../core/model';
import { cliScheduler } from './cliScheduler';
import { ExitCode } from './exitCodes';
import type { CommandSpec } from './registry';
import { resolveJob } from './resolve';
import { formatRunDetail, readRunDetail } from './runDetail';
import { RunTracker } from './runTracker';
import { onStopSignal } from './stopSignals';
import { formatInZone, relative } from './textOutput';

export const jobRunCommand: CommandSpec = {
  path: ['job', 'run'],
  summary: 'Run a job now, in this process, and wait for the run to end.',
  usage: 'ID [--wait]',
  description:
    'A manual trigger: the run is recorded (trigger "manual") and executed like a scheduled one (setup, Claude, ' +
    "validation, cleanup), whatever the job's status and schedule, without starting the scheduler. The command " +
    'returns when the run has ended, a wait for a usage limit to reset included, and prints the run like ' +
    '"run show". Exit code 0 when the run succeeded, 1 when it failed or was cancelled. Ctrl-C (SIGINT) or ' +
    'SIGTERM cancels the run: Claude is stopped, the cleanup phase runs, the run is recorded "cancelled", and ' +
    'the command exits 1.',
  positionals: [
    {
      name: 'ID',
      description: 'The job: its id, a unique id prefix of at least 4 characters, or its exact name.',
    },
  ],
  options: [
    { name: 'wait', description: 'Wait for the run to end. This is the default (and the only mode).' },
  ],
  examples: [
    'night-pilot job run nightly-review',
    'night-pilot --claude ~/.local/bin/claude --json job run 3f2a',
  ],
  async run(ctx, args) {
    const reference = args.positionals[0]!;
    const { job, busy } = await ctx.store.read((tx) => {
      const found = resolveJob(tx, reference);
      const active = tx.runs.list({ jobId: found.id, statuses: ['running', 'waiting_for_limit'], limit: 1 });
      return { job: found, busy: active[0] };
    });
    if (busy) {
      ctx.note(
        `job "${job.name}" already has a run in progress (${busy.id.slice(0, 8)}, ${busy.status}); ` +
          'this manual run goes alongside it',
      );
    }
    const jobId = job.id;
    const db = await ctx.store.open();
    const scheduler = cliScheduler(ctx, db, {}, (message) => {
      ctx.note(message);
    });

    // Runs of this job already waiting for a limit belong to someone else; ours is the new one.
    const before = new Set(
      db.read((tx) => tx.runs.list({ jobId, statuses: ['waiting_for_limit'] })).map((run) => run.id),
    );
    const tracker = new RunTracker(
      db,
      (run) => run.jobId === jobId && run.trigger === 'manual' && !before.has(run.id),
      ({ kind, run, zone }) => {
        if (kind !== 'waiting' || run.resumeAt === null) return;
        ctx.note(
          `run ${run.id.slice(0, 8)} is waiting for a usage limit to reset: it resumes at ` +
            `${formatInZone(run.resumeAt, zone)} (${relative(run.resumeAt, ctx.now())}); Ctrl-C cancels it`,
        );
      },
    );
    const subscription = scheduler.onDidUpdate(() => tracker.update());

    const abort = new AbortController();
    const stopListening = onStopSignal((signal, count) => {
      if (count === 1) {
        ctx.note(`${signal}: cancelling the run (Claude is stopped, then the cleanup phase runs)`);
        abort.abort();
      } else {
        ctx.note('still cancelling: waiting for the run to stop and its cleanup phase to finish');
      }
    });
    let run: Run;
    try {
      run = await scheduler.runNow(jobId, abort.signal);
    } finally {
      stopListening();
      subscription.dispose();
    }

    const detail = db.read((tx) => readRunDetail(tx, run.id));
    ctx.print(detail.run, () => formatRunDetail(detail, ctx.now()));
    if (run.status === 'succeeded') return ExitCode.ok;
    ctx.note(
      `run ${run.id.slice(0, 8)} of job "${job.name}" ${run.status}${run.error ? `: ${run.error}` : ''}`,
    );
    return ExitCode.failure;
  },
};
