// Storage benchmark (run by `npm run bench`; see bench/README.md). Prints figures, asserts nothing.
//
// What it answers: how much a durable write costs as the database grows (0, 1,000, 10,000 runs)
// compared with the floor any durable save of the same bytes pays (write + fsync + rename), where
// the rest of the time goes, how big the file gets per 1,000 runs, and how long a fresh process
// takes to open the 10,000-run file and answer its first query.
//
// Cold open runs in fresh child processes (this file again, with `--child=open <db>`), because
// sql.js initialises once per process and a warm process would hide that cost.

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Database } from 'sql.js';
import type { ProcessType } from '../src/core/model';
import type { Tx } from '../src/storage/database';
import { NightPilotDatabase } from '../src/storage/database';
import { openDiskImage } from '../src/storage/diskSnapshot';
import { replaceFileDurably, statStamp } from '../src/storage/durableFile';
import { acquireFileLock } from '../src/storage/fileLock';
import type { FileImage } from '../src/storage/fileImage';
import { JobRepository } from '../src/storage/jobRepository';
import { Sql } from '../src/storage/sql';
import { loadSqlJs } from '../src/storage/sqlJs';
import { QUICK, ROOT, bundleSelf } from './benchSupport';

const ITERATIONS = QUICK ? 10 : 30;
const WARMUP = 3;
const COLD_OPENS = QUICK ? 3 : 7;
const JOBS = 50;
const RUN_STEPS = [0, 1_000, 10_000] as const;
/** Runs inserted per write transaction while populating (each one is a full save). */
const RUNS_PER_BATCH = 2_500;
const PHASES: ProcessType[] = ['setup', 'execution', 'cleanup'];

const TARGET_RATIO = 1.5;
const TARGET_OPEN_MS = 50;

// ---------------------------------------------------------------------------------------------
// Statistics and printing

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: with 30 samples p90 is the 27th value.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? NaN;
}

const median = (samples: number[]): number => percentile(samples, 50);
const ms = (v: number): string => `${v.toFixed(2)} ms`;
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const pad = (s: string, n: number): string => s.padEnd(n);
const LABEL = 52;

function row(label: string, samples: number[]): string {
  return `    ${pad(label, LABEL)} median ${pad(ms(median(samples)), 11)} p90 ${ms(percentile(samples, 90))}`;
}

function target(name: string, value: string, goal: string, met: boolean): void {
  console.log(`  target ${name}: ${value} (target ${goal}) ${met ? 'MET' : 'MISSED'}`);
}

// ---------------------------------------------------------------------------------------------
// Population

/** About 200 bytes of the kind of text Claude ends a run with. */
function outputTail(runIndex: number, phase: ProcessType): string {
  const text =
    `[${phase}] run ${runIndex}: updated src/feature${runIndex % 97}.ts and test/feature${runIndex % 97}.test.ts; ` +
    `all 42 tests pass. Summary: refactored the parser, fixed the off-by-one in the range check, ` +
    `session ${crypto.randomUUID()}.`;
  return text.padEnd(200, '.').slice(0, 200);
}

function addRuns(tx: Tx, dir: string, jobIds: string[], from: number, count: number): void {
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = from; i < from + count; i++) {
    const jobId = jobIds[i % jobIds.length]!;
    const at = new Date(base + i * 60_000);
    const end = new Date(at.getTime() + 45_000).toISOString();
    const sessionId = crypto.randomUUID();
    const run = tx.runs.claim({
      jobId,
      trigger: 'schedule',
      scheduledFor: at.toISOString(),
      status: 'succeeded',
      owner: 'bench',
      startedAt: at.toISOString(),
      endedAt: end,
      heartbeatAt: end,
      sessionId,
    })!;
    for (const processType of PHASES) {
      const p = tx.processes.insert({
        runId: run.id,
        jobId,
        processType,
        status: 'running',
        startTime: at.toISOString(),
        logFile: path.join(dir, 'logs', jobId, run.id, `${processType}.log`),
      });
      tx.processes.update(p.id, {
        status: 'completed',
        endTime: end,
        exitCode: 0,
        outputTail: outputTail(i, processType),
      });
    }
    tx.usage.insert({
      runId: run.id,
      jobId,
      sessionId,
      model: 'claude-sonnet-4-5-20250929',
      inputTokens: 1_200 + (i % 500),
      outputTokens: 800 + (i % 300),
      cacheCreationTokens: 5_000,
      cacheReadTokens: 20_000 + i,
      costUsd: 0.0123,
      costSource: 'reported',
      recordedAt: end,
    });
  }
}

async function createJobs(db: NightPilotDatabase): Promise<string[]> {
  return db.write((tx) => {
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const prompt = tx.prompts.insert({
        title: `Prompt ${i}`,
        content: `Review the open pull requests, batch ${i}.`,
      });
      const job = tx.jobs.insert({
        name: `Nightly job ${i}`,
        promptId: prompt.id,
        cronExpression: `${i % 60} 2 * * *`,
        timezone: 'UTC',
        nextRunTime: '2027-01-01T02:00:00.000Z',
      });
      ids.push(job.id);
    }
    return ids;
  });
}

// ---------------------------------------------------------------------------------------------
// The measured operations

/** The floor of any durable save of `bytes`: temp file, write, fsync, close, rename over. */
function rawDurableWrite(dir: string, bytes: Uint8Array): void {
  const temp = path.join(dir, 'raw.tmp');
  const fd = fs.openSync(temp, 'w', 0o600);
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(temp, path.join(dir, 'raw.bin'));
}

/** The same, with the rename made durable too: the floor of a crash-safe replace. */
function rawDurableReplace(dir: string, bytes: Uint8Array): void {
  rawDurableWrite(dir, bytes);
  fsyncDirectory(dir);
}

function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

interface WriteFigures {
  runs: number;
  size: number;
  dbWrite: number[];
  raw: number[];
  rawReplace: number[];
  lockReload: number[];
  transaction: number[];
  freshMemory: number[];
  durable: number[];
  dirFsync: number[];
}

/**
 * Interleaves every measured operation in each iteration (alternating which goes first), so
 * machine noise lands on the database write and its raw baseline alike.
 */
async function measureWrites(
  db: NightPilotDatabase,
  dir: string,
  jobId: string,
  runs: number,
): Promise<WriteFigures> {
  const SQL = await loadSqlJs();
  const bytes = new Uint8Array(fs.readFileSync(db.path));
  // A private copy for the steps timed alone, opened the way the database opens its file (through
  // an image of a file of its own), so timing them does not touch the real database.
  const scratch = path.join(dir, 'durable-scratch.db');
  fs.writeFileSync(scratch, bytes);
  const copyImage: FileImage = openDiskImage(scratch, true)!.image;
  const copy: Database = new SQL.Database(copyImage.sqlJsInput());
  if (!copyImage.adopted) throw new Error('sql.js did not take the file image');
  const copyJobs = new JobRepository(new Sql(copy), () => new Date().toISOString());
  const figures: WriteFigures = {
    runs,
    size: bytes.length,
    dbWrite: [],
    raw: [],
    rawReplace: [],
    lockReload: [],
    transaction: [],
    freshMemory: [],
    durable: [],
    dirFsync: [],
  };
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const keep = i >= WARMUP;
    const push = (list: number[], v: number) => keep && list.push(v);
    const dbStep = async () =>
      push(
        figures.dbWrite,
        await timeAsync(() => db.write((tx) => tx.jobs.update(jobId, { name: `Nightly job ${i}` }))),
      );
    const rawStep = async () =>
      push(
        figures.raw,
        time(() => rawDurableWrite(dir, bytes)),
      );
    const replaceStep = async () =>
      push(
        figures.rawReplace,
        time(() => rawDurableReplace(dir, bytes)),
      );
    // Rotate which goes first, so a slow moment of the machine does not always hit the same one.
    const steps = [dbStep, rawStep, replaceStep];
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!();
    push(
      figures.lockReload,
      await timeAsync(async () => {
        const lock = await acquireFileLock(db.lockPath);
        statStamp(db.path);
        lock.release();
      }),
    );
    push(
      figures.transaction,
      time(() => {
        copy.exec('BEGIN');
        copyJobs.update(jobId, { name: `Copy ${i}` });
        copy.exec('COMMIT');
      }),
    );
    push(
      figures.durable,
      time(() => {
        const { fd } = replaceFileDurably(scratch, (out) => copyImage.writeTo(out));
        copyImage.rebase(fd);
      }),
    );
    push(
      figures.freshMemory,
      time(() => new Uint8Array(bytes.length).fill(1)),
    );
    push(
      figures.dirFsync,
      time(() => fsyncDirectory(dir)),
    );
  }
  copy.close();
  copyImage.close();
  fs.rmSync(scratch, { force: true });
  fs.rmSync(path.join(dir, 'raw.bin'), { force: true });
  return figures;
}

function printWrites(f: WriteFigures): void {
  const ratio = median(f.dbWrite) / median(f.raw);
  console.log(
    `\n  ${f.runs.toLocaleString('en-US')} runs stored: database file ${mib(f.size)} (${f.size} bytes)`,
  );
  console.log(row('db.write (one job update, full cycle)', f.dbWrite));
  console.log(row('raw: write + fsync + close + rename, same bytes', f.raw));
  console.log(`    ${pad('ratio db.write / raw (medians)', LABEL)} ${ratio.toFixed(2)}`);
  console.log(row('raw + fsync of the folder (durable rename)', f.rawReplace));
  console.log(
    `    ${pad('ratio db.write / raw with durable rename', LABEL)} ${(median(f.dbWrite) / median(f.rawReplace)).toFixed(2)}`,
  );
  console.log('    where the time goes (each step timed alone, same iterations):');
  console.log(row('  lock acquire + stat (reload-check) + release', f.lockReload));
  console.log(row('  transaction (BEGIN, jobs.update, COMMIT)', f.transaction));
  console.log(row('  save: stream the image to temp, fsync, rename, dir fsync', f.durable));
  const sum = median(f.lockReload) + median(f.transaction) + median(f.durable);
  console.log(`    ${pad('  sum of the three step medians', LABEL)} ${ms(sum)}`);
  console.log('    for comparison:');
  console.log(row('  fresh memory of the file size (alloc + touch)', f.freshMemory));
  console.log(row('  fsync of the folder alone', f.dirFsync));
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
    if (bytes >= 4096) console.log(`    ${pad(label, 58)} ${String(Math.round(bytes / runs)).padStart(6)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Cold open (child side and parent side)

/** What an `open` child measures: the real path a starting extension or CLI takes. */
interface OpenFigures {
  initMs: number;
  openQueryMs: number;
  totalMs: number;
  rss: number;
  jobs: number;
}

/**
 * What a `parts` child measures: the steps open takes, one by one, each cold in a fresh process
 * (WebAssembly code runs slower until V8 has tiered it up, so timing them after a real open
 * would understate them).
 */
interface OpenPartsFigures {
  /** sql.js init + its first statement on an empty in-memory database, in its own fresh process. */
  floorMs: number;
  initMs: number;
  imageMs: number;
  loadMs: number;
  queryMs: number;
  wholeReadMs: number;
}

async function coldOpenChild(dbPath: string): Promise<void> {
  const t0 = performance.now();
  await loadSqlJs();
  const t1 = performance.now();
  const db = await NightPilotDatabase.open(dbPath);
  const jobs = db.read((tx) => tx.jobs.list());
  const t2 = performance.now();
  const figures: OpenFigures = {
    initMs: t1 - t0,
    openQueryMs: t2 - t1,
    totalMs: t2 - t0,
    rss: process.memoryUsage().rss,
    jobs: jobs.length,
  };
  db.close();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** The part of any cold open that no database design changes: sql.js starting up. */
async function coldFloorChild(): Promise<void> {
  const t0 = performance.now();
  const SQL = await loadSqlJs();
  const empty = new SQL.Database();
  // The first statement compiles SQLite's WebAssembly (V8 compiles lazily); any statement does.
  empty.exec('SELECT 1');
  const floorMs = performance.now() - t0;
  empty.close();
  process.stdout.write(`${JSON.stringify({ floorMs })}\n`);
}

async function coldOpenPartsChild(dbPath: string): Promise<void> {
  const t0 = performance.now();
  const SQL = await loadSqlJs();
  const t1 = performance.now();
  const { image } = openDiskImage(dbPath, true)!;
  const t2 = performance.now();
  const raw = new SQL.Database(image.sqlJsInput());
  raw.exec('SELECT count(*) FROM sqlite_master');
  const t3 = performance.now();
  new JobRepository(new Sql(raw), () => new Date().toISOString()).list();
  const t4 = performance.now();
  raw.close();
  image.close();
  // What opening cost when the whole file was read first (still the way on Windows).
  const t5 = performance.now();
  openDiskImage(dbPath, false)!.image.close();
  const t6 = performance.now();
  const figures: Omit<OpenPartsFigures, 'floorMs'> = {
    initMs: t1 - t0,
    imageMs: t2 - t1,
    loadMs: t3 - t2,
    queryMs: t4 - t3,
    wholeReadMs: t6 - t5,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function freshChild<T>(bundle: string, kind: 'open' | 'parts' | 'floor', dbPath: string): T {
  const child = spawnSync(process.execPath, [bundle, `--child=${kind}`, dbPath], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, NIGHT_PILOT_BENCH_ROOT: ROOT },
    timeout: 60_000,
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(
      `the cold-open child (${kind}) failed (exit ${child.status}): ${child.stderr || child.stdout}`,
    );
  }
  return JSON.parse(line) as T;
}

function printColdOpens(opens: OpenFigures[], parts: OpenPartsFigures[], runs: number, size: number): number {
  const o = (k: keyof OpenFigures) => opens.map((f) => f[k] as number);
  const p = (k: keyof OpenPartsFigures) => parts.map((f) => f[k] as number);
  const total = median(o('totalMs'));
  console.log(
    `\n  cold open of the ${runs.toLocaleString('en-US')}-run file (${mib(size)}), ${opens.length} fresh processes ` +
      '(plain node, esbuild bundle):',
  );
  console.log(row('sql.js init + open + first query (jobs.list)', o('totalMs')));
  console.log(row('  sql.js init (WASM instantiation)', o('initMs')));
  console.log(row('  NightPilotDatabase.open + first query', o('openQueryMs')));
  console.log(`    ${pad('RSS of the child after open (median)', LABEL)} ${mib(median(o('rss')))}`);
  console.log(`  the same steps timed one by one, cold, in ${parts.length} other fresh processes:`);
  console.log(row('  sql.js init', p('initMs')));
  console.log(row('  open the file image (descriptor, stat)', p('imageMs')));
  console.log(row('  new SQL.Database(image) + read the schema', p('loadMs')));
  console.log(row('  first query (jobs.list)', p('queryMs')));
  console.log(
    row(
      '  sum of the four',
      parts.map((f) => f.initMs + f.imageMs + f.loadMs + f.queryMs),
    ),
  );
  console.log(row('  for comparison: read the whole file (Windows path)', p('wholeReadMs')));
  console.log(row('  for comparison: sql.js init + SELECT 1, empty database', p('floorMs')));
  console.log(`    ${pad('jobs listed', LABEL)} ${opens[0]?.jobs}`);
  return total;
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

async function runStorageBench(): Promise<void> {
  const started = performance.now();
  const dir = benchDirectory();
  console.log(
    `storage bench${QUICK ? ' (quick)' : ''}: ${ITERATIONS} iterations per size after ${WARMUP} warm-up`,
  );
  console.log(
    `  folder ${dir}; ${JOBS} jobs; per run 3 process rows with 200-byte output tails + 1 usage record`,
  );
  let db: NightPilotDatabase | undefined;
  try {
    db = await NightPilotDatabase.open(path.join(dir, 'claude-night-pilot.db'));
    const jobIds = await createJobs(db);
    const all: WriteFigures[] = [];
    let stored = 0;
    for (const runs of RUN_STEPS) {
      const t = performance.now();
      while (stored < runs) {
        const count = Math.min(RUNS_PER_BATCH, runs - stored);
        const from = stored;
        await db.write((tx) => addRuns(tx, dir, jobIds, from, count));
        stored += count;
      }
      if (runs > 0)
        console.log(`\n  (populated to ${runs} runs in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
      const figures = await measureWrites(db, dir, jobIds[0]!, runs);
      all.push(figures);
      printWrites(figures);
      if (runs === 1_000) await printSizeBreakdown(db.path, runs);
    }
    const parentRss = process.memoryUsage().rss;
    db.close();
    db = undefined;

    const first = all[0]!;
    const last = all[all.length - 1]!;
    const per1k = (last.size - first.size) / (last.runs / 1000);
    console.log('\n  database size:');
    for (const f of all)
      console.log(`    ${pad(`${f.runs.toLocaleString('en-US')} runs`, LABEL)} ${mib(f.size)}`);
    console.log(`    ${pad('per 1,000 runs', LABEL)} ${mib(per1k)} (${Math.round(per1k)} bytes)`);
    console.log(`    ${pad('RSS of this process after the 10k writes', LABEL)} ${mib(parentRss)}`);

    const dbPath = path.join(dir, 'claude-night-pilot.db');
    const opens: OpenFigures[] = [];
    const parts: OpenPartsFigures[] = [];
    const bundle = await bundleSelf(__filename, path.join(dir, 'bundle'));
    for (let i = 0; i < COLD_OPENS; i++) {
      opens.push(freshChild<OpenFigures>(bundle, 'open', dbPath));
      parts.push({
        ...freshChild<OpenPartsFigures>(bundle, 'parts', dbPath),
        ...freshChild<Pick<OpenPartsFigures, 'floorMs'>>(bundle, 'floor', dbPath),
      });
    }
    const openMs = printColdOpens(opens, parts, last.runs, last.size);

    const ratio = median(last.dbWrite) / median(last.raw);
    console.log('');
    target('durable write ratio at 10k runs', ratio.toFixed(2), `<= ${TARGET_RATIO}`, ratio <= TARGET_RATIO);
    target('cold open at 10k runs', ms(openMs), `<= ${TARGET_OPEN_MS} ms`, openMs <= TARGET_OPEN_MS);
  } finally {
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`storage bench done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function main(): Promise<void> {
  const childArg = process.argv.find((a) => a.startsWith('--child='));
  if (childArg === undefined) return runStorageBench();
  const dbPath = process.argv[process.argv.indexOf(childArg) + 1]!;
  if (childArg === '--child=floor') return coldFloorChild();
  return childArg === '--child=open' ? coldOpenChild(dbPath) : coldOpenPartsChild(dbPath);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
