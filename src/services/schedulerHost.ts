import * as vscode from 'vscode';
import type { Run } from '../core/model';
import { createScheduler } from '../scheduler/createScheduler';
import type { CancelOptions } from '../scheduler/runCancel';
import type { RunNowResult, Scheduler } from '../scheduler/scheduler';
import type { SchedulerSettings } from '../scheduler/settings';
import type { NightPilotDatabase } from '../storage/database';
import type { RetentionPolicy } from '../storage/retention';
import type { Logger } from './logger';
import { levelledLog } from './logger';
import { readSmartStart } from './usageSettings';

/**
 * VS Code gives `deactivate` 5 s before the extension host exits. Runs get this long to stop
 * (Claude ended, cleanup run, outcome saved); the rest is left for the next scheduler (see
 * Scheduler.stop) and the database is closed within the 5 s.
 */
export const SHUTDOWN_DEADLINE_MS = 3_500;

/**
 * The scheduler settings as the user set them. The queue-wide ones are application-scoped in
 * package.json (a repository's .vscode/settings.json cannot change what every project's runs do),
 * the Claude path machine-scoped; VS Code ignores workspace values of both.
 */
export function readSchedulerSettings(): Partial<SchedulerSettings> {
  const c = vscode.workspace.getConfiguration('nightPilot');
  const claudePath = c.get<string>('claude.path', '').trim();
  return {
    concurrency: c.get<number>('scheduler.concurrency', 1),
    missedRunLimit: c.get<number>('scheduler.missedRunLimit', 10),
    resumeSession: c.get<boolean>('limits.resumeSession', true),
    continuationPrompt: c.get<string>('limits.continuationPrompt', 'Continue where you left off.'),
    fallbackWaitSeconds: c.get<number>('limits.fallbackWaitMinutes', 60) * 60,
    claudePath: claudePath === '' ? null : claudePath,
    smartStart: readSmartStart(),
  };
}

export function readRetention(): RetentionPolicy {
  const c = vscode.workspace.getConfiguration('nightPilot');
  return {
    maxAgeDays: c.get<number>('retention.maxAgeDays', 30),
    maxRunsPerJob: c.get<number>('retention.maxRunsPerJob', 200),
  };
}

/**
 * Runs the unified scheduler inside this window while `nightPilot.scheduler.enabled` is on and
 * the workspace is trusted (a job runs commands; Restricted Mode must not start them). Several
 * windows may run it at once: the database decides which one takes each fire.
 */
export class SchedulerHost implements vscode.Disposable {
  private readonly _scheduler: Scheduler;
  private readonly _disposables: vscode.Disposable[] = [];
  private _started = false;
  private _shutdown: Promise<void> | undefined;

  constructor(
    db: NightPilotDatabase,
    private readonly _log: Logger,
    onDidUpdate: () => void,
    usageCachePath?: string,
  ) {
    this._scheduler = createScheduler({
      db,
      settings: readSchedulerSettings(),
      retention: readRetention(),
      claudePathSource: 'setting',
      usageCachePath,
      log: levelledLog(this._log),
    });
    this._disposables.push(
      this._scheduler.onDidUpdate(onDidUpdate),
      this._scheduler.onDidEndRun((run) => this._logEnd(run)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('nightPilot')) return;
        // Live: the next run, the next prune, the next limit wait use the new values.
        this._scheduler.updateSettings(readSchedulerSettings(), readRetention());
        this._applyEnablement();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this._applyEnablement()),
    );
    this._applyEnablement();
  }

  get scheduler(): Scheduler {
    return this._scheduler;
  }

  /** Whether this window is running the scheduler's timer loop. */
  get started(): boolean {
    return this._started;
  }

  /** How this window cancels runs (its own are stopped at once, see Scheduler.cancelRun). */
  get cancelOptions(): CancelOptions {
    const { staleAfterMs, killGraceMs } = this._scheduler.settings;
    return { staleAfterMs, killGraceMs, now: () => new Date() };
  }

  /** Runs a job now in this window, whatever the enablement (the user asked for it explicitly). */
  runNow(jobId: string, signal: AbortSignal, onProgress?: (run: Run) => void): Promise<RunNowResult> {
    if (!vscode.workspace.isTrusted) {
      throw new Error(
        vscode.l10n.t(
          'Night Pilot does not run jobs in Restricted Mode. Trust this workspace to run them here.',
        ),
      );
    }
    return this._scheduler.runNow(jobId, signal, onProgress);
  }

  /**
   * The orderly stop (deactivation): runs in progress are cancelled, their cleanup phases run and
   * their outcomes saved, within SHUTDOWN_DEADLINE_MS. Called by `deactivate` and by dispose,
   * whichever comes first; both get the same promise.
   */
  shutdown(): Promise<void> {
    this._shutdown ??= (async () => {
      for (const d of this._disposables) d.dispose();
      this._started = false;
      await this._scheduler.stop({ deadlineMs: SHUTDOWN_DEADLINE_MS });
    })();
    return this._shutdown;
  }

  dispose(): void {
    void this.shutdown();
  }

  private _applyEnablement(): void {
    if (this._shutdown) return;
    const enabled = vscode.workspace.getConfiguration('nightPilot').get<boolean>('scheduler.enabled', true);
    const allowed = enabled && vscode.workspace.isTrusted;
    if (allowed && !this._started) {
      this._scheduler.start();
      this._started = true;
      this._log.info(`Scheduler started in this window (owner ${this._scheduler.owner}).`);
    } else if (!allowed && this._started) {
      this._started = false;
      void this._scheduler.stop().then(() => this._log.info('Scheduler stopped in this window.'));
    } else if (!allowed) {
      this._log.info(
        enabled
          ? 'Scheduler not started: this workspace is not trusted.'
          : 'Scheduler not started: nightPilot.scheduler.enabled is off.',
      );
    }
  }

  /** A run of this window ended or began waiting for a limit; failures are warnings in the log. */
  private _logEnd(run: Run): void {
    const line = `Run ${run.id} of job ${run.jobId}: ${run.status}${run.error ? ` (${run.error})` : ''}.`;
    if (run.status === 'failed') this._log.warn(line);
    else this._log.info(line);
  }
}
