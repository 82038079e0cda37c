import fs from 'node:fs';
import path from 'node:path';
import { nextFireTime } from '../../src/core/cron';
import type { Job, Run } from '../../src/core/model';
import type { NewJob } from '../../src/storage/jobRepository';
import { NightPilotDatabase } from '../../src/storage/database';
import type { Clock } from '../../src/scheduler/clock';
import { runSupervisedProcess } from '../../src/scheduler/processSupervisor';
import { Scheduler } from '../../src/scheduler/scheduler';
import type { SchedulerDeps } from '../../src/scheduler/scheduler';
import type { SchedulerSettings } from '../../src/scheduler/settings';
import { DEFAULT_SCHEDULER_SETTINGS } from '../../src/scheduler/settings';
import { CLAUDE_BIN, claudeTestEnv } from '../fixtures/claudeEnv';
import { startFakeAnthropicApi } from '../fixtures/fakeAnthropicApi';
import type { FakeApi } from '../fixtures/fakeAnthropicApi';
import { useTempDir } from './storageHelpers';

export const FAKE_CLAUDE = path.resolve(__dirname, '../fixtures/fakeClaude.mjs');

/** A clock tests move by hand; timers fire only when the test advances past them. */
export class ManualClock implements Clock {
  private _timers = new Map<number, { at: number; fn: () => void }>();
  private _next = 1;
  constructor(private _now: number) {}

  now(): Date {
    return new Date(this._now);
  }
  set(iso: string | number): void {
    this._now = typeof iso === 'number' ? iso : Date.parse(iso);
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this._next++;
    this._timers.set(id, { at: this._now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this._timers.delete(handle as number);
  }
  /** Moves time forward and fires the timers that came due, in order. */
  advance(ms: number): void {
    const target = this._now + ms;
    for (;;) {
      const due = [...this._timers.entries()]
        .filter(([, t]) => t.at <= target)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this._timers.delete(due[0]);
      this._now = Math.max(this._now, due[1].at);
      due[1].fn();
    }
    this._now = target;
  }
}

export interface Harness {
  db: NightPilotDatabase;
  clock: ManualClock;
  scheduler: Scheduler;
  record: string;
  log: string[];
  addJob(fields: Partial<NewJob> & { cron: string }): Promise<Job>;
  records(): Array<{ mode: string; argv: string[]; stdin: string }>;
}

/**
 * A scheduler over a real database file and real processes (the fake `claude` executable), with
 * a manual clock.
 */
export interface HarnessOptions {
  /** Added to this process's environment for the fake (FAKE_CLAUDE_MODE and friends). */
  env?: Record<string, string>;
  settings?: Partial<SchedulerSettings>;
  /** Another `claude` (the real pinned CLI) and the whole environment it runs with. */
  claude?: { path: string; env: NodeJS.ProcessEnv };
  /** The start gate's zone, smart start settings and active block (see startGate.ts). */
  gateContext?: SchedulerDeps['gateContext'];
  /** The scheduler's pause before its idle integrity check (default 60 s). */
  integrityCheckPauseMs?: number;
}

export async function createHarness(
  dir: string,
  start: string,
  options: HarnessOptions = {},
): Promise<Harness> {
  const clock = new ManualClock(Date.parse(start));
  const dbPath = path.join(dir, 'claude-night-pilot.db');
  const db = await NightPilotDatabase.open(dbPath, { clock: () => clock.now() });
  const record = path.join(dir, 'claude-calls.jsonl');
  const log: string[] = [];
  const scheduler = new Scheduler({
    db,
    clock,
    runner: runSupervisedProcess,
    settings: { ...DEFAULT_SCHEDULER_SETTINGS, killGraceMs: 300, ...options.settings },
    locateClaude: () =>
      Promise.resolve({ found: true, path: options.claude?.path ?? FAKE_CLAUDE, source: 'flag' }),
    baseEnv: options.claude?.env ?? { ...process.env, FAKE_CLAUDE_RECORD: record, ...options.env },
    defaultZone: 'UTC',
    // Information as it is; warnings and errors with their level, as the extension's log shows them.
    log: (m, level = 'info') => log.push(level === 'info' ? m : `[${level}] ${m}`),
    gateContext: options.gateContext,
    integrityCheckPauseMs: options.integrityCheckPauseMs,
  });
  return {
    db,
    clock,
    scheduler,
    record,
    log,
    addJob: ({ cron, ...fields }) =>
      db.write((tx) => {
        const prompt = tx.prompts.insert({
          title: fields.name ?? 'job',
          content: `Prompt for ${fields.name ?? 'job'}`,
        });
        return tx.jobs.insert({
          name: 'job',
          timezone: 'UTC',
          ...fields,
          promptId: prompt.id,
          cronExpression: cron,
          nextRunTime:
            fields.nextRunTime !== undefined
              ? fields.nextRunTime
              : (nextFireTime(cron, clock.now(), fields.timezone ?? 'UTC')?.toISOString() ?? null),
        });
      }),
    records: () =>
      fs.existsSync(record)
        ? fs
            .readFileSync(record, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as { mode: string; argv: string[]; stdin: string })
        : [],
  };
}

/** Ticks and waits for every run the tick started to end. */
export async function tickAndSettle(h: Harness): Promise<void> {
  await h.scheduler.tick();
  await h.scheduler.idle();
}

/** The runs of one job (or of all jobs), in the order they were scheduled and then retried. */
export function runsOf(h: Harness, jobId?: string): Run[] {
  return h.db
    .read((tx) => tx.runs.list(jobId ? { jobId } : {}))
    .sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor) || a.attempt - b.attempt);
}

/** Stops the harness's scheduler (and with it any run still going) and closes its database. */
export async function disposeHarness(h: Harness): Promise<void> {
  await h.scheduler.stop();
  h.db.close();
}

/** A fresh temp folder for each test and the harnesses made in it, all gone after the test. */
export interface HarnessFixture {
  /** This test's temp folder; the harness's database and call record live in it. */
  readonly dir: string;
  /** A harness over this test's folder; disposed with the folder after the test. */
  create(start: string, options?: HarnessOptions): Promise<Harness>;
}

/**
 * Registers mocha beforeEach/afterEach hooks in the calling `describe`: each test gets a new temp
 * folder, and every harness it creates is stopped and closed before the folder is removed, so no
 * scheduler outlives its test even when the test fails.
 */
export function useHarness(prefix?: string): HarnessFixture {
  let harnesses: Harness[] = [];
  const tmp = useTempDir(prefix, async () => {
    const made = harnesses;
    harnesses = [];
    for (const h of made) await disposeHarness(h);
  });
  return {
    get dir() {
      return tmp.dir;
    },
    async create(start, options) {
      const h = await createHarness(tmp.dir, start, options);
      harnesses.push(h);
      return h;
    },
  };
}

/** A HarnessFixture whose Claude is the REAL pinned CLI, talking to a fake Messages API per test. */
export interface RealClaudeFixture extends HarnessFixture {
  /** This test's fake API (started before the test, closed after it). */
  readonly api: FakeApi;
  /** A harness over this test's folder running the real CLI, authenticated as `auth` (or not). */
  createReal(
    auth: 'apiKey' | 'oauth' | 'none',
    start?: string,
    settings?: Partial<SchedulerSettings>,
  ): Promise<Harness>;
}

/** {@link useHarness} with the real Claude Code CLI against a fake API on 127.0.0.1 for each test. */
export function useRealClaudeHarness(prefix?: string): RealClaudeFixture {
  const fixture = useHarness(prefix);
  let api: FakeApi | undefined;
  beforeEach(async () => {
    api = await startFakeAnthropicApi();
  });
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  const current = () => {
    if (!api) throw new Error('useRealClaudeHarness: the fake API exists only while a test runs');
    return api;
  };
  return {
    get dir() {
      return fixture.dir;
    },
    get api() {
      return current();
    },
    create: (start, options) => fixture.create(start, options),
    createReal: (auth, start = '2026-11-27T10:00:00.000Z', settings = {}) => {
      const home = path.join(fixture.dir, 'home');
      fs.mkdirSync(home, { recursive: true });
      return fixture.create(start, {
        claude: { path: CLAUDE_BIN, env: claudeTestEnv(current(), { auth, home }) },
        settings,
      });
    },
  };
}
