// Cold open, measured in fresh processes (the storage bench's bundle run again with --child=...):
// sql.js initialises once per process and WebAssembly runs slower until V8 has compiled and tiered
// it up, so a warm process would hide most of the cost.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { NightPilotDatabase } from '../src/storage/database';
import { openDiskImage } from '../src/storage/diskSnapshot';
import { JobRepository, LIST_JOBS_SQL } from '../src/storage/jobRepository';
import { Sql } from '../src/storage/sql';
import { loadSqlJs } from '../src/storage/sqlJs';
import { ROOT } from './benchSupport';
import { LABEL, line, median, mib, pad, row } from './benchStats';

/**
 * What an `open` child measures: the real path a starting extension or CLI takes, which loads
 * sql.js inside `NightPilotDatabase.open` (so init is not timed apart here; the parts child does).
 */
export interface OpenFigures {
  totalMs: number;
  /** CPU time of the process over the same span (user + system, all threads). */
  cpuMs: number;
  rss: number;
  jobs: number;
  /** What the code cache did for this start (src/boot/codeCache.ts), or 'none' without it. */
  codeCache: string;
}

/** What a `parts` child measures: the steps of an open one by one, cold. */
export interface OpenPartsFigures {
  initMs: number;
  imageMs: number;
  loadMs: number;
  queryMs: number;
  logPages: number;
}

/** sql.js init plus its first statement on an empty in-memory database: no database design goes below it. */
export interface FloorFigures {
  floorMs: number;
  cpuMs: number;
}

const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

export async function coldOpenChild(dbPath: string): Promise<void> {
  const c0 = cpuNow();
  const t0 = performance.now();
  const db = await NightPilotDatabase.open(dbPath);
  const jobs = db.read((tx) => tx.jobs.list());
  const figures: OpenFigures = {
    totalMs: performance.now() - t0,
    cpuMs: cpuNow() - c0,
    rss: process.memoryUsage().rss,
    jobs: jobs.length,
    codeCache: process.env.NIGHT_PILOT_CODE_CACHE_STATE ?? 'none',
  };
  db.close();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

export async function coldFloorChild(): Promise<void> {
  const c0 = cpuNow();
  const t0 = performance.now();
  const SQL = await loadSqlJs();
  const empty = new SQL.Database();
  // The first statement compiles SQLite's WebAssembly (V8 compiles lazily); any statement does.
  empty.exec('SELECT 1');
  const figures: FloorFigures = { floorMs: performance.now() - t0, cpuMs: cpuNow() - c0 };
  empty.close();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

export async function coldOpenPartsChild(dbPath: string): Promise<void> {
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
  const figures: OpenPartsFigures = {
    initMs: t1 - t0,
    imageMs: t2 - t1,
    loadMs: t3 - t2,
    queryMs: t4 - t3,
    logPages: image.loggedPages,
  };
  raw.close();
  image.close();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/**
 * The same SQL through sql.js alone, without Night Pilot: init, a small file holding only our
 * schema and the jobs (read whole), and jobs.list's query with its rows as sql.js returns them
 * (arrays). No design that lists the jobs from SQLite at open goes below it. Why it sits well above
 * the issue's floor on the 2-core test machine: once SQLite executes more than a few dozen of its
 * bytecode instructions (reading a schema of 23 entries already does), V8 recompiles its bytecode
 * interpreter, a 35 KB WebAssembly function, with its optimising compiler on a background thread
 * (~100 ms of CPU), and that thread and the others' take the cores from the main thread
 * (docs/architecture.md, "What it costs"). `SELECT 1` stays below that.
 */
export async function coldSameSqlFloorChild(schemaAndJobs: string): Promise<void> {
  const c0 = cpuNow();
  const t0 = performance.now();
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(schemaAndJobs));
  const statement = db.prepare(LIST_JOBS_SQL);
  const rows = [];
  while (statement.step()) rows.push(statement.get());
  statement.free();
  const figures: FloorFigures = { floorMs: performance.now() - t0, cpuMs: cpuNow() - c0 };
  db.close();
  if (rows.length === 0) throw new Error('the same-SQL floor listed no jobs');
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** Writes a database file holding only `source`'s schema (and its version) and its jobs to `target`. */
export async function writeSchemaAndJobs(source: string, target: string): Promise<void> {
  const SQL = await loadSqlJs();
  const db = await NightPilotDatabase.open(source);
  try {
    const { statements, version, jobs } = db.read((tx) => ({
      statements: tx.sql
        .all(`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid`)
        .map((r) => String(r.sql)),
      version: Number(tx.sql.get('PRAGMA user_version')?.user_version ?? 0),
      jobs: tx.sql.all('SELECT * FROM jobs'),
    }));
    const empty = new SQL.Database();
    for (const statement of statements) empty.exec(statement);
    empty.exec(`PRAGMA user_version = ${version}`);
    const columns = Object.keys(jobs[0] ?? {});
    const insert = `INSERT INTO jobs (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    for (const job of jobs)
      empty.run(
        insert,
        columns.map((c) => job[c]!),
      );
    fs.writeFileSync(target, empty.export());
    empty.close();
  } finally {
    db.close();
  }
}

/** The loader of the cold-open bundle and its cache folder (bench/coldOpenBoot.ts). */
export interface CodeCacheBoot {
  boot: string;
  cacheDir: string;
}

export function freshChild<T>(
  bundle: string,
  kind: 'open' | 'parts' | 'floor' | 'same-sql-floor',
  dbPath: string,
  through?: CodeCacheBoot,
): T {
  const args = [bundle, `--child=${kind}`, dbPath];
  const child = spawnSync(process.execPath, through ? [through.boot, ...args] : args, {
    encoding: 'utf8',
    cwd: ROOT,
    env: {
      ...process.env,
      NIGHT_PILOT_BENCH_ROOT: ROOT,
      NIGHT_PILOT_CODE_CACHE_DIR: through?.cacheDir ?? 'off',
    },
    timeout: 60_000,
  });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !last.startsWith('{')) {
    throw new Error(
      `the cold-open child (${kind}) failed (exit ${child.status}): ${child.stderr || child.stdout}`,
    );
  }
  return JSON.parse(last) as T;
}

/** One database file to open cold, and what it is. */
export interface OpenCase {
  label: string;
  path: string;
  size: number;
}

export interface ColdOpenResult {
  label: string;
  /** Started as the extension and the CLI start, through a code cache an earlier start wrote. */
  opens: OpenFigures[];
  /** The same without a code cache: the first start after an install or an update. */
  uncachedOpens: OpenFigures[];
  parts: OpenPartsFigures[];
}

/**
 * Opens each case and the floor in turn, `times` rounds, each in a fresh process (interleaved so
 * that a busy moment of the machine lands on all of them alike). Opens start through the code
 * cache, written once beforehand as a user's first start writes it; the floors run sql.js as
 * anyone would, without one.
 */
export function measureColdOpens(
  bundle: string,
  through: CodeCacheBoot,
  cases: OpenCase[],
  schemaAndJobs: string,
  times: number,
): { results: ColdOpenResult[]; floors: FloorFigures[]; sameSqlFloors: FloorFigures[] } {
  const results: ColdOpenResult[] = cases.map((c) => ({
    label: c.label,
    opens: [],
    uncachedOpens: [],
    parts: [],
  }));
  const floors: FloorFigures[] = [];
  const sameSqlFloors: FloorFigures[] = [];
  const first = freshChild<OpenFigures>(bundle, 'open', cases[0]!.path, through);
  if (first.codeCache !== 'absent')
    throw new Error(`the first start found a code cache (${first.codeCache})`);
  for (let i = 0; i < times; i++) {
    floors.push(freshChild<FloorFigures>(bundle, 'floor', cases[0]!.path));
    sameSqlFloors.push(freshChild<FloorFigures>(bundle, 'same-sql-floor', schemaAndJobs));
    cases.forEach((c, k) => {
      results[k]!.opens.push(freshChild<OpenFigures>(bundle, 'open', c.path, through));
      results[k]!.uncachedOpens.push(freshChild<OpenFigures>(bundle, 'open', c.path));
      results[k]!.parts.push(freshChild<OpenPartsFigures>(bundle, 'parts', c.path));
    });
  }
  const missed = results.flatMap((r) => r.opens).filter((o) => o.codeCache !== 'used');
  if (missed.length > 0) {
    throw new Error(`${missed.length} opens did not use the code cache: ${missed[0]!.codeCache}`);
  }
  return { results, floors, sameSqlFloors };
}

export function printColdOpens(
  cases: OpenCase[],
  results: ColdOpenResult[],
  floors: FloorFigures[],
  sameSqlFloors: FloorFigures[],
): void {
  const floor = median(floors.map((f) => f.floorMs));
  const floorCpu = median(floors.map((f) => f.cpuMs));
  const sameSqlFloor = median(sameSqlFloors.map((f) => f.floorMs));
  console.log(
    `\n  cold open, ${floors.length} fresh processes each (plain node, esbuild bundle), ` +
      'sql.js init -> NightPilotDatabase.open -> jobs.list(), started through the code cache ' +
      'as the extension and the CLI start (src/boot/codeCache.ts):',
  );
  console.log(
    row(
      'the floor: sql.js init + SELECT 1 on an empty database',
      floors.map((f) => f.floorMs),
    ),
  );
  console.log(line('  its CPU time (user + system, median)', `${floorCpu.toFixed(1)} ms`));
  console.log(
    row(
      "sql.js alone, the same SQL: init + a file of our schema and jobs + jobs.list's query",
      sameSqlFloors.map((f) => f.floorMs),
    ),
  );
  console.log(line('  / the floor (medians, wall)', (sameSqlFloor / floor).toFixed(2)));
  results.forEach((r, i) => {
    const c = cases[i]!;
    const total = r.opens.map((o) => o.totalMs);
    console.log(`\n    ${c.label} (${mib(c.size)}):`);
    console.log(row('  NightPilotDatabase.open (sql.js init included) + jobs.list', total));
    const uncached = r.uncachedOpens.map((o) => o.totalMs);
    console.log(row('  the same without the code cache (first start of a version)', uncached));
    console.log(line('    / the floor (medians, wall)', (median(uncached) / floor).toFixed(2)));
    console.log(
      line(
        '  / the floor (medians, wall) | (CPU)',
        `${(median(total) / floor).toFixed(2)} | ${(median(r.opens.map((o) => o.cpuMs)) / floorCpu).toFixed(2)}`,
      ),
    );
    console.log(
      line('  / sql.js alone, the same SQL (medians, wall)', (median(total) / sameSqlFloor).toFixed(2)),
    );
    console.log(line('  RSS of the child after open (median)', mib(median(r.opens.map((o) => o.rss)))));
    console.log(`      the same steps one by one, cold, in other fresh processes:`);
    const partSteps: [string, (p: OpenPartsFigures) => number][] = [
      ['    sql.js init', (p) => p.initMs],
      ['    open the files: descriptors, the log read to its end', (p) => p.imageMs],
      ['    new SQL.Database(image) + read the schema', (p) => p.loadMs],
      ['    first query (jobs.list)', (p) => p.queryMs],
    ];
    for (const [label, of] of partSteps) console.log(row(label, r.parts.map(of)));
    console.log(line('    pages the log holds over the file', String(r.parts[0]?.logPages ?? 0)));
  });
  console.log(`    ${pad('jobs listed', LABEL)} ${results[0]?.opens[0]?.jobs}`);
}
