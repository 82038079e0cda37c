import type { Run } from '../core/model';
import type { Disposable, NightPilotDatabase } from '../storage/database';
import { integrityCheckDue, lastGoodPath } from '../storage/integrityCheck';
import type { RetentionPolicy } from '../storage/retention';
import { pruneRuns } from '../storage/retention';
import { claimDueFires } from './claimFires';
import type { Clock } from './clock';
import type { ExecutorDeps } from './executor';
import { executeRun } from './executor';
import { activeLimitHold, isQuietMode } from './limitHold';
import type { LimitHold } from './limitHold';
import { ABANDONED_HEARTBEAT, newOwnerId } from './owner';
import { delay } from './processGroup';
import { cancelRun } from './runCancel';
import type { RunNowResult } from './runFollower';
import { claimManualRun, followRun } from './runFollower';
import type { OutcomeEffects } from './runOutcome';
import { checkPromptGate } from './promptGate';
import { ownedBy } from './runOutcome';
import { hasStartableRun, nextQueueWake, startNextRun, startRunIfAllowed, whyNotStartable } from './runQueue';
import type { StartGate } from './runQueue';
import { findAbandonedRuns, recoverAbandonedRuns, stopPhaseProcesses } from './runRecovery';
import { executorGit } from './executor';
import { findAbandonedWorktrees, recoverAbandonedWorktrees } from './worktreeRecovery';
import { REHEARSAL_DELAY_MS, REHEARSAL_MARGIN_MS, rehearseFire } from './fireRehearsal';
import type { SchedulerSettings } from './settings';
import type { GateContext } from './startGate';
import { SMART_START_OFF, checkStartGate } from './startGate';
import { defaultTimeZone } from '../core/timeZone';
import { errorMessage } from '../core/errorMessage';

/** The timer never sleeps longer than this, so suspend/resume and clock jumps are noticed soon. */
export const MAX_TIMER_MS = 30_000;
const PRUNE_EVERY_MS = 6 * 3600_000;
/** The background integrity check waits this long after start, and retries no more often. */
const INTEGRITY_CHECK_PAUSE_MS = 60_000;

export interface SchedulerDeps extends ExecutorDeps {
  retention?: RetentionPolicy;
  /**
   * What the start gate needs besides the database: the budgets' zone, smart start's settings and
   * the active 5-hour block. Default: this machine's zone, smart start off.
   */
  gateContext?: (now: Date) => Promise<Omit<GateContext, 'now'>>;
  /** Set in tests to tell two schedulers in one process apart. */
  owner?: string;
  /** How long after start (and between attempts) the idle integrity check waits; default 60 s. */
  integrityCheckPauseMs?: number;
}

/** The gate's context when nothing better is known: this machine's zone, smart start off. */
function defaultGateContext(now: Date): GateContext {
  return { now, timeZone: defaultTimeZone(), smartStart: SMART_START_OFF, block: undefined };
}

/** The prompt's review first: a budget hold would otherwise hide that the user must act. */
function startGate(context: GateContext): StartGate {
  return (tx, job) => {
    const prompt = checkPromptGate(tx, job, context.now);
    return prompt.start ? checkStartGate(tx, job, context) : prompt;
  };
}

/** What a status bar shows. */
export interface SchedulerStatus {
  nextFire: string | null;
  running: number;
  hold: LimitHold | null;
  quiet: boolean;
}

export interface StopOptions {
  /**
   * How long runs in progress get to stop (Claude ended, cleanup phases run, outcomes saved).
   * Whatever is still going then is left for the next scheduler: see `stop`. Default: no limit.
   */
  deadlineMs?: number;
}

export type { RunNowResult } from './runFollower';

/**
 * The one scheduler. Each tick computes due work from the database (never from in-memory
 * timers), recovers runs whose owner died, claims fires under the write lock, starts runs within
 * the global concurrency limit, and re-arms its timer for the earliest next event, at most 30 s
 * away. It is the only driver of a run's lifecycle: manual runs are queued and followed
 * (`runNow`), and every status change is a fenced transition (see runQueue, runOutcome).
 */
export class Scheduler {
  readonly owner: string;
  private _timer: unknown;
  private _pruneTimer: unknown;
  private _stopped = true;
  /** Set by stop(): a tick in flight must not leave runs going, followers cancel their runs. */
  private _stopRequested = false;
  /**
   * What the last idle tick found: nothing to do until `nextEvent` unless the database changes.
   * Lets idle ticks skip every query (and keep sql.js's WebAssembly cold) while nothing changes.
   */
  private _idle: { generation: number; nextEvent: number | null } | null = null;
  private _ticking: Promise<void> | null = null;
  private _again = false;
  private _integrityAttempt = Date.now();
  /** Whether this scheduler has rehearsed a fire, or started a real one (see _rehearseWhenIdle). */
  private _rehearsed = false;
  private _rehearsalTimer: unknown;
  private readonly _running = new Map<
    string,
    { abort: AbortController; done: Promise<OutcomeEffects | null> }
  >();
  /** The worktree recovery in progress (see _recoverWorktrees), or null. */
  private _worktreeRecovery: Promise<void> | null = null;
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

  /** The settings in force (see updateSettings). */
  get settings(): Readonly<SchedulerSettings> {
    return this._deps.settings;
  }

  /** The retention policy in force, if this scheduler prunes. */
  get retention(): Readonly<RetentionPolicy> | undefined {
    return this._deps.retention;
  }

  start(): void {
    if (!this._stopped) return;
    this._stopped = false;
    this._stopRequested = false;
    // A job added or changed by another process, or by this one (a command), is looked at at once.
    this._dbSubscriptions = [
      this._db.onDidChange(() => this.poke()),
      this._db.onDidWrite(() => this.poke()),
      // Damaged or deleted: nothing can be recorded any more, so nothing may keep running.
      this._db.onDidFail((err) => {
        this._deps.log(`scheduler: stopping: ${err.message}`, 'error');
        void this.stop();
      }),
    ];
    this._prune();
    this._forgetStaleHeartbeats();
    this._rehearsalTimer = this._clock.setTimeout(() => this._rehearseWhenIdle(), REHEARSAL_DELAY_MS);
    this.poke();
  }

  /**
   * Stops the timer and cancels this process's runs: Claude is stopped, cleanup phases run and the
   * outcomes are saved. Each run is first marked `cancel_requested`, so that if this process dies
   * before its cleanups end, the next scheduler records the run cancelled (not failed and retried).
   * With `deadlineMs`, runs still going when it passes have their processes killed and their
   * heartbeat cleared, and are left to the next scheduler, which recovers them at once (this
   * process is about to exit: VS Code's deactivation).
   */
  async stop(options: StopOptions = {}): Promise<void> {
    this._stopped = true;
    this._stopRequested = true;
    this._clock.clearTimeout(this._timer);
    this._clock.clearTimeout(this._pruneTimer);
    this._clock.clearTimeout(this._rehearsalTimer);
    for (const d of this._dbSubscriptions) d.dispose();
    this._dbSubscriptions = [];
    // A tick in the middle of its write may still start runs; they see the stop and cancel.
    await this._ticking;
    await this._markOwnRuns({ cancelRequested: true });
    for (const entry of this._running.values()) entry.abort.abort();
    if (options.deadlineMs === undefined) await this.idle();
    else {
      const ended = await Promise.race([
        this.idle().then(() => true),
        delay(options.deadlineMs).then(() => false),
      ]);
      if (!ended) await this._abandonOwnRuns();
    }
    // Its runs ended (or were handed to the next scheduler, which judges them by the database's
    // heartbeat from 1970): nothing needs its heartbeat file any more.
    if (this._running.size === 0) this._forgetHeartbeat();
    // Stopped: the loop stays off, but a later Run Job Now (the scheduler turned off in a window)
    // must still run.
    this._stopRequested = false;
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

  /**
   * Applies changed settings (and retention) at once; a run already going keeps what it started
   * with where it matters (its timeout, its continuation prompt once sent).
   */
  updateSettings(settings: Partial<SchedulerSettings>, retention?: RetentionPolicy): void {
    Object.assign(this._deps.settings, settings);
    if (retention !== undefined) {
      const changed = JSON.stringify(retention) !== JSON.stringify(this._deps.retention);
      this._deps.retention = retention;
      if (changed && !this._stopped) {
        this._clock.clearTimeout(this._pruneTimer);
        this._prune();
      }
    }
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
    while (this._running.size > 0 || this._worktreeRecovery !== null) {
      await Promise.all([...this._running.values()].map((e) => e.done));
      await this._worktreeRecovery;
    }
  }

  /**
   * "Run Job Now": queues a manual run of the job (unless it already has one going: `busy`) and
   * follows it to its end, a usage-limit wait included. The queue starts it (here, if no other
   * process does first) as soon as the concurrency limit allows. Aborting `signal` cancels it.
   */
  async runNow(jobId: string, signal: AbortSignal, onProgress?: (run: Run) => void): Promise<RunNowResult> {
    const claimed = await this._db.write((tx) => claimManualRun(tx, jobId, this._clock.now()));
    if (claimed.busy) return { kind: 'busy', run: claimed.run };
    this._notify();
    const host = {
      db: this._db,
      isStopping: () => this._stopRequested,
      tryStart: (runId: string) => this._tryStart(runId),
      cancel: (runId: string) => this.cancelRun(runId),
    };
    return followRun(host, claimed.run, signal, onProgress);
  }

  /** The start gate for runs starting at `now` (the prompt's review, budgets, smart start). */
  private async _gate(now: Date): Promise<StartGate> {
    if (!this._deps.gateContext) return startGate(defaultGateContext(now));
    try {
      return startGate({ ...(await this._deps.gateContext(now)), now });
    } catch (err) {
      this._deps.log(`scheduler: the start gate could not read the usage: ${errorMessage(err)}`, 'warn');
      return startGate(defaultGateContext(now));
    }
  }

  /**
   * A while after start (not while a window is starting up), when no tick is going and no event is
   * near: a fire rehearsed and rolled back, so that the first real one does not wait for sql.js's
   * code to compile (see fireRehearsal.ts). Tried again later while an event is near; not needed
   * once a run has started here (that compiled the code), nor in a database without jobs.
   */
  private _rehearseWhenIdle(): void {
    if (this._rehearsed || this._stopped) return;
    const now = this._clock.now();
    try {
      const busy = this._ticking !== null;
      const next = busy ? null : this._readNextEvent(now);
      if (busy || (next !== null && Date.parse(next) - now.getTime() < REHEARSAL_MARGIN_MS)) {
        this._rehearsalTimer = this._clock.setTimeout(() => this._rehearseWhenIdle(), REHEARSAL_DELAY_MS);
        return;
      }
      const at = next === null ? now : new Date(next);
      const gate = startGate(defaultGateContext(at));
      if (rehearseFire(this._db, at, this.owner, this._deps.settings, gate))
        this._deps.log(
          `scheduler: warmed up for the next fire (rehearsed it at ${at.toISOString()}; nothing was saved)`,
        );
    } catch (err) {
      // Only a head start is lost; a failing database shows itself on the next real access.
      this._deps.log(`scheduler: the fire rehearsal failed: ${errorMessage(err)}`, 'warn');
    }
    this._rehearsed = true;
  }

  /** Cancels a run, wherever it runs (see runCancel); a run of this process is stopped at once. */
  async cancelRun(runId: string): Promise<Run> {
    const run = await cancelRun(this._db, runId, {
      staleAfterMs: this._deps.settings.staleAfterMs,
      killGraceMs: this._deps.settings.killGraceMs,
      now: () => this._clock.now(),
    });
    // Ours: no need to wait for the executor's next look at the flag.
    this._running.get(runId)?.abort.abort();
    return run;
  }

  private async _tickLoop(): Promise<void> {
    do {
      this._again = false;
      try {
        await this._tickOnce();
      } catch (err) {
        this._deps.log(`scheduler: tick failed: ${errorMessage(err)}`, 'error');
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
      this._checkIntegrityWhenDue();
      return;
    }
    this._idle = null;
    // Decide with a cheap read whether there is anything to write; idle ticks never take the lock.
    const { work, running, abandoned, worktrees } = this._db.read((tx) => {
      const quiet = isQuietMode(tx);
      return {
        abandoned: findAbandonedRuns(tx, now, settings.staleAfterMs, this.owner, this._db.heartbeats),
        worktrees: findAbandonedWorktrees(tx, now, settings.staleAfterMs, this.owner, this._db.heartbeats)
          .length,
        work:
          (!quiet && tx.jobs.listDue(now.toISOString()).length > 0) ||
          (!quiet && !activeLimitHold(tx, now) && hasStartableRun(tx, now)),
        // Running runs of other hosts age into abandoned ones with no change to the file.
        running: tx.runs.list({ statuses: ['running'], limit: 1 }).length > 0,
      };
    });
    if (abandoned.length > 0) {
      for (const { run } of abandoned)
        this._deps.log(`scheduler: recovering run ${run.id} of ${run.owner ?? 'no owner'}`, 'warn');
      // Their processes are stopped before anything else: a retry never runs beside an orphan.
      await recoverAbandonedRuns(this._db, abandoned, settings.killGraceMs, () => this._clock.now());
    }
    if (abandoned.length > 0 || worktrees > 0) this._recoverWorktrees();
    if (!work && abandoned.length === 0) {
      if (!running) {
        const next = this._readNextEvent(now);
        this._idle = { generation: this._db.generation, nextEvent: next === null ? null : Date.parse(next) };
        this._checkIntegrityWhenDue();
      }
      return;
    }
    const gate = await this._gate(now);
    const started = await this._db.write((tx) => {
      if (!isQuietMode(tx)) claimDueFires(tx, now, settings);
      const runs: Run[] = [];
      for (let run = startNextRun(tx, now, this.owner, settings.concurrency, gate); run;) {
        runs.push(run);
        run = startNextRun(tx, now, this.owner, settings.concurrency, gate);
      }
      return runs;
    });
    this._notify();
    for (const run of started) this._launch(run);
  }

  /**
   * Settles the worktrees of runs whose process died (see worktreeRecovery.ts), in the background:
   * committing a large worktree must not delay a fire.
   */
  private _recoverWorktrees(): void {
    if (this._worktreeRecovery !== null) return;
    const { settings } = this._deps;
    const found = this._db.read((tx) =>
      findAbandonedWorktrees(tx, this._clock.now(), settings.staleAfterMs, this.owner, this._db.heartbeats),
    );
    if (found.length === 0) return;
    this._worktreeRecovery = recoverAbandonedWorktrees(
      this._db,
      executorGit(this._deps),
      this.owner,
      found,
      settings.killGraceMs,
    )
      .then((said) => said.forEach((line) => this._deps.log(`scheduler: ${line}`, 'warn')))
      .catch((err: unknown) => this._deps.log(`scheduler: worktree recovery: ${errorMessage(err)}`, 'error'))
      .finally(() => {
        this._worktreeRecovery = null;
        this._notify();
      });
  }

  /** The follower's pump: starts the run here if the queue allows it now (checked by a read first). */
  private async _tryStart(runId: string): Promise<void> {
    if (this._stopRequested) return;
    const concurrency = this._deps.settings.concurrency;
    if (this._db.read((tx) => whyNotStartable(tx, runId, this._clock.now(), concurrency)) !== null) return;
    const gate = await this._gate(this._clock.now());
    const started = await this._db.write((tx) =>
      startRunIfAllowed(tx, runId, this._clock.now(), this.owner, concurrency, gate),
    );
    if (typeof started === 'string') return;
    this._notify();
    this._launch(started);
  }

  /** Executes a run this scheduler just started; stopped already: it is cancelled at once. */
  private _launch(run: Run): void {
    this._rehearsed = true;
    const abort = new AbortController();
    if (this._stopRequested) abort.abort();
    const done = executeRun(this._deps, run, abort.signal)
      .then((effects) => {
        if (effects !== null) for (const listener of [...this._runEndListeners]) listener(effects.run);
        return effects;
      })
      .catch((err: unknown) => {
        this._deps.log(`run ${run.id}: could not be recorded: ${errorMessage(err)}`, 'error');
        return null;
      })
      .finally(() => {
        this._running.delete(run.id);
        this._notify();
        this.poke();
      });
    this._running.set(run.id, { abort, done });
  }

  /** Sets `patch` on the runs this process executes, as long as they are still its own. */
  private async _markOwnRuns(patch: { cancelRequested?: boolean; heartbeatAt?: string }): Promise<string[]> {
    const ids = [...this._running.keys()];
    if (ids.length === 0) return [];
    try {
      return await this._db.write((tx) =>
        ids.filter((id) => tx.runs.transition(id, ownedBy(this.owner), patch) !== null),
      );
    } catch (err) {
      this._deps.log(`scheduler: could not mark its runs (${errorMessage(err)})`, 'error');
      return [];
    }
  }

  /**
   * The deadline passed with runs still stopping: their processes are killed, and their heartbeat
   * cleared so that a scheduler on any host recovers them at once (as cancelled, see stop()).
   */
  private async _abandonOwnRuns(): Promise<void> {
    const ids = await this._markOwnRuns({ heartbeatAt: ABANDONED_HEARTBEAT });
    try {
      const phases = this._db.read((tx) =>
        ids.flatMap((id) => tx.processes.listByRun(id).filter((p) => p.status === 'running')),
      );
      await stopPhaseProcesses(phases, 0);
    } catch {
      // The database is failing: nothing recorded to look up.
    }
    this._deps.log(
      `scheduler: left ${ids.length} run(s) to the next scheduler: they did not stop in time`,
      'warn',
    );
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
      this._deps.log(`scheduler: could not read the next event: ${errorMessage(err)}`, 'error');
    }
    const delayMs = next === null ? MAX_TIMER_MS : next - now.getTime();
    this._arm(Math.min(Math.max(delayMs, 0), MAX_TIMER_MS));
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
      .catch((err: unknown) => this._deps.log(`retention: ${errorMessage(err)}`, 'error'));
    this._pruneTimer = this._clock.setTimeout(() => this._prune(), PRUNE_EVERY_MS);
  }

  /**
   * When idle, at most once a day over every process on the file (the last-good copy's age says
   * when it was last done): `PRAGMA quick_check`, and a fresh last-good copy when the file is
   * sound. Wall-clock throttled: never in the first minute, never more often than a minute apart.
   */
  private _checkIntegrityWhenDue(): void {
    if (this._running.size > 0 || this._stopRequested) return;
    const wall = Date.now();
    if (wall - this._integrityAttempt < (this._deps.integrityCheckPauseMs ?? INTEGRITY_CHECK_PAUSE_MS))
      return;
    this._integrityAttempt = wall;
    if (!integrityCheckDue(this._db.path, new Date(wall))) return;
    try {
      this._db.quickCheck(lastGoodPath(this._db.path));
      this._deps.log(`storage: checked ${this._db.path} (quick_check ok) and kept a last-good copy`);
    } catch (err) {
      // A damaged file fails the database: onDidFail stops this scheduler and tells the user.
      this._deps.log(`storage: integrity check: ${errorMessage(err)}`, 'error');
    }
  }

  private _forgetStaleHeartbeats(): void {
    try {
      this._db.heartbeats.removeForgotten(this._clock.now());
    } catch {
      // Housekeeping only.
    }
  }

  private _forgetHeartbeat(): void {
    try {
      this._db.heartbeats.remove(this.owner);
    } catch {
      // Housekeeping only: a leftover file is removed within a week.
    }
  }

  private _notify(): void {
    for (const listener of [...this._listeners]) listener();
  }
}
