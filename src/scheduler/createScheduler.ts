import os from 'node:os';
import { defaultTimeZone } from '../core/timeZone';
import { ActiveBlockSource } from '../usage/activeBlockSource';
import { claudeConfigCandidates } from '../usage/transcriptFiles';
import type { NightPilotDatabase } from '../storage/database';
import type { RetentionPolicy } from '../storage/retention';
import { locateClaude } from './claudeLocator';
import { systemClock } from './clock';
import { runSupervisedProcess } from './processSupervisor';
import { Scheduler } from './scheduler';
import type { SchedulerSettings } from './settings';
import { DEFAULT_SCHEDULER_SETTINGS } from './settings';
import type { LogFn } from '../core/log';

export interface SchedulerOptions {
  db: NightPilotDatabase;
  settings?: Partial<SchedulerSettings>;
  retention?: RetentionPolicy;
  /** Where the explicit `claudePath` came from, for the messages that name it. */
  claudePathSource?: 'setting' | 'flag';
  env?: NodeJS.ProcessEnv;
  /** Where the transcript cache lives (smart start reads Claude Code's transcripts). */
  usageCachePath?: string;
  log: LogFn;
}

/**
 * The scheduler as the extension and the CLI run it: the real clock, real processes, the Claude
 * CLI looked up for every run (setting or `--claude`, `$NIGHT_PILOT_CLAUDE`, PATH, the usual
 * install folders), the machine's time zone for limit resets printed without one.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const settings = { ...DEFAULT_SCHEDULER_SETTINGS, ...options.settings };
  const env = options.env ?? process.env;
  let blocks: ActiveBlockSource | undefined;
  return new Scheduler({
    db: options.db,
    clock: systemClock,
    runner: runSupervisedProcess,
    settings,
    retention: options.retention,
    locateClaude: () =>
      locateClaude({
        configured: settings.claudePath,
        configuredSource: options.claudePathSource ?? 'flag',
        env,
        homeDir: os.homedir(),
        platform: process.platform,
      }),
    baseEnv: env,
    defaultZone: defaultTimeZone(),
    log: options.log,
    gateContext: async (now) => {
      const smartStart = settings.smartStart;
      const on = smartStart.maxProjectedCostUsd !== null || smartStart.minMinutesBeforeReset !== null;
      blocks ??= on ? new ActiveBlockSource(claudeConfigCandidates(env), options.usageCachePath) : undefined;
      return {
        timeZone: defaultTimeZone(),
        smartStart,
        block: on && blocks ? await blocks.at(now) : undefined,
      };
    },
  });
}
