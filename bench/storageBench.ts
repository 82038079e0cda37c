// Storage benchmark (run by `npm run bench`; see bench/README.md). Prints figures, asserts nothing.
//
// What it answers: whether the cost of a write grows with the history (a durable write at 0,
// 1,000 and 10,000 runs, against the floor of writing and syncing the same bytes), how many bytes
// a run writes to the disk with 10,000 runs stored, and how long a fresh process takes to open
// the 10,000-run database and answer its first query, against sql.js's own start.
//
// Cold open and the bytes of a run are measured in fresh child processes (this file again, with
// `--child=...`): sql.js initialises once per process, and /proc/self/io counts a whole process.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Database } from 'sql.js';
import { NightPilotDatabase } from '../src/storage/database';
import { checkpointUrgency } from '../src/storage/databaseFiles';
import { openDiskImage } from '../src/storage/diskSnapshot';
import { acquireFileLock } from '../src/storage/fileLock';
import type { FileImage } from '../src/storage/fileImage';
import { JobRepository } from '../src/storage/jobRepository';
import { logPathOf } from '../src/storage/pageLog';
import { Sql } from '../src/storage/sql';
import { loadSqlJs } from '../src/storage/sqlJs';
import { BENCH_JOBS, createJobs, populateRuns } from './benchPopulation';
import { QUICK, ROOT, bundleSelf } from './benchSupport';
import { LABEL, kib, line, median, mib, ms, pad, row, target, time, timeAsync } from './benchStats';
import type { ColdOpenResult, OpenCase } from './storageColdOpen';
import {
  coldFloorChild,
  coldOpenChild,
  coldOpenPartsChild,
  coldSameSqlFloorChild,
  measureColdOpens,
  printColdOpens,
  writeSchemaAndJobs,
} from './storageColdOpen';
import type { RunBytes } from './storageRunBytes';
import { bytesPerRun, printRunBytes, runBytesChild } from './storageRunBytes';
import { spawnSync } from 'node:child_process';

const ITERATIONS = QUICK ? 10 : 30;
const WARMUP = 3;
/** Fresh processes per case: a cold open's wall time varies by a third from one process to the next here. */
const COLD_OPENS = QUICK ? 5 : 25;
const RUN_STEPS = [0, 1_000, 10_000] as const;
const RUN_BYTES_RUNS = QUICK ? 3 : 8;

const TARGET_WRITE_GROWTH = 1.5;
const TARGET_OPEN_RATIO = 1.5;
const TARGET_RUN_BYTES = 2_000_000;

// ---------------------------------------------------------------------------------------------
// The measured operations

const fileSize = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

/** The floor of appending `bytes` durably: a write at the end of a file, then fdatasync. */
function rawAppend(fd: number, bytes: Uint8Array): void {
  const at = fs.fstatSync(fd).size;
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, at + done);
  fs.fdatasyncSync(fd);
}

/** What a save cost before the page log: the whole file to a temp file, fsync, rename, folder fsync. */
function rawWholeFile(dir: string, bytes: Uint8Array): void {
  const temp = path.join(dir, 'raw.tmp');
  const fd = fs.openSync(temp, 'w', 0o600);
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(temp, path.join(dir, 'raw.bin'));
  const folder = fs.openSync(dir, 'r');
  fs.fsyncSync(folder);
  fs.closeSync(folder);
}

interface WriteFigures {
  runs: number;
  size: number;
  dbWrite: number[];
  appended: number[];
  rawAppend: number[];
  rawWhole: number[];
  lock: number[];
  reloadCheck: number[];
  transaction: number[];
}

/**
 * Interleaves every measured operation in each iteration (rotating which goes first), so machine
 * noise lands on the database write and its raw baselines alike.
 */
async function measureWrites(
  db: NightPilotDatabase,
  dir: string,
  jobId: string,
  runs: number,
): Promise<WriteFigures> {
  const SQL = await loadSqlJs();
  // A private copy for the transaction timed alone, opened the way the database opens its files.
  const scratch = path.join(dir, 'scratch', 'copy.db');
  fs.mkdirSync(path.dirname(scratch), { recursive: true });
  fs.copyFileSync(db.path, scratch);
  if (fs.existsSync(logPathOf(db.path))) fs.copyFileSync(logPathOf(db.path), logPathOf(scratch));
  const copyImage: FileImage = openDiskImage(scratch, true)!.image;
  const copy: Database = new SQL.Database(copyImage.sqlJsInput());
  if (!copyImage.adopted) throw new Error('sql.js did not take the file image');
  const copyJobs = new JobRepository(new Sql(copy), () => new Date().toISOString());
  const whole = new Uint8Array(fs.readFileSync(db.path));
  const appendFd = fs.openSync(path.join(dir, 'scratch', 'append.bin'), 'w+');
  const log = logPathOf(db.path);
  const f: WriteFigures = {
    runs,
    size: whole.length + fileSize(log),
    dbWrite: [],
    appended: [],
    rawAppend: [],
    rawWhole: [],
    lock: [],
    reloadCheck: [],
    transaction: [],
  };
  let lastAppended = new Uint8Array(8192);
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const keep = i >= WARMUP;
    const push = (list: number[], v: number) => keep && list.push(v);
    const dbStep = async () => {
      const before = fileSize(log);
      push(
        f.dbWrite,
        await timeAsync(() => db.write((tx) => tx.jobs.update(jobId, { name: `Nightly job ${i}` }))),
      );
      const grew = fileSize(log) - before;
      if (grew > 0) lastAppended = new Uint8Array(grew).fill(i);
      push(f.appended, grew);
    };
    const appendStep = async () =>
      push(
        f.rawAppend,
        time(() => rawAppend(appendFd, lastAppended)),
      );
    const wholeStep = async () =>
      push(
        f.rawWhole,
        time(() => rawWholeFile(path.join(dir, 'scratch'), whole)),
      );
    const steps = [dbStep, appendStep, wholeStep];
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!();
    push(f.lock, await timeAsync(async () => (await acquireFileLock(db.lockPath)).release()));
    push(
      f.reloadCheck,
      time(() => db.refresh()),
    );
    push(
      f.transaction,
      time(() => {
        copy.exec('BEGIN');
        copyJobs.update(jobId, { name: `Copy ${i}` });
        copy.exec('COMMIT');
      }),
    );
  }
  copy.close();
  copyImage.close();
  fs.closeSync(appendFd);
  fs.rmSync(path.join(dir, 'scratch'), { recursive: true, force: true });
  return f;
}

function printWrites(f: WriteFigures): void {
  console.log(`\n  ${f.runs.toLocaleString('en-US')} runs stored: database ${mib(f.size)} (file and log)`);
  console.log(row('db.write (one job update, full cycle)', f.dbWrite));
  console.log(line('  bytes it appended to the page log (median)', kib(median(f.appended))));
  console.log(row('raw: the same bytes appended to a file + fdatasync', f.rawAppend));
  console.log(
    line('ratio db.write / raw append (medians)', (median(f.dbWrite) / median(f.rawAppend)).toFixed(2)),
  );
  console.log('    where the time goes (each step timed alone, same iterations):');
  console.log(row('  lock acquire + release', f.lock));
  console.log(row('  has another process written? (two stats)', f.reloadCheck));
  console.log(row('  transaction (BEGIN, jobs.update, COMMIT)', f.transaction));
  const sum = median(f.lock) + median(f.reloadCheck) + median(f.transaction) + median(f.rawAppend);
  console.log(line('  sum of those and the raw append (medians)', ms(sum)));
  console.log('    for comparison:');
  console.log(row('  a save before the page log: the whole file, fsync, rename', f.rawWhole));
}

// ---------------------------------------------------------------------------------------------
// What the bytes are

/**
 * Bytes per run that each table, index and the free-text columns account for: each is removed
 * from its own VACUUMed copy and the shrink is measured (a table's figure includes its indexes).
 */
async function printSizeBreakdown(dbPath: string, runs: number): Promise<void> {
  const SQL = await loadSqlJs();
  const original = new Uint8Array(fs.readFileSync(dbPath));
  const sizeAfter = (sql: string | null): number => {
    const copy = new SQL.Database(new Uint8Array(original));
    try {
      if (sql !== null) copy.exec(sql);
      copy.exec('VACUUM');
      return copy.export().length;
    } finally {
      copy.close();
    }
  };
  const base = sizeAfter(null);
  const probe = new SQL.Database(new Uint8Array(original));
  const objects = (probe.exec(
    `SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name`,
  )[0]?.values ?? []) as [string, string][];
  probe.close();
  const parts: [string, number][] = objects
    .map(([type, name]): [string, number, string] => [
      `${type} ${name}${type === 'table' ? ' (+ its indexes)' : ''}`,
      base - sizeAfter(`PRAGMA foreign_keys = OFF; DROP ${type} ${name}`),
      type,
    ])
    .sort((a, b) => b[2].localeCompare(a[2]) || b[1] - a[1])
    .map(([label, bytes]) => [label, bytes]);
  parts.push([
    'of which process output_tail + log_file text',
    base - sizeAfter('UPDATE job_execution_processes SET output_tail = NULL, log_file = NULL'),
  ]);
  console.log(
    `\n  what the bytes are at ${runs.toLocaleString('en-US')} runs (VACUUMed: ${mib(base)}), bytes per run:`,
  );
  for (const [label, bytes] of parts) {
    if (bytes >= 4096)
      console.log(`    ${pad(label, LABEL)} ${String(Math.round(bytes / runs)).padStart(6)}`);
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * A temp folder, also removed when the process ends early (Ctrl-C, a closed output pipe), where
 * the `finally` blocks that normally remove it would not run.
 */
function benchDirectory(): string {
  const parent = process.env.NIGHT_PILOT_BENCH_DIR ?? os.tmpdir();
  const dir = fs.mkdtempSync(path.join(parent, 'night-pilot-storage-bench-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  if (process.listenerCount('SIGINT') === 0) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.once(signal, () => process.exit(130));
  }
  return dir;
}

/** A copy of the database (its file and log) at `to`. */
function copyDatabase(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  if (fs.existsSync(logPathOf(from))) fs.copyFileSync(logPathOf(from), logPathOf(to));
}

/**
 * Job updates until the page log is as long as it gets before a checkpoint folds it (the worst
 * case a cold open meets); the checkpoint that would follow is put off for the bench.
 */
async function fillLogToItsBound(file: string, jobIds: string[]): Promise<number> {
  const db = await NightPilotDatabase.open(file, { checkpointDelayMs: 24 * 3600_000 });
  try {
    let i = 0;
    while (checkpointUrgency(fileSize(logPathOf(file)), fileSize(file)) === 'none') {
      const id = jobIds[i % jobIds.length]!;
      await db.write((tx) => tx.jobs.update(id, { name: `Nightly job ${i}` }));
      i++;
    }
    return i;
  } finally {
    db.close();
  }
}

function runBytesInChild(bundle: string, dbPath: string): RunBytes {
  const child = spawnSync(process.execPath, [bundle, '--child=run-bytes', dbPath, String(RUN_BYTES_RUNS)], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, NIGHT_PILOT_BENCH_ROOT: ROOT },
    timeout: 600_000,
  });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !last.startsWith('{'))
    throw new Error(`the run-bytes child failed (exit ${child.status}): ${child.stderr || child.stdout}`);
  return JSON.parse(last) as RunBytes;
}

async function runStorageBench(): Promise<void> {
  const started = performance.now();
  const dir = benchDirectory();
  console.log(
    `storage bench${QUICK ? ' (quick)' : ''}: ${ITERATIONS} iterations per size after ${WARMUP} warm-up`,
  );
  console.log(
    `  folder ${dir}; ${BENCH_JOBS} jobs; per run 3 process rows with 200-byte output tails + 1 usage record`,
  );
  const dbPath = path.join(dir, 'claude-night-pilot.db');
  let db: NightPilotDatabase | undefined;
  try {
    db = await NightPilotDatabase.open(dbPath);
    const jobIds = await createJobs(db);
    const all: WriteFigures[] = [];
    let stored = 0;
    const bundle = await bundleSelf(__filename, path.join(dir, 'bundle'));
    const through = {
      boot: await bundleSelf(path.join(__dirname, 'coldOpenBoot.ts'), path.join(dir, 'bundle'), 'boot.cjs'),
      cacheDir: path.join(dir, 'code-cache'),
    };
    const emptyCopy = path.join(dir, 'empty', 'claude-night-pilot.db');
    for (const runs of RUN_STEPS) {
      const t = performance.now();
      stored = await populateRuns(db, jobIds, stored, runs);
      if (runs > 0)
        console.log(`\n  (populated to ${runs} runs in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
      if (runs === 0) copyDatabase(dbPath, emptyCopy);
      const figures = await measureWrites(db, dir, jobIds[0]!, runs);
      all.push(figures);
      printWrites(figures);
      if (runs === 1_000) await printSizeBreakdown(db.path, runs);
    }
    await db.checkpoint();
    db.close();
    db = undefined;

    console.log('\n  database size (file and log):');
    for (const f of all) console.log(line(`${f.runs.toLocaleString('en-US')} runs`, mib(f.size)));

    const runBytesCopy = path.join(dir, 'run-bytes', 'claude-night-pilot.db');
    copyDatabase(dbPath, runBytesCopy);
    const runBytes = runBytesInChild(bundle, runBytesCopy);
    printRunBytes(runBytes, stored);

    const atBound = path.join(dir, 'at-bound', 'claude-night-pilot.db');
    copyDatabase(dbPath, atBound);
    const filled = await fillLogToItsBound(atBound, jobIds);
    const cases: OpenCase[] = [
      {
        label: `${stored.toLocaleString('en-US')} runs, the page log at its bound (${filled} writes)`,
        path: atBound,
        size: fileSize(atBound) + fileSize(logPathOf(atBound)),
      },
      {
        label: `${stored.toLocaleString('en-US')} runs, just checkpointed`,
        path: dbPath,
        size: fileSize(dbPath),
      },
      {
        label: `0 runs (${BENCH_JOBS} jobs)`,
        path: emptyCopy,
        size: fileSize(emptyCopy) + fileSize(logPathOf(emptyCopy)),
      },
    ];
    const schemaAndJobs = path.join(dir, 'schema-and-jobs.db');
    await writeSchemaAndJobs(dbPath, schemaAndJobs);
    const { results, floors, sameSqlFloors } = measureColdOpens(
      bundle,
      through,
      cases,
      schemaAndJobs,
      COLD_OPENS,
    );
    printColdOpens(cases, results, floors, sameSqlFloors);

    const first = all[0]!;
    const last = all[all.length - 1]!;
    const growth = median(last.dbWrite) / median(first.dbWrite);
    const overRaw = median(last.dbWrite) / median(last.rawAppend);
    const perRun = bytesPerRun(runBytes);
    const worstOpen = median(results[0]!.opens.map((o) => o.totalMs));
    const openRatio = worstOpen / median(floors.map((f) => f.floorMs));
    console.log(
      `\n  load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    target(
      'durable write at 10k runs / at 0 runs',
      `${growth.toFixed(2)} (${ms(median(last.dbWrite))} / ${ms(median(first.dbWrite))})`,
      `<= ${TARGET_WRITE_GROWTH}`,
      growth <= TARGET_WRITE_GROWTH,
    );
    target(
      'bytes written per run at 10k runs (4 phases, 10 minutes)',
      `${mib(perRun)} (${Math.round(perRun)} bytes)`,
      `<= ${TARGET_RUN_BYTES / 1e6} MB`,
      perRun <= TARGET_RUN_BYTES,
    );
    target(
      'cold open at 10k runs (log at its bound) / sql.js floor',
      `${openRatio.toFixed(2)} (${ms(worstOpen)} / ${ms(median(floors.map((f) => f.floorMs)))})`,
      `<= ${TARGET_OPEN_RATIO}`,
      openRatio <= TARGET_OPEN_RATIO,
    );
    console.log(
      `  report durable write at 10k runs / raw append + fdatasync of the same bytes: ${overRaw.toFixed(2)}`,
    );
    const uncached = median(results[0]!.uncachedOpens.map((o) => o.totalMs));
    console.log(
      `  report cold open at 10k runs (log at its bound) without the code cache (first start of a ` +
        `version) / sql.js floor: ${(uncached / median(floors.map((f) => f.floorMs))).toFixed(2)} (${ms(uncached)})`,
    );
    // What the history itself adds to a cold open, and the ratio to the floor in CPU time (less
    // sensitive than wall time to the neighbours of a loaded machine).
    const cpuOf = (r: ColdOpenResult) => median(r.opens.map((o) => o.cpuMs));
    const emptyOpen = results[results.length - 1]!;
    console.log(
      `  report cold open at 10k runs (log at its bound) / at 0 runs, same run (wall | CPU): ` +
        `${(worstOpen / median(emptyOpen.opens.map((o) => o.totalMs))).toFixed(2)} | ` +
        `${(cpuOf(results[0]!) / cpuOf(emptyOpen)).toFixed(2)}`,
    );
    // The floor runs a single SQLite instruction; the same SQL as jobs.list, through sql.js
    // alone, is the floor of any design on this machine (see coldSameSqlFloorChild).
    const sameSql = median(sameSqlFloors.map((f) => f.floorMs));
    console.log(
      `  report sql.js alone running the same SQL (our schema and jobs, jobs.list's query) / sql.js floor: ` +
        `${(sameSql / median(floors.map((f) => f.floorMs))).toFixed(2)} (${ms(sameSql)})`,
    );
    console.log(
      `  report cold open at 10k runs (log at its bound) / sql.js alone running the same SQL: ` +
        `${(worstOpen / sameSql).toFixed(2)}`,
    );
    console.log(
      `  report cold open at 10k runs (log at its bound) / sql.js floor, CPU time: ` +
        `${(cpuOf(results[0]!) / median(floors.map((f) => f.cpuMs))).toFixed(2)}`,
    );
  } finally {
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`storage bench done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function main(): Promise<void> {
  const childArg = process.argv.find((a) => a.startsWith('--child='));
  if (childArg === undefined) return runStorageBench();
  const at = process.argv.indexOf(childArg);
  const dbPath = process.argv[at + 1]!;
  if (childArg === '--child=floor') return coldFloorChild();
  if (childArg === '--child=same-sql-floor') return coldSameSqlFloorChild(dbPath);
  if (childArg === '--child=run-bytes') return runBytesChild(dbPath, Number(process.argv[at + 2]));
  return childArg === '--child=open' ? coldOpenChild(dbPath) : coldOpenPartsChild(dbPath);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
