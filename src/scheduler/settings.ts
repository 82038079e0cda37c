import type { SmartStartSettings } from './startGate';
import { SMART_START_OFF } from './startGate';

/** Everything the scheduler and executor can be told by the VS Code settings or the CLI. */
export interface SchedulerSettings {
  /** How many runs may execute at once over every process sharing the database. */
  concurrency: number;
  /** Upper bound on catch-up runs for jobs with the `run_all` missed-run policy. */
  missedRunLimit: number;
  /** Fires recorded one by one when many were missed; the rest are summarised. */
  maxRecordedFires: number;
  /** A fire handled later than this after its instant counts as missed. */
  graceMs: number;
  /** After a usage limit, resume the same Claude session (`--resume`) instead of starting over. */
  resumeSession: boolean;
  /** What a resumed session is told. */
  continuationPrompt: string;
  /** How long to wait when a usage limit gives no reset time. */
  fallbackWaitSeconds: number;
  /** Added to a limit's reset time before resuming, so we do not hit it again at the edge. */
  limitMarginSeconds: number;
  /** How often an owner refreshes the heartbeat of its running runs. */
  heartbeatMs: number;
  /** A running run whose heartbeat is older than this belonged to a process that died. */
  staleAfterMs: number;
  /** Time between SIGINT, SIGTERM and SIGKILL when a run is stopped. */
  killGraceMs: number;
  /** Explicit path to `claude` (setting or `--claude`), or null to search for it. */
  claudePath: string | null;
  /** Hold runs on the active 5-hour block's projection or its time left (off by default). */
  smartStart: SmartStartSettings;
}

export const DEFAULT_SCHEDULER_SETTINGS: SchedulerSettings = {
  concurrency: 1,
  missedRunLimit: 10,
  maxRecordedFires: 100,
  graceMs: 60_000,
  resumeSession: true,
  continuationPrompt: 'Continue where you left off.',
  fallbackWaitSeconds: 3600,
  limitMarginSeconds: 60,
  heartbeatMs: 15_000,
  staleAfterMs: 90_000,
  killGraceMs: 5_000,
  claudePath: null,
  smartStart: SMART_START_OFF,
};
