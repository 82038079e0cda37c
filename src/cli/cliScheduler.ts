// The scheduler as the CLI builds it: `--claude` (else $NIGHT_PILOT_CLAUDE, PATH, the usual
// install folders) and the CLI's own environment, which Claude and the phase commands inherit.

import path from 'node:path';
import { createScheduler } from '../scheduler/createScheduler';
import { TRANSCRIPT_CACHE_FILE } from '../usage/usageQuery';
import type { CancelOptions } from '../scheduler/runCancel';
import type { Scheduler } from '../scheduler/scheduler';
import type { SchedulerSettings } from '../scheduler/settings';
import { DEFAULT_SCHEDULER_SETTINGS } from '../scheduler/settings';
import type { NightPilotDatabase } from '../storage/database';
import type { CommandContext } from './context';

/**
 * `--claude PATH` as the locator needs it: a relative path is relative to the CLI's working
 * folder (which in tests is not the process's); a bare name means PATH and `~/...` the home
 * folder, both left to the locator.
 */
export function claudePathOption(ctx: CommandContext): string | null {
  const given = ctx.globals.claudePath;
  if (given === null || given.startsWith('~') || !/[/\\]/.test(given)) return given;
  return path.resolve(ctx.io.cwd, given);
}

/** A scheduler over `db` for this invocation; `log` gets its diagnostics. */
export function cliScheduler(
  ctx: CommandContext,
  db: NightPilotDatabase,
  settings: Partial<SchedulerSettings>,
  log: (message: string) => void,
): Scheduler {
  return createScheduler({
    db,
    settings: { ...settings, claudePath: claudePathOption(ctx) },
    // The same defaults as the extension's settings: a long-running CLI scheduler prunes too.
    retention: { maxAgeDays: 30, maxRunsPerJob: 200 },
    claudePathSource: 'flag',
    env: ctx.io.env,
    usageCachePath: path.join(path.dirname(db.path), TRANSCRIPT_CACHE_FILE),
    log,
  });
}

/** How the CLI cancels runs of other processes (`run cancel`, `job remove --force`). */
export function cancelOptions(ctx: CommandContext): CancelOptions {
  return {
    staleAfterMs: DEFAULT_SCHEDULER_SETTINGS.staleAfterMs,
    killGraceMs: DEFAULT_SCHEDULER_SETTINGS.killGraceMs,
    now: () => ctx.now(),
  };
}
