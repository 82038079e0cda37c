// Bytes written to disk per run, with 10,000 runs stored: real runs of a 4-phase job (setup,
// Claude, validation, cleanup) through the real scheduler and executor, the fake Claude, in a
// fresh process so that /proc/self/io counts nothing but them (the storage bench's bundle run
// again with --child=run-bytes).
//
// A 10-minute run beats its heartbeat 40 times (every 15 s). Waiting 10 minutes per run would make
// the bench an hour long, so Claude runs 1 s and the heartbeat is every 25 ms: the same 40 beats.

import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/scheduler/clock';
import { runSupervisedProcess } from '../src/scheduler/processSupervisor';
import { Scheduler } from '../src/scheduler/scheduler';
import { DEFAULT_SCHEDULER_SETTINGS } from '../src/scheduler/settings';
import { NightPilotDatabase } from '../src/storage/database';
import { MIN_CHECKPOINT_BYTES } from '../src/storage/databaseFiles';
import { logPathOf } from '../src/storage/pageLog';
import { ROOT } from './benchSupport';
import { kib, line, mib, processIo } from './benchStats';

const FAKE_CLAUDE = path.join(ROOT, 'test/fixtures/fakeClaude.mjs');
const CLAUDE_MS = 1_000;
const HEARTBEATS_PER_RUN = (10 * 60) / 15;

export interface RunBytes {
  runs: number;
  writesPerRun: number;
  heartbeatsPerRun: number;
  /** Bytes the page log grew by, per run. */
  logBytesPerRun: number;
  /** /proc/self/io over the runs, per run: bytes handed to write calls, bytes sent to the disk. */
  wcharPerRun: number;
  writeBytesPerRun: number;
  /** One checkpoint at the end: what it wrote (write_bytes) and how long it took. */
  checkpointWriteBytes: number;
  checkpointMs: number;
  baseBytes: number;
  /** The log size at which writes fold it into the file (databaseFiles.ts). */
  checkpointBound: number;
  secondsPerRun: number;
}

const fileSize = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

export async function runBytesChild(dbPath: string, runs: number): Promise<void> {
  // The measured runs decide nothing about checkpoints: one is measured on its own at the end.
  const db = await NightPilotDatabase.open(dbPath, { checkpointDelayMs: 24 * 3600_000 });
  const job = await db.write((tx) => {
    const prompt = tx.prompts.insert({ title: 'Four phases', content: 'Review the open pull requests.' });
    return tx.jobs.insert({
      name: 'four phases',
      promptId: prompt.id,
      cronExpression: '0 3 1 1 *',
      timezone: 'UTC',
      options: {
        setupCommand: 'true',
        validationCommand: 'true',
        cleanupCommand: 'true',
        env: { FAKE_CLAUDE_DELAY_MS: String(CLAUDE_MS) },
      },
    });
  });
  let beats = 0;
  const beat = db.heartbeats.beat.bind(db.heartbeats);
  db.heartbeats.beat = (owner, at) => {
    beats++;
    beat(owner, at);
  };
  let writes = 0;
  db.onDidWrite(() => writes++);
  const scheduler = new Scheduler({
    db,
    clock: systemClock,
    runner: runSupervisedProcess,
    settings: { ...DEFAULT_SCHEDULER_SETTINGS, heartbeatMs: CLAUDE_MS / HEARTBEATS_PER_RUN },
    locateClaude: () => Promise.resolve({ found: true, path: FAKE_CLAUDE, source: 'flag' }),
    baseEnv: { ...process.env, FAKE_CLAUDE_MODE: 'success' },
    defaultZone: 'UTC',
    log: () => undefined,
  });
  const logBefore = fileSize(logPathOf(db.path));
  const ioBefore = processIo();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const result = await scheduler.runNow(job.id, new AbortController().signal);
    if (result.kind !== 'ended' || result.run.status !== 'succeeded')
      throw new Error(`run ${i} did not succeed: ${JSON.stringify(result)}`);
  }
  const elapsed = performance.now() - t0;
  await scheduler.stop();
  const ioAfter = processIo();
  const logAfter = fileSize(logPathOf(db.path));
  const baseBytes = fileSize(db.path);
  const c0 = processIo();
  const t1 = performance.now();
  await db.checkpoint();
  const checkpointMs = performance.now() - t1;
  const c1 = processIo();
  db.close();
  const per = (a: number | undefined, b: number | undefined) => ((b ?? NaN) - (a ?? NaN)) / runs;
  const result: RunBytes = {
    runs,
    writesPerRun: writes / runs,
    heartbeatsPerRun: beats / runs,
    logBytesPerRun: (logAfter - logBefore) / runs,
    wcharPerRun: per(ioBefore?.wchar, ioAfter?.wchar),
    writeBytesPerRun: per(ioBefore?.writeBytes, ioAfter?.writeBytes),
    checkpointWriteBytes: (c1?.writeBytes ?? NaN) - (c0?.writeBytes ?? NaN),
    checkpointMs,
    baseBytes,
    checkpointBound: Math.max(MIN_CHECKPOINT_BYTES, baseBytes / 2),
    secondsPerRun: elapsed / 1000 / runs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Bytes per run, checkpoints included: each writes the whole file once per `bound` of log. */
export function bytesPerRun(r: RunBytes): number {
  return r.writeBytesPerRun + r.checkpointWriteBytes * (r.logBytesPerRun / r.checkpointBound);
}

export function printRunBytes(r: RunBytes, stored: number): void {
  console.log(
    `\n  bytes written per run with ${stored.toLocaleString('en-US')} runs stored: ${r.runs} runs of a 4-phase job ` +
      `(setup, Claude ${CLAUDE_MS / 1000} s, validation, cleanup), ${r.heartbeatsPerRun.toFixed(0)} heartbeats each ` +
      `(a 10-minute run), ${r.secondsPerRun.toFixed(1)} s per run:`,
  );
  console.log(line('database writes per run', r.writesPerRun.toFixed(1)));
  console.log(line('page log growth per run', kib(r.logBytesPerRun)));
  console.log(line('/proc/self/io wchar per run (write calls, all files)', kib(r.wcharPerRun)));
  console.log(line('/proc/self/io write_bytes per run (to the disk)', kib(r.writeBytesPerRun)));
  console.log(
    line(
      'a checkpoint: write_bytes, time',
      `${mib(r.checkpointWriteBytes)}, ${r.checkpointMs.toFixed(1)} ms`,
    ),
  );
  const runsPerCheckpoint = r.checkpointBound / r.logBytesPerRun;
  console.log(
    line(
      '  one every (log bound / log growth per run)',
      `${mib(r.checkpointBound)} / ${kib(r.logBytesPerRun)} = ${runsPerCheckpoint.toFixed(0)} runs`,
    ),
  );
  console.log(line('per run, its share of a checkpoint included', kib(bytesPerRun(r))));
  console.log(
    line(
      'for comparison: a whole-file save per write and heartbeat',
      `${mib((r.writesPerRun + HEARTBEATS_PER_RUN) * r.baseBytes)} (${(r.writesPerRun + HEARTBEATS_PER_RUN).toFixed(0)} x ${mib(r.baseBytes)}, before the page log)`,
    ),
  );
}
