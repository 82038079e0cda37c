import { fireTimesBetween } from './cron';
import type { MissedRunPolicy } from './model';

/** What to record for one fire instant of a job. */
export interface PlannedFire {
  scheduledFor: Date;
  /**
   * `schedule`: on time, to run. `catch_up`: missed, run per the policy. `skipped`: missed and
   * recorded without running (with `reason`).
   */
  kind: 'schedule' | 'catch_up' | 'skipped';
  reason?: string;
}

export interface FirePlan {
  fires: PlannedFire[];
  /** The first fire after `now`, or null when the expression has no future fire. */
  nextRunTime: Date | null;
}

export interface FirePlanOptions {
  /** A fire processed later than this after its instant counts as missed. */
  graceMs: number;
  /** Upper bound on `catch_up` runs under `run_all`. */
  missedRunLimit: number;
  /** Upper bound on fires recorded one by one; beyond it the oldest are summarised in one row. */
  maxRecordedFires: number;
}

export interface FirePlanJob {
  cronExpression: string;
  timezone: string;
  missedRunPolicy: MissedRunPolicy;
  /** The earliest fire not yet processed. */
  nextRunTime: Date;
}

/** Windows tried, smallest first, to find the latest fires before `now` without walking years. */
const LOOKBACK_MS = [60_000, 3_600_000, 86_400_000, 35 * 86_400_000, 400 * 86_400_000, 3 * 366 * 86_400_000];

/**
 * Decides, for a job whose `nextRunTime` has come, which fire instants in [nextRunTime, now] get
 * which kind of run. Every instant up to `maxRecordedFires` is listed, so every miss is visible;
 * the rare flood beyond that (an every-second job after a night asleep) is summarised in the
 * oldest listed row instead of thousands of rows. Pure: `now` is an argument.
 */
export function planFires(job: FirePlanJob, now: Date, options: FirePlanOptions): FirePlan {
  const after = new Date(job.nextRunTime.getTime() - 1);
  const head = fireTimesBetween(job.cronExpression, after, now, job.timezone, options.maxRecordedFires);
  let instants = head.times;
  let summary: string | undefined;
  if (head.truncated) {
    const tail = latestFires(job, now, options.maxRecordedFires, after);
    const first = instants[0]!;
    const firstTail = tail[0]!;
    summary =
      `more than ${options.maxRecordedFires} fires were missed between ${first.toISOString()} and ` +
      `${firstTail.toISOString()}; only this one is listed`;
    instants = [first, ...tail.filter((t) => t.getTime() > first.getTime())];
  }
  const fires = instants.map((at, i): PlannedFire => {
    const onTime = now.getTime() - at.getTime() <= options.graceMs;
    if (onTime) return { scheduledFor: at, kind: 'schedule' };
    return { scheduledFor: at, kind: 'skipped', reason: i === 0 && summary ? summary : undefined };
  });
  applyMissedPolicy(fires, job.missedRunPolicy, options.missedRunLimit);
  const next = fireTimesBetween(
    job.cronExpression,
    now,
    new Date(now.getTime() + 5 * 366 * 86_400_000),
    job.timezone,
    1,
  );
  return { fires, nextRunTime: next.times[0] ?? null };
}

function applyMissedPolicy(fires: PlannedFire[], policy: MissedRunPolicy, missedRunLimit: number): void {
  const missed = fires.filter((f) => f.kind === 'skipped');
  if (missed.length === 0) return;
  const anyOnTime = fires.length > missed.length;
  const why = (text: string) => (f: PlannedFire) => {
    f.reason = f.reason ? `${text}; ${f.reason}` : text;
  };
  if (policy === 'skip') {
    missed.forEach(why('missed while no scheduler was running (missed-run policy: skip)'));
    return;
  }
  const toRun = policy === 'run_once' ? (anyOnTime ? 0 : 1) : Math.max(0, missedRunLimit);
  const runFrom = Math.max(0, missed.length - toRun);
  missed.forEach((f, i) => {
    if (i >= runFrom) {
      f.kind = 'catch_up';
      return;
    }
    why(
      policy === 'run_once'
        ? anyOnTime
          ? 'missed; the on-time run covers it (missed-run policy: run_once)'
          : 'missed; a later missed fire runs as the catch-up (missed-run policy: run_once)'
        : `missed beyond the catch-up limit of ${missedRunLimit} (missed-run policy: run_all)`,
    )(f);
  });
}

/** The last `count` fires at or before `now` (and after `after`), found through growing windows. */
function latestFires(job: FirePlanJob, now: Date, count: number, after: Date): Date[] {
  for (const span of LOOKBACK_MS) {
    const from = new Date(Math.max(after.getTime(), now.getTime() - span));
    const found = fireTimesBetween(job.cronExpression, from, now, job.timezone, Number.MAX_SAFE_INTEGER);
    if (found.times.length >= count || from.getTime() === after.getTime()) return found.times.slice(-count);
    if (span === LOOKBACK_MS[LOOKBACK_MS.length - 1]) return found.times.slice(-count);
  }
  return [];
}
