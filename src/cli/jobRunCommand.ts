// `night-pilot job run ID`: a manual trigger that runs the job now, in this process, through the
// same claim and executor as scheduled fires, and waits for the run to end.

import type { Run } from '../core/model';
import type { RunNowResult, Scheduler } from '../scheduler/scheduler';
import { cliScheduler } from './cliScheduler';
import type { CommandContext } from './context';
import { ExitCode, UsageError } from './exitCodes';
import { runJson } from './output';
import type { CommandSpec } from './registry';
import { resolveJob } from './resolve';
import { formatRunDetail, readRunDetail } from './runDetail';
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
    'the command exits 1. A job that already has a run in progress is not run again (exit 2, naming that run); ' +
    'a run that must wait for a free slot (the concurrency limit, counted over every process) waits queued.',
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
    const job = await ctx.store.read((tx) => resolveJob(tx, reference));
    const db = await ctx.store.open();
    const scheduler = cliScheduler(ctx, db, {}, (message) => ctx.note(message));

    const abort = new AbortController();
    const stopListening = onStopSignal((signal, count) => {
      if (count === 1) {
        ctx.note(`${signal}: cancelling the run (Claude is stopped, then the cleanup phase runs)`);
        abort.abort();
      } else {
        ctx.note('still cancelling: waiting for the run to stop and its cleanup phase to finish');
      }
    });
    let result: RunNowResult;
    try {
      result = await scheduler.runNow(job.id, abort.signal, progressNotes(ctx, job.timezone, scheduler));
    } finally {
      stopListening();
    }

    const { run } = result;
    const short = run.id.slice(0, 8);
    if (result.kind === 'busy') {
      throw new UsageError(
        `job "${job.name}" already has a run in progress (${short}, ${run.status}${run.owner ? ` in ${run.owner}` : ''}); ` +
          `nothing was started. Follow it with "night-pilot run show ${short}", or cancel it with "night-pilot run cancel ${short}"`,
      );
    }
    // The job can also be removed right after the run ended, before its row is read here.
    const detail =
      result.kind === 'removed'
        ? null
        : db.read((tx) => (tx.runs.get(run.id) ? readRunDetail(tx, run.id) : null));
    if (detail === null) {
      // Its row went with the job (deletion cancels a run first): the last state this process saw.
      ctx.print(
        { ...runJson(run, job.name, [], []), removed: true },
        () =>
          `Run ${short} of job "${job.name}": the job was removed; the run was cancelled and removed with it.`,
      );
      ctx.note(`job "${job.name}" was removed while run ${short} was going; the run was cancelled first`);
      return ExitCode.failure;
    }
    ctx.print(detail.run, () => formatRunDetail(detail, ctx.now()));
    if (run.status === 'succeeded') return ExitCode.ok;
    ctx.note(`run ${short} of job "${job.name}" ${run.status}${run.error ? `: ${run.error}` : ''}`);
    return ExitCode.failure;
  },
};

/** stderr notes as the followed run changes: queued behind others, waiting for a limit, resumed. */
function progressNotes(ctx: CommandContext, zone: string, scheduler: Scheduler): (run: Run) => void {
  let previous: Run | null = null;
  return (run) => {
    const short = run.id.slice(0, 8);
    if (run.status === 'waiting_for_limit' && run.resumeAt !== null) {
      ctx.note(
        `run ${short} is waiting for a usage limit to reset: it resumes at ` +
          `${formatInZone(run.resumeAt, zone)} (${relative(run.resumeAt, ctx.now())}); Ctrl-C cancels it`,
      );
    } else if (run.status === 'queued' && previous === null) {
      const { running, hold } = scheduler.status();
      if (hold)
        ctx.note(
          `run ${short} is queued: the queue holds for a usage limit until ${formatInZone(hold.until, zone)}`,
        );
      else if (running >= scheduler.settings.concurrency)
        ctx.note(
          `run ${short} is queued behind ${running} running run(s) (concurrency ${scheduler.settings.concurrency})`,
        );
    } else if (run.status === 'running' && previous?.status === 'waiting_for_limit') {
      ctx.note(`run ${short} resumed`);
    }
    previous = run;
  };
}
