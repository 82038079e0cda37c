// The legacy migration at scale: a generation C database of the old app with 50,000 execution
// results, 5,000 of them committed only in its -wal (written by a real SQLite), migrated into an
// empty Night Pilot database. Prints the preview time (read + WAL replay + plan), the migrate time
// (backup + one-transaction import + log files + durable save + verify + report), each as wall and
// CPU time, the peak memory, and the size of the result (database, log files), each in a fresh
// process running the bundle the CLI ships; and, in the same run, the floors a machine cannot go
// below (reading and hashing the bytes; writing the result durably once).
//
//   node --import tsx bench/legacyBench.ts [--quick]
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NightPilotDatabase } from '../src/storage/database';
import { LegacySource, migrate, planMigration } from '../src/storage/legacy/legacyMigration';
import type { MigrationTarget } from '../src/storage/legacy/legacyMigration';
import { loadSqlJs } from '../src/storage/sqlJs';
import { SCHEMA_C, writeRealSqlite } from '../test/fixtures/legacyFixtures';
import { QUICK, ROOT, bundleSelf } from './benchSupport';

const RESULTS = 50_000;
const IN_WAL = 5_000;
const JOBS = 50;
const TARGET_PREVIEW_MS = 2000;
const TARGET_MIGRATE_MS = 10_000;

interface ChildFigures {
  previewMs: number;
  migrateMs: number;
  /** CPU time (user + system, all threads) of each phase: what the work costs on a shared machine. */
  previewCpuMs: number;
  migrateCpuMs: number;
  /** The preview's two parts: reading the file (read, hash, replay, detect, rows) and planning. */
  readMs: number;
  planMs: number;
  openMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
  runs: number;
  verified: boolean;
  databaseBytes: number;
  /** The imported runs' log files beside the database (one per job): their number and bytes. */
  logFiles: number;
  logBytes: number;
  walFrames: number;
}

/** One result as the old app stored it: the JSON `claude -p --output-format json` printed (~1 KB). */
const CONTENT_SQL = `printf('{"type":"result","subtype":"success","is_error":false,"duration_ms":%d,"num_turns":3,"result":"%s","session_id":"%s","total_cost_usd":%f,"usage":{"input_tokens":%d,"output_tokens":%d,"cache_creation_input_tokens":0,"cache_read_input_tokens":%d},"modelUsage":{"claude-sonnet-4-5":{"inputTokens":%d,"outputTokens":%d,"cacheReadInputTokens":%d,"cacheCreationInputTokens":0,"costUSD":%f}}}',
  3000 + i % 5000, '每日審查完成 ✅ ' || printf('%.*c', 600, 'x'), lower(hex(randomblob(16))), 0.01 + (i % 100) / 10000.0,
  1000 + i % 700, 200 + i % 300, 5000 + i % 900, 1000 + i % 700, 200 + i % 300, 5000 + i % 900, 0.01 + (i % 100) / 10000.0)`;

function resultsSql(from: number, to: number): string {
  return `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
    INSERT INTO execution_results (id, job_id, status, content, input_tokens, output_tokens, total_tokens, cost_usd, execution_time_ms, created_at)
    SELECT i, 1 + i % ${JOBS}, CASE WHEN i % 17 = 0 THEN 'failed' ELSE 'success' END, ${CONTENT_SQL},
      1000 + i % 700, 200 + i % 300, 1200 + i % 1000, 0.01 + (i % 100) / 10000.0, 3000 + i % 5000,
      strftime('%Y-%m-%dT%H:%M:%SZ', 1735689600 + i * 600, 'unixepoch') FROM n;`;
}

function writeLegacy(file: string): void {
  const prompts = Array.from(
    { length: JOBS },
    (_, i) =>
      `INSERT INTO prompts (id, title, content, created_at) VALUES (${i + 1}, 'Prompt ${i + 1} 提示', 'Review the repository ${i + 1}. ${'詳細說明 '.repeat(40)}', '2025-01-01T00:00:00Z');`,
  ).join('\n');
  const jobs = Array.from(
    { length: JOBS },
    (_, i) =>
      `INSERT INTO jobs (id, prompt_id, name, schedule_type, schedule_config, status, priority, created_at) VALUES (${i + 1}, ${i + 1}, 'Job ${i + 1}', 'cron', '{"cron_expression":"0 ${i % 60} ${i % 24} * * *"}', 'pending', ${1 + (i % 4)}, '2025-01-01T00:00:00Z');`,
  ).join('\n');
  const walBatches = 5;
  const perBatch = IN_WAL / walBatches;
  writeRealSqlite(file, {
    setup: [SCHEMA_C, prompts, jobs, resultsSql(1, RESULTS - IN_WAL)],
    wal: Array.from({ length: walBatches }, (_, b) =>
      resultsSql(RESULTS - IN_WAL + 1 + b * perBatch, RESULTS - IN_WAL + (b + 1) * perBatch),
    ),
  });
}

async function child(legacy: string, dbPath: string): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const SQL = await loadSqlJs();
  const db = await NightPilotDatabase.open(dbPath, { lockLabel: 'bench' });
  const openMs = performance.now() - t0;
  const target: MigrationTarget = {
    databasePath: db.path,
    read: async (fn) => db.read(fn),
    write: (fn) => db.write(fn),
  };
  const cpu = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const source = LegacySource.open(legacy, SQL);
  const readMs = performance.now() - t1;
  const plan = await planMigration(source, target, {}, new Date(), 'UTC');
  const planMs = performance.now() - t1 - readMs;
  const previewMs = performance.now() - t1;
  const previewCpuMs = cpu(c1);
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  const report = await migrate(plan, source, target);
  const migrateMs = performance.now() - t2;
  const migrateCpuMs = cpu(c2);
  source.close();
  db.close();
  const figures: ChildFigures = {
    previewMs,
    migrateMs,
    previewCpuMs,
    migrateCpuMs,
    readMs,
    planMs,
    openMs,
    rssBeforeMb: rssBefore / 1048576,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    runs: report.imported.runs,
    verified: report.verify.ok,
    databaseBytes: fs.statSync(dbPath).size,
    logFiles: report.logFiles.length,
    logBytes: report.logFiles.reduce((n, f) => n + fs.statSync(f).size, 0),
    walFrames: plan.source.wal?.appliedFrames ?? 0,
  };
  process.stdout.write(`FIGURES ${JSON.stringify(figures)}\n`);
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

function target(name: string, value: string, goal: string, met: boolean): void {
  console.log(`  target ${name}: ${value} (target ${goal}) ${met ? 'MET' : 'MISSED'}`);
}

/** The floor of a preview: read the file and its log whole and hash them. */
function readFloor(legacy: string): number {
  const t = performance.now();
  const hash = crypto.createHash('sha256');
  hash.update(fs.readFileSync(legacy));
  hash.update(fs.readFileSync(`${legacy}-wal`));
  hash.digest();
  return performance.now() - t;
}

/** The floor of a migrate's save: write the resulting database's bytes once, fsync, rename. */
function writeFloor(dbFile: string, dir: string): number {
  const bytes = fs.readFileSync(dbFile);
  const tmp = path.join(dir, 'floor.tmp');
  const t = performance.now();
  const fd = fs.openSync(tmp, 'w');
  fs.writeSync(fd, bytes);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, path.join(dir, 'floor.db'));
  return performance.now() - t;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await child(process.argv[3]!, process.argv[4]!);
    return;
  }
  const base = fs.mkdtempSync(
    path.join(process.env.NIGHT_PILOT_BENCH_DIR ?? os.tmpdir(), 'np-legacy-bench-'),
  );
  const cleanup = () => fs.rmSync(base, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    console.log(`load average at the start: ${loadAverage()}`);
    const legacy = path.join(base, 'claude-pilot.db');
    const t = performance.now();
    writeLegacy(legacy);
    const mainBytes = fs.statSync(legacy).size;
    const walBytes = fs.statSync(`${legacy}-wal`).size;
    console.log(
      `legacy database (generation C): ${RESULTS} results (${IN_WAL} only in the -wal), ${JOBS} jobs; ` +
        `${(mainBytes / 1048576).toFixed(1)} MB + ${(walBytes / 1048576).toFixed(1)} MB -wal; written in ${ms(performance.now() - t)}`,
    );
    const bundle = await bundleSelf(path.join(ROOT, 'bench/legacyBench.ts'), path.join(base, 'bundle'));
    const iterations = QUICK ? 1 : 3;
    const samples: ChildFigures[] = [];
    const floors = { read: [] as number[], write: [] as number[] };
    for (let i = 0; i < iterations; i++) {
      const dbPath = path.join(base, `run-${i}`, 'claude-night-pilot.db');
      const result = spawnSync(process.execPath, [bundle, '--child', legacy, dbPath], { encoding: 'utf8' });
      const line = result.stdout.split('\n').find((l) => l.startsWith('FIGURES '));
      if (result.status !== 0 || !line)
        throw new Error(`the migration child failed (${result.status}): ${result.stderr}`);
      const figures = JSON.parse(line.slice('FIGURES '.length)) as ChildFigures;
      if (!figures.verified || figures.runs !== RESULTS)
        throw new Error(`the migration did not verify: ${line}`);
      samples.push(figures);
      floors.read.push(readFloor(legacy));
      floors.write.push(writeFloor(dbPath, path.dirname(dbPath)));
      fs.rmSync(path.dirname(dbPath), { recursive: true, force: true });
    }
    const preview = median(samples.map((s) => s.previewMs));
    const migrateTime = median(samples.map((s) => s.migrateMs));
    const peak = Math.max(...samples.map((s) => s.peakRssMb));
    const s0 = samples[0]!;
    console.log(
      `fresh processes: ${iterations}; ${s0.runs} runs imported and verified each time; ${s0.walFrames} WAL frames applied`,
    );
    console.log(
      `  sql.js init + open the empty Night Pilot database: ${ms(median(samples.map((s) => s.openMs)))}`,
    );
    console.log(
      `  preview (read file and -wal, replay, detect, read rows, plan):  ${samples.map((s) => ms(s.previewMs)).join(', ')}; median ${ms(preview)}`,
    );
    console.log(
      `    CPU time of the preview (user + system): median ${ms(median(samples.map((s) => s.previewCpuMs)))}`,
    );
    console.log(
      `    of which reading the file (read, hash, replay, detect, rows): median ${ms(median(samples.map((s) => s.readMs)))}; ` +
        `planning: median ${ms(median(samples.map((s) => s.planMs)))}`,
    );
    console.log(
      `  floor: read and hash the file and its -wal:                    median ${ms(median(floors.read))} (preview / floor ${(preview / median(floors.read)).toFixed(1)})`,
    );
    console.log(
      `  migrate (backup, one-transaction import, save, verify, report): ${samples.map((s) => ms(s.migrateMs)).join(', ')}; median ${ms(migrateTime)}`,
    );
    console.log(
      `    CPU time of the migrate (user + system): median ${ms(median(samples.map((s) => s.migrateCpuMs)))}`,
    );
    console.log(
      `  floor: write the resulting database once (write, fsync, rename): median ${ms(median(floors.write))} (migrate / floor ${(migrateTime / median(floors.write)).toFixed(1)})`,
    );
    console.log(
      `  resulting database: ${(s0.databaseBytes / 1048576).toFixed(1)} MB (${(s0.databaseBytes / s0.runs).toFixed(0)} bytes per run); ` +
        `log files of the imported runs: ${s0.logFiles}, ${(s0.logBytes / 1048576).toFixed(1)} MB`,
    );
    console.log(
      `  RSS at start ${s0.rssBeforeMb.toFixed(0)} MB; peak RSS (max over the processes) ${peak.toFixed(0)} MB`,
    );
    console.log(
      `  load average at the end: ${loadAverage()} (2 cores: above 2, other work competes for the CPU)`,
    );
    target(
      'preview of 50,000 results + WAL',
      ms(preview),
      `<= ${TARGET_PREVIEW_MS} ms`,
      preview <= TARGET_PREVIEW_MS,
    );
    target(
      'migrate of 50,000 results + WAL',
      ms(migrateTime),
      `<= ${TARGET_MIGRATE_MS} ms`,
      migrateTime <= TARGET_MIGRATE_MS,
    );
  } finally {
    cleanup();
  }
}

if (process.env.NP_LEGACY_BENCH_NO_MAIN !== '1')
  void main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
