// `night-pilot scheduler`: the one scheduler, in the foreground, where VS Code is not running (a
// server, a machine left on at night, CI). Any number of these and of VS Code windows can share
// a database: each fire is claimed by exactly one of them (the storage's unique claim decides).

import os from 'node:os';
import type { Run, RunStatus } from '../core/model';
import { formatDuration } from '../core/timeFormat';
import { locateClaude } from '../scheduler/claudeLocator';
import type { Scheduler } from '../scheduler/scheduler';
import { DEFAULT_SCHEDULER_SETTINGS } from '../scheduler/settings';
import type { NightPilotDatabase, Tx } from '../storage/database';
import type { StorageError } from '../storage/errors';
import { claudePathOption, cliScheduler } from './cliScheduler';
import type { CommandContext } from './context';
import { ExitCode, UsageError } from './exitCodes';
import { dollars, integer } from './jobOptions';
import type { RunJson } from './output';
import { runJson } from './output';
import type { CommandSpec } from './registry';
import type { RunEvent } from './runTracker';
import { RunTracker } from './runTracker';
import { onStopSignal } from './stopSignals';
import { formatInZone, relative } from './textOutput';

/** Upper bound of `--for` (a year): longer is "until stopped". */
export const MAX_FOR_SECONDS = 365 * 24 * 3600;
/** Upper bound of `--concurrency`. */
export const MAX_CONCURRENCY = 100;
/** setTimeout fires at once above ~24.8 days, so long waits are taken in steps. */
const MAX_TIMER_MS = 24 * 3600_000;

/** Why the scheduler stopped: the end of `--once`, the `--for` time, or a signal. */
export type StopReason = 'done' | 'time' | 'SIGINT' | 'SIGTERM';

/** What `scheduler --json` prints when it stops. */
export interface SchedulerSummaryJson {
  /** This process's owner id, as recorded in the `owner` of the runs it ran. */
  owner: string;
  database: string;
  mode: 'once' | 'for' | 'until-stopped';
  forSeconds: number | null;
  concurrency: number;
  startedAt: string;
  stoppedAt: string;
  stoppedBy: StopReason;
  /** How many of the runs it started ended in each state. */
  runCounts: Partial<Record<RunStatus, number>>;
  /** The runs this process started (or resumed), in the order they started, as they are now. */
  runs: RunJson[];
}

function describeEvent(event: RunEvent, self: string, now: Date): string {
  const { run } = event;
  const name = `run ${run.id.slice(0, 8)} of "${event.jobName ?? run.jobId}"`;
  switch (event.kind) {
    case 'started':
      return `${name} started (${run.trigger}${run.attempt > 1 ? `, attempt ${run.attempt}` : ''}, scheduled for ${formatInZone(run.scheduledFor, event.zone)})`;
    case 'waiting':
      return `${name} is waiting for a usage limit to reset${run.resumeAt ? `; it resumes at ${formatInZone(run.resumeAt, event.zone)} (${relative(run.resumeAt, now)})` : ''}`;
    case 'resumed':
      return run.owner === self
        ? `${name} resumed`
        : `${name} was resumed by ${run.owner ?? 'another process'}`;
    case 'ended': {
      const took =
        run.startedAt !== null && run.endedAt !== null
          ? ` after ${formatDuration(Date.parse(run.endedAt) - Date.parse(run.startedAt))}`
          : '';
      return `${name} ended: ${run.status}${took}${run.error && run.status !== 'succeeded' ? ` (${run.error})` : ''}`;
    }
  }
}

/** Says where Claude will come from, or warns up front that runs will fail. */
async function describeClaude(ctx: CommandContext): Promise<string> {
  const found = await locateClaude({
    configured: claudePathOption(ctx),
    configuredSource: 'flag',
    env: ctx.io.env,
    homeDir: os.homedir(),
    platform: process.platform,
  });
  return found.found
    ? `claude: ${found.path} (from ${found.source})`
    : `warning: runs will fail until this is fixed: ${found.message}`;
}

function startLine(
  scheduler: Scheduler,
  db: NightPilotDatabase,
  mode: string,
  concurrency: number,
  now: Date,
): string {
  const status = scheduler.status();
  const jobs = db.read((tx) => tx.jobs.list().filter((job) => job.status === 'active').length);
  const next = status.nextFire === null ? 'none' : `${status.nextFire} (${relative(status.nextFire, now)})`;
  const extras = [
    status.quiet ? 'quiet mode is on: nothing fires until it is turned off' : null,
    status.hold ? `usage limit: the queue holds until ${status.hold.until}` : null,
  ].filter(Boolean);
  return (
    `scheduler started (${mode}): owner ${scheduler.owner}, database ${db.path}, concurrency ${concurrency}, ` +
    `${jobs} active job(s), next fire ${next}${extras.length ? `; ${extras.join('; ')}` : ''}`
  );
}

/** Resolves after `ms`, in steps small enough for setTimeout; `cancel` ends the wait early. */
function sleep(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
    const deadline = Date.now() + ms;
    const step = () => {
      const left = deadline - Date.now();
      if (left <= 0) resolve();
      else timer = setTimeout(step, Math.min(left, MAX_TIMER_MS));
    };
    step();
  });
  return {
    done,
    cancel: () => {
      clearTimeout(timer);
      finish();
    },
  };
}

const REASON_TEXT: Record<StopReason, string> = {
  done: 'due work done',
  time: 'time is up',
  SIGINT: 'SIGINT',
  SIGTERM: 'SIGTERM',
};

/** The summary of a scheduler that stopped, and its one-line text form. */
function summarize(
  db: NightPilotDatabase,
  owner: string,
  runIds: readonly string[],
  how: Pick<SchedulerSummaryJson, 'mode' | 'forSeconds' | 'concurrency' | 'startedAt' | 'stoppedBy'>,
): { summary: SchedulerSummaryJson; sentence: string } {
  const runs = db.read((tx) =>
    runIds.flatMap((id) => {
      const run = tx.runs.get(id);
      if (run === undefined) return [];
      const job = tx.jobs.get(run.jobId);
      return [runJson(run, job?.name ?? null, tx.processes.listByRun(id), tx.usage.listByRun(id))];
    }),
  );
  const runCounts: Partial<Record<RunStatus, number>> = {};
  for (const run of runs) runCounts[run.status] = (runCounts[run.status] ?? 0) + 1;
  const stoppedAt = new Date();
  const counts =
    Object.entries(runCounts)
      .map(([status, n]) => `${n} ${status}`)
      .join(', ') || 'none';
  const took = formatDuration(stoppedAt.getTime() - Date.parse(how.startedAt));
  return {
    summary: {
      owner,
      database: db.path,
      mode: how.mode,
      forSeconds: how.forSeconds,
      concurrency: how.concurrency,
      startedAt: how.startedAt,
      stoppedAt: stoppedAt.toISOString(),
      stoppedBy: how.stoppedBy,
      runCounts,
      runs,
    },
    sentence: `Scheduler stopped (${REASON_TEXT[how.stoppedBy]}) after ${took}; ${runs.length} run(s) started: ${counts}.`,
  };
}

export const schedulerCommand: CommandSpec = {
  path: ['scheduler'],
  summary: 'Run the scheduler in the foreground until stopped (Ctrl-C, SIGTERM), for a time, or once.',
  usage: '[--for SECONDS | --once] [--concurrency N]',
  description:
    'Fires the jobs of the database on their schedules, as VS Code does, with the same missed-run, retry, ' +
    'overlap and usage-limit rules. Several schedulers and VS Code windows may share one database: each fire ' +
    'runs exactly once. One log line per event (started, run started, run ended with its status...) goes to ' +
    'stderr, each with a UTC timestamp; when it stops, a summary goes to stdout (a JSON object with --json).\n' +
    'SIGINT (Ctrl-C) or SIGTERM stops it gracefully: runs in progress are cancelled (Claude is stopped, cleanup ' +
    'phases run, the runs are recorded "cancelled"), then it exits 0. --for SECONDS does the same after that ' +
    'time. --once processes what is due now (fires due, runs queued that can start), waits for the runs it ' +
    'started to end, and exits: 1 if one of them failed, else 0.',
  options: [
    {
      name: 'for',
      value: 'SECONDS',
      description: `Stop after this many seconds (1-${MAX_FOR_SECONDS}), as on SIGTERM: runs still going are cancelled.`,
    },
    {
      name: 'once',
      description:
        'Process what is due now, wait for those runs to end, then exit (1 if one failed). For a system cron or CI.',
    },
    {
      name: 'concurrency',
      value: 'N',
      description: `How many runs may execute at once, counting those of every process on the database (1-${MAX_CONCURRENCY}). Default: ${DEFAULT_SCHEDULER_SETTINGS.concurrency}.`,
    },
    {
      name: 'smart-max-projection',
      value: 'USD',
      description:
        "Smart start: a run does not start while the active 5-hour block (from Claude Code's transcripts) is projected to cost more than this; it waits for the block to reset.",
    },
    {
      name: 'smart-min-minutes',
      value: 'N',
      description:
        'Smart start: a run does not start when fewer than N minutes (1-300) remain before the active 5-hour block resets.',
    },
  ],
  examples: [
    'night-pilot scheduler',
    'night-pilot --db ~/night-pilot.db --claude ~/.local/bin/claude scheduler --concurrency 2',
    'night-pilot scheduler --once',
    'night-pilot --json scheduler --for 3600 > summary.json',
  ],
  async run(ctx, args) {
    const forOption = args.string('for');
    const once = args.flag('once');
    if (forOption !== undefined && once) {
      throw new UsageError(
        '--for and --once cannot be combined (--once stops by itself when the due work is done)',
      );
    }
    const forSeconds = forOption === undefined ? null : integer('--for', forOption, 1, MAX_FOR_SECONDS);
    const concurrencyOption = args.string('concurrency');
    const concurrency =
      concurrencyOption === undefined
        ? DEFAULT_SCHEDULER_SETTINGS.concurrency
        : integer('--concurrency', concurrencyOption, 1, MAX_CONCURRENCY);
    const mode: SchedulerSummaryJson['mode'] = once ? 'once' : forSeconds !== null ? 'for' : 'until-stopped';
    const projection = args.string('smart-max-projection');
    const minutes = args.string('smart-min-minutes');
    const smartStart = {
      maxProjectedCostUsd: projection === undefined ? null : dollars('--smart-max-projection', projection),
      minMinutesBeforeReset: minutes === undefined ? null : integer('--smart-min-minutes', minutes, 1, 300),
    };

    const created = !ctx.store.exists();
    const db = await ctx.store.open();
    const logLine = (text: string) => ctx.io.stderr(`${new Date().toISOString()} ${text}\n`);
    const scheduler = cliScheduler(ctx, db, { concurrency, smartStart }, (message) => {
      logLine(message);
    });
    const tracker = new RunTracker(
      db,
      (run) => run.owner === scheduler.owner && run.status === 'running',
      (event) => logLine(describeEvent(event, scheduler.owner, new Date())),
    );
    const subscription = scheduler.onDidUpdate(() => tracker.update());

    let stopReason: StopReason | null = null;
    let wake: () => void = () => undefined;
    const stopRequested = new Promise<void>((resolve) => (wake = resolve));
    const requestStop = (reason: StopReason) => {
      if (stopReason !== null) return;
      stopReason = reason;
      wake();
    };
    // Damaged or deleted under us (noticed at once, or by the 30-s look at the file): stop, exit 3.
    let failure: StorageError | undefined;
    const failed = db.onDidFail((err) => {
      failure = err;
      logLine(`stopping: ${err.message}`);
      wake();
    });
    const stopListening = onStopSignal((signal, count) => {
      if (count === 1) {
        logLine(`${signal}: stopping; runs in progress are cancelled and their cleanup phases run`);
        requestStop(signal);
      } else {
        logLine(`${signal}: still stopping, waiting for ${scheduler.runningCount} run(s) to end`);
      }
    });

    const startedAt = new Date();
    const modeText = once ? 'once' : forSeconds !== null ? `for ${forSeconds} s` : 'until SIGINT or SIGTERM';
    logLine(startLine(scheduler, db, modeText, concurrency, startedAt));
    if (created)
      logLine(
        `the database ${db.path} did not exist: created it, empty (add jobs with "night-pilot job add")`,
      );
    logLine(await describeClaude(ctx));
    try {
      if (once)
        await processDueWork(
          scheduler,
          db,
          tracker,
          () => stopReason !== null || failure !== undefined,
          stopRequested,
        );
      else {
        scheduler.start();
        const timer = forSeconds === null ? null : sleep(forSeconds * 1000);
        void timer?.done.then(() => requestStop('time'));
        await stopRequested;
        timer?.cancel();
      }
      await scheduler.stop();
      // A tick racing with stop() may still have started a run: it must end before the database closes.
      await scheduler.idle();
    } finally {
      if (failure === undefined) tracker.update();
      subscription.dispose();
      failed.dispose();
      stopListening();
    }
    if (failure !== undefined) throw failure;
    const stoppedBy: StopReason = stopReason ?? 'done';
    const { summary, sentence } = summarize(db, scheduler.owner, tracker.runIds, {
      mode,
      forSeconds,
      concurrency,
      startedAt: startedAt.toISOString(),
      stoppedBy,
    });
    logLine(`scheduler stopped (${REASON_TEXT[stoppedBy]})`);
    ctx.print(summary, () => sentence);
    return once && summary.runs.some((run) => run.status === 'failed') ? ExitCode.failure : ExitCode.ok;
  },
};

/**
 * `--once`: ticks until the work that was due when it began is done. A tick starts what the
 * concurrency limit allows, so runs queued behind it, and child jobs of those that succeeded, need
 * further ticks. Fires that come due meanwhile are claimed (and may run) but never keep it going:
 * each further tick must start one of the runs due at the beginning, so it always ends.
 */
async function processDueWork(
  scheduler: Scheduler,
  db: NightPilotDatabase,
  tracker: RunTracker,
  stopping: () => boolean,
  stopRequested: Promise<void>,
): Promise<void> {
  const begin = new Date().toISOString();
  const due = new Set<string>();
  const isDue = (tx: Tx, run: Run): boolean => {
    if (run.scheduledFor <= begin) return true;
    if (run.trigger !== 'parent') return false;
    // A child run is scheduled at the instant its parent run ended.
    const parentJobId = tx.jobs.get(run.jobId)?.parentJobId;
    return [...due].some((id) => {
      const parent = tx.runs.get(id);
      return parent?.jobId === parentJobId && parent?.endedAt === run.scheduledFor;
    });
  };
  let seen = 0;
  for (;;) {
    await scheduler.tick();
    const started = tracker.runIds.slice(seen);
    seen = tracker.runIds.length;
    const startedDue = db.read((tx) =>
      started.filter((id) => {
        const run = tx.runs.get(id);
        return run !== undefined && isDue(tx, run);
      }),
    );
    for (const id of startedDue) due.add(id);
    // Nothing started: nothing was due, or other processes fill the concurrency limit.
    if (stopping() || scheduler.runningCount === 0) return;
    await Promise.race([scheduler.idle(), stopRequested]);
    if (stopping() || startedDue.length === 0) return;
    const now = new Date().toISOString();
    const leftover = db.read((tx) =>
      tx.runs
        .list({ statuses: ['queued'] })
        .some((run) => (run.resumeAt === null || run.resumeAt <= now) && isDue(tx, run)),
    );
    if (!leftover) return;
  }
}
