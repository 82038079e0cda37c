import type { Run } from '../core/model';
import { FINAL_RUN_STATUSES } from '../core/model';
import type { Disposable, NightPilotDatabase } from '../storage/database';
import type { RetentionPolicy } from '../storage/retention';
import { pruneRuns } from '../storage/retention';
import { claimDueFires } from './claimFires';
import type { Clock } from './clock';
import type { ExecutorDeps } from './executor';
import { executeRun } from './executor';
import { activeLimitHold, isQuietMode } from './limitHold';
import type { LimitHold } from './limitHold';
import { newOwnerId } from './owner';
import type { OutcomeEffects } from './runOutcome';
import { recordOutcome } from './runOutcome';
import { hasStartableRun, holdRun, markRunning, nextQueueWake, startNextRun } from './runQueue';
import type { StartGate } from './runQueue';
import type { SchedulerSettings } from './settings';
import type { GateContext } from './startGate';
import { SMART_START_OFF, checkStartGate } from './startGate';
import { defaultTimeZone } from '../core/timeZone';
import { findStaleRuns, recoverStaleRuns } from './staleRuns';

/** The timer never sleeps longer than this, so suspend/resume and clock jumps are noticed soon. */
export const MAX_TIMER_MS = 30_000;
const PRUNE_EVERY_MS = 6 * 3600_000;

export interface SchedulerDeps extends ExecutorDeps {
  retention?: RetentionPolicy;
  /**
   * What the start gate needs besides the database: the budgets' zone, smart start's settings and
   * the active 5-hour block. Default: this machine's zone, smart start off.
   */
  gateContext?: (now: Date) => Promise<Omit<GateContext, 'now'>>;
  /** Set in tests to tell two schedulers in one process apart. */
  owner?: string;
}

/** What a status bar shows. */
export interface SchedulerStatus {
  nextFire: string | null;
  running: number;
  hold: LimitHold | null;
  quiet: boolean;
}

/**
 * The one scheduler. Each tick computes due work from the database (never from in-memory
 * timers), claims fires under the write lock, starts runs within the global concurrency limit,
 * and re-arms its timer for the earliest next event, at most 30 s away.
 */
export class Scheduler {
  readonly owner: string;
  private _timer: unknown;
  private _pruneTimer: unknown;
  private _stopped = true;
  /** Set by stop(): a tick in flight must not leave runs going. (Unstarted schedulers still tick.) */
  private _stopRequested = false;
  /**
   * What the last idle tick found: nothing to do until `nextEvent` unless the database changes.
   * Lets idle ticks skip every query (and keep sql.js's WebAssembly cold) while nothing changes.
   */
  private _idle: { generation: number; nextEvent: number | null } | null = null;
  private _ticking: Promise<void> | null = null;
  private _again = false;
  private readonly _running = new Map<
    string,
    { abort: AbortController; done: Promise<OutcomeEffects | null> }
  >();
  private _dbSubscriptions: Disposable[] = [];
  private readonly _listeners = new Set<() => void>();
  private readonly _runEndListeners = new Set<(run: Run) => void>();

  constructor(private readonly _deps: SchedulerDeps) {
    this.owner = _deps.owner ?? newOwnerId();
  }

  private get _db(): NightPilotDatabase {
    return this._deps.db;
  }

  private get _clock(): Clock {
    return this._deps.clock;
  }

  start(): void {
    if (!this._stopped) return;
    this._stopped = false;
    this._stopRequested = false;
    // A job added or changed by another process, or by this one (a command), is looked at at once.
    this._dbSubscriptions = [this._db.onDidChange(() => this.poke()), this._db.onDidWrite(() => this.poke())];
    this._prune();
    this.poke();
  }

  /** Stops the timer; runs in progress are cancelled (cleanup phases run) and recorded. */
  async stop(): Promise<void> {
    this._stopped = true;
    this._stopRequested = true;
    this._clock.clearTimeout(this._timer);
    this._clock.clearTimeout(this._pruneTimer);
    for (const d of this._dbSubscriptions) d.dispose();
    this._dbSubscriptions = [];
    // A tick in the middle of its write may still start runs; they see the stop and cancel.
    await this._ticking;
    for (const entry of this._running.values()) entry.abort.abort();
    await this.idle();
  }

  /** Called after any change this scheduler makes (runs started, ended...). */
  onDidUpdate(listener: () => void): Disposable {
    this._listeners.add(listener);
    return { dispose: () => this._listeners.delete(listener) };
  }

  /** Called with the run each time a run this scheduler executed ends or starts waiting for a limit. */
  onDidEndRun(listener: (run: Run) => void): Disposable {
    this._runEndListeners.add(listener);
    return { dispose: () => this._runEndListeners.delete(listener) };
  }

  /** Applies changed settings; runs already going keep the settings they started with where it matters. */
  updateSettings(settings: Partial<SchedulerSettings>): void {
    Object.assign(this._deps.settings, settings);
    this.poke();
  }

  get running(): boolean {
    return !this._stopped;
  }

  get runningCount(): number {
    return this._running.size;
  }

  status(): SchedulerStatus {
    const now = this._clock.now();
    return this._db.read((tx) => ({
      nextFire: tx.jobs.earliestNextRunTime(),
      running: tx.runs.list({ statuses: ['running'] }).length,
      hold: activeLimitHold(tx, now),
      quiet: isQuietMode(tx),
    }));
  }

  /** Ticks as soon as possible (a job was added, the file changed). */
  poke(): void {
    if (this._stopped) return;
    this._arm(0);
  }

  /** Processes everything due now. Resolves when the tick is done (runs it started go on). */
  tick(): Promise<void> {
    if (this._ticking) {
      this._again = true;
      return this._ticking;
    }
    this._ticking = this._tickLoop().finally(() => {
      this._ticking = null;
      if (!this._stopped) this._armForNextEvent();
    });
    return this._ticking;
  }

  /** Resolves when no run started by this scheduler is still going. */
  async idle(): Promise<void> {
    while (this._running.size > 0) await Promise.all([...this._running.values()].map((e) => e.done));
  }

  /**
   * Runs a job now in this process, through the same claim and executor as scheduled fires, and
   * resolves with the run once it has ended, a usage-limit wait included. Aborting `signal`
   * cancels it (recorded `cancelled`, cleanup phase run).
   */
  async runNow(jobId: string, signal: AbortSignal): Promise<Run> {
    const now = this._clock.now();
    const gate = await this._gate(now);
    let run: Run | null = await this._db.write((tx) => {
      tx.jobs.require(jobId);
      const claimed = tx.runs.claim({
        jobId,
        trigger: 'manual',
        scheduledFor: now.toISOString(),
        status: 'queued',
      })!;
      const hold = activeLimitHold(tx, now);
      if (hold) {
        // Starting now would only hit the same limit again: wait with the rest of the queue.
        return tx.runs.update(claimed.id, {
          status: 'waiting_for_limit',
          resumeAt: hold.until,
          error: `Waiting for the usage limit to reset (${hold.message})`,
        });
      }
      const job = tx.jobs.require(jobId);
      const decision = gate(tx, job, claimed);
      if (!decision.start) return holdRun(tx, claimed, decision.until, decision.reason);
      return markRunning(tx, claimed.id, now, this.owner);
    });
    const runId = run.id;
    for (;;) {
      if (run.status === 'running') {
        const effects = await this._execute(run, signal);
        if (effects.run.status !== 'waiting_for_limit') return effects.run;
        run = effects.run;
      }
      this._notify();
      const resumeAt = Date.parse(run.resumeAt ?? this._clock.now().toISOString());
      const cancelled = await this._sleepUntil(resumeAt, signal, runId);
      if (cancelled) return this._cancelWaitingRun(runId);
      const again = await this._gate(this._clock.now());
      let took = false;
      let held = false;
      run = await this._db.write((tx) => {
        const current = tx.runs.require(runId);
        const waiting =
          current.status === 'waiting_for_limit' ||
          (current.status === 'queued' && current.waitReason !== null);
        if (!waiting) return current;
        const decision = again(tx, tx.jobs.require(current.jobId), current);
        if (!decision.start) {
          held = true;
          return holdRun(tx, current, decision.until, decision.reason);
        }
        took = true;
        return markRunning(tx, runId, this._clock.now(), this.owner);
      });
      if (held) continue;
      // Another scheduler (or this one's own tick) started it first: follow it to its end.
      if (!took) return this._followRun(runId, signal);
    }
  }

  /** The start gate for runs starting at `now` (budgets, smart start). */
  private async _gate(now: Date): Promise<StartGate> {
    let context: GateContext = {
      now,
      timeZone: defaultTimeZone(),
      smartStart: SMART_START_OFF,
      block: undefined,
    };
    if (this._deps.gateContext) {
      try {
        context = { ...(await this._deps.gateContext(now)), now };
      } catch (err) {
        this._deps.log(`scheduler: the start gate could not read the usage: ${(err as Error).message}`);
      }
    }
    return (tx, job) => checkStartGate(tx, job, context);
  }

  /**
   * Asks for a run to stop. A run this process executes is aborted at once; one owned by another
   * process gets `cancel_requested`, which its owner polls; one that is only queued or waiting
   * for a limit is cancelled here.
   */
  async cancelRun(runId: string): Promise<Run> {
    const local = this._running.get(runId);
    if (local) {
      local.abort.abort();
      await local.done;
      return this._db.read((tx) => tx.runs.require(runId));
    }
    return requestCancel(this._db, runId, this._clock.now());
  }

  private async _tickLoop(): Promise<void> {
    do {
      this._again = false;
      try {
        await this._tickOnce();
      } catch (err) {
        this._deps.log(`scheduler: tick failed: ${(err as Error).message}`);
      }
    } while (this._again && !this._stopped);
  }

  private async _tickOnce(): Promise<void> {
    const { settings } = this._deps;
    const now = this._clock.now();
    this._db.refresh();
    const idle = this._idle;
    if (
      idle &&
      idle.generation === this._db.generation &&
      (idle.nextEvent === null || now.getTime() < idle.nextEvent)
    ) {
      return;
    }
    this._idle = null;
    // Decide with a cheap read whether there is anything to write; idle ticks never take the lock.
    const { work, running } = this._db.read((tx) => {
      const quiet = isQuietMode(tx);
      return {
        work:
          findStaleRuns(tx, now, settings.staleAfterMs, this.owner).length > 0 ||
          (!quiet && tx.jobs.listDue(now.toISOString()).length > 0) ||
          (!quiet && !activeLimitHold(tx, now) && hasStartableRun(tx, now)),
        // Running runs age into stale ones with no change to the file: those ticks must look.
        running: tx.runs.list({ statuses: ['running'], limit: 1 }).length > 0,
      };
    });
    if (!work) {
      if (!running) {
        const next = this._readNextEvent(now);
        this._idle = { generation: this._db.generation, nextEvent: next === null ? null : Date.parse(next) };
      }
      return;
    }
    const gate = await this._gate(now);
    const started = await this._db.write((tx) => {
      recoverStaleRuns(tx, now, settings.staleAfterMs, this.owner);
      if (!isQuietMode(tx)) claimDueFires(tx, now, settings);
      const runs: Run[] = [];
      for (let run = startNextRun(tx, now, this.owner, settings.concurrency, gate); run;) {
        runs.push(run);
        run = startNextRun(tx, now, this.owner, settings.concurrency, gate);
      }
      return runs;
    });
    this._notify();
    // Stopped while the write was in flight: the runs it took are cancelled (cleanup runs) at once.
    const signal = AbortSignal.abort();
    for (const run of started) {
      void this._execute(run, this._stopRequested ? signal : new AbortController().signal).catch(
        () => undefined,
      );
    }
  }

  private _execute(run: Run, external: AbortSignal): Promise<OutcomeEffects> {
    const abort = new AbortController();
    const forward = () => abort.abort();
    external.addEventListener('abort', forward);
    if (external.aborted) abort.abort();
    const done = executeRun(this._deps, run, abort.signal)
      .then((effects) => {
        for (const listener of [...this._runEndListeners]) listener(effects.run);
        return effects;
      })
      .finally(() => {
        external.removeEventListener('abort', forward);
        this._running.delete(run.id);
        this._notify();
        this.poke();
      });
    this._running.set(run.id, { abort, done: done.catch(() => null) });
    return done;
  }

  private _armForNextEvent(): void {
    const now = this._clock.now();
    let next: number | null = null;
    try {
      const idle = this._idle;
      if (idle && idle.generation === this._db.generation) next = idle.nextEvent;
      else {
        const iso = this._readNextEvent(now);
        next = iso === null ? null : Date.parse(iso);
      }
    } catch (err) {
      this._deps.log(`scheduler: could not read the next event: ${(err as Error).message}`);
    }
    const delay = next === null ? MAX_TIMER_MS : next - now.getTime();
    this._arm(Math.min(Math.max(delay, 0), MAX_TIMER_MS));
  }

  /** The earliest instant something becomes due: a fire, a retry delay, a limit reset. */
  private _readNextEvent(now: Date): string | null {
    return this._db.read((tx) => {
      const candidates = [
        tx.jobs.earliestNextRunTime(),
        nextQueueWake(tx),
        activeLimitHold(tx, now)?.until ?? null,
      ];
      return candidates.filter((c): c is string => c !== null).sort()[0] ?? null;
    });
  }

  private _arm(delayMs: number): void {
    this._clock.clearTimeout(this._timer);
    this._timer = this._clock.setTimeout(() => void this.tick(), delayMs);
  }

  private _prune(): void {
    const retention = this._deps.retention;
    if (!retention || this._stopped) return;
    pruneRuns(this._db, retention, this._clock.now())
      .then((r) => r.runsDeleted > 0 && this._deps.log(`retention: pruned ${r.runsDeleted} old runs`))
      .catch((err: unknown) => this._deps.log(`retention: ${(err as Error).message}`));
    this._pruneTimer = this._clock.setTimeout(() => this._prune(), PRUNE_EVERY_MS);
  }

  private _notify(): void {
    for (const listener of [...this._listeners]) listener();
  }

  /** Waits until `at`, in steps of at most 30 s; true if cancelled meanwhile. */
  private async _sleepUntil(at: number, signal: AbortSignal, runId: string): Promise<boolean> {
    while (this._clock.now().getTime() < at) {
      if (signal.aborted || this._db.read((tx) => tx.runs.get(runId)?.cancelRequested)) return true;
      const step = Math.min(at - this._clock.now().getTime(), 1000);
      await new Promise<void>((resolve) => {
        const handle = this._clock.setTimeout(resolve, Math.max(step, 0));
        signal.addEventListener(
          'abort',
          () => {
            this._clock.clearTimeout(handle);
            resolve();
          },
          { once: true },
        );
      });
    }
    return signal.aborted;
  }

  private async _cancelWaitingRun(runId: string): Promise<Run> {
    const effects = await this._db.write((tx) =>
      recordOutcome(
        tx,
        runId,
        { status: 'cancelled', error: 'Cancelled while waiting for the usage limit to reset.' },
        this._clock.now(),
      ),
    );
    return effects.run;
  }

  private async _followRun(runId: string, signal: AbortSignal): Promise<Run> {
    for (;;) {
      const run = this._db.read((tx) => tx.runs.require(runId));
      if (FINAL_RUN_STATUSES.includes(run.status)) return run;
      if (signal.aborted) return requestCancel(this._db, runId, this._clock.now());
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Cancels a run that nobody is executing, or asks its owner to. */
export function requestCancel(db: NightPilotDatabase, runId: string, now: Date): Promise<Run> {
  return db.write((tx) => {
    const run = tx.runs.require(runId);
    if (run.status === 'queued' || run.status === 'waiting_for_limit') {
      return recordOutcome(tx, runId, { status: 'cancelled', error: 'Cancelled by request.' }, now).run;
    }
    if (run.status === 'running') return tx.runs.update(runId, { cancelRequested: true });
    return run;
  });
}
