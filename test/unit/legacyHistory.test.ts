// Imported history read like Night Pilot's own: a run keeps the end of Claude's answer in its row
// and the old app's whole content in a log file beside the database; retention removes that file
// with the last run naming it; a result's provenance is one small key, and a database migrated
// before that key existed still imports nothing twice.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OUTPUT_TAIL_CHARS } from '../../src/core/outputTail';
import type { NightPilotDatabase } from '../../src/storage/database';
import { NightPilotDatabase as Database } from '../../src/storage/database';
import { MIGRATIONS } from '../../src/storage/migrations';
import { pruneRuns } from '../../src/storage/retention';
import { loadSqlJs } from '../../src/storage/sqlJs';
import { DATA_B, SCHEMA_B, claudeJson, q, writeSqlJsDatabase } from '../fixtures/legacyFixtures';
import { NOW, count, migrateFile, openSource, openUnified, plan } from './legacyHarness';
import { useTempDir } from './storageHelpers';

/** An answer longer than the tail the database keeps, ending with text a user would recognise. */
const LONG_ANSWER = `${'分析 '.repeat(3000)}結論：沒有風險 ✅`;

const HISTORY = `${SCHEMA_B}${DATA_B}
INSERT INTO execution_results (id, schedule_id, content, status, token_usage, cost_usd, execution_time_ms, created_at) VALUES
  (4, 1, ${q(claudeJson({ result: LONG_ANSWER, session: 'sess-long', input: 9000, output: 4000, cost: 0.12 }))}, 'success', 13000, 0.12, 60000, '2025-07-05T09:01:00Z');`;

function processesOf(db: NightPilotDatabase, sessionOrText: (run: { sessionId: string | null }) => boolean) {
  return db.read((tx) =>
    tx.runs
      .list({})
      .filter(sessionOrText)
      .map((run) => ({ run, process: tx.processes.listByRun(run.id)[0]! })),
  );
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('imported history: output tails, log files, retention, provenance', () => {
  const tmp = useTempDir('np-legacy-history-');
  let db: NightPilotDatabase | undefined;
  afterEach(() => {
    db?.close();
    db = undefined;
  });

  it("keeps the end of Claude's answer in the row and the old app's whole content in the job's log file", async () => {
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    await writeSqlJsDatabase(file, HISTORY);
    db = await openUnified(tmp.dir);
    const { report } = await migrateFile(db, file);
    assert.equal(report.verify.ok, true, JSON.stringify(report.verify));

    const [json] = processesOf(db, (r) => r.sessionId === 'sess-1');
    // The row reads like a live run's: the result text, not the JSON the old app stored.
    assert.equal(json!.process.outputTail, '一切正常 ✅');
    const [long] = processesOf(db, (r) => r.sessionId === 'sess-long');
    assert.ok(long!.process.outputTail!.length <= OUTPUT_TAIL_CHARS);
    assert.ok(LONG_ANSWER.endsWith(long!.process.outputTail!));
    assert.ok(long!.process.outputTail!.endsWith('結論：沒有風險 ✅'));

    // Every imported run names a log file: its job's, beside the database, holding the content
    // byte for byte under a line naming the run.
    const logs = path.join(path.dirname(db.path), 'logs');
    for (const { run, process } of [json!, long!]) {
      assert.ok(process.logFile, `run ${run.id} has no log file`);
      assert.equal(path.dirname(process.logFile), path.join(logs, run.jobId));
      const text = fs.readFileSync(process.logFile, 'utf8');
      assert.match(text, new RegExp(`^==== .* run ${run.id} ====$`, 'm'));
    }
    const jobLog = fs.readFileSync(long!.process.logFile!, 'utf8');
    assert.ok(
      jobLog.includes(
        claudeJson({ result: LONG_ANSWER, session: 'sess-long', input: 9000, output: 4000, cost: 0.12 }),
      ),
    );
    assert.ok(
      jobLog.includes('error: usage limit reached'),
      'the failed run of the same job is in its log too',
    );
    const named = processesOf(db, () => true).map((p) => p.process.logFile!);
    assert.deepEqual(
      report.logFiles.sort(),
      [...new Set(named)].sort(),
      'one log per job, listed in the report',
    );
    const plain = processesOf(db, () => true).find((p) => p.process.outputTail === 'plain text result');
    assert.ok(
      plain?.process.logFile && fs.readFileSync(plain.process.logFile, 'utf8').includes('plain text result'),
    );
  });

  it("retention deletes a job's imported log with the last run that names it, and nothing else of the migration stays in logs/", async () => {
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    await writeSqlJsDatabase(file, HISTORY);
    db = await openUnified(tmp.dir);
    await migrateFile(db, file);
    const logs = path.join(path.dirname(db.path), 'logs');
    assert.ok(filesUnder(logs).length > 0);

    // The newest run of each job stays: its job's log stays with it.
    await pruneRuns(db, { maxAgeDays: 0, maxRunsPerJob: 1 }, NOW);
    const named = processesOf(db, () => true).map((p) => p.process.logFile);
    assert.ok(named.length > 0);
    for (const f of named) assert.ok(f && fs.existsSync(f), `${f} went while a run still names it`);
    // Then every imported run goes (they are all older than a day).
    const pruned = await pruneRuns(db, { maxAgeDays: 1, maxRunsPerJob: 0 }, NOW);
    assert.ok(pruned.runsDeleted > 0);
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM job_runs'), 0);
    assert.deepEqual(filesUnder(logs), []);
  });

  it('remembers an imported result by one 8-byte key, not a row naming its table, id and run', async () => {
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    await writeSqlJsDatabase(file, HISTORY);
    db = await openUnified(tmp.dir);
    const { report } = await migrateFile(db, file);
    assert.equal(report.imported.runs, 4);
    assert.equal(count(db, "SELECT COUNT(*) AS n FROM legacy_imports WHERE target_table = 'job_runs'"), 0);
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM legacy_imported_results WHERE length(key) = 8'), 4);
    const again = await migrateFile(db, file);
    assert.equal(again.report.imported.runs, 0);
    assert.equal(again.report.verify.ok, true, JSON.stringify(again.report.verify));
  });

  it('a database migrated before the compact keys (schema 4, a full provenance row per result) imports nothing twice', async () => {
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    await writeSqlJsDatabase(file, HISTORY);
    // What the migration of schema 4 left: one legacy_imports row per result, with its fingerprint.
    const source = await openSource(file);
    const results = source.rows.results.map((r) => ({
      table: r.ref.table,
      id: r.ref.id,
      fingerprint: r.fingerprint,
    }));
    source.close();
    const SQL = await loadSqlJs();
    const old = new SQL.Database();
    old.exec('PRAGMA foreign_keys = ON');
    for (const sql of MIGRATIONS.slice(0, 4)) old.exec(sql);
    old.exec('PRAGMA user_version = 4');
    old.exec(
      `INSERT INTO legacy_migrations (id, source_path, source_file_hash, backup_folder, started_at, finished_at)
       VALUES ('m-1', ${q(file)}, 'h', 'b', '2025-08-01T00:00:00Z', '2025-08-01T00:00:01Z')`,
    );
    for (const r of results) {
      old.run(
        `INSERT INTO legacy_imports (source_table, source_id, fingerprint, migration_id, target_table, target_id)
         VALUES (?, ?, ?, 'm-1', 'job_runs', ?)`,
        [r.table, r.id, r.fingerprint, `run-${r.id}`],
      );
    }
    const dbFile = path.join(tmp.dir, 'night-pilot', 'claude-night-pilot.db');
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    fs.writeFileSync(dbFile, old.export());
    old.close();

    db = await Database.open(dbFile, { clock: () => NOW });
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM legacy_imported_results'), results.length);
    assert.equal(count(db, "SELECT COUNT(*) AS n FROM legacy_imports WHERE target_table = 'job_runs'"), 0);
    const p = await plan(db, file);
    assert.equal(p.runs.length, 0, 'a result imported under schema 4 would be imported again');
    const table = p.tables.find((t) => t.table === 'execution_results')!;
    assert.equal(table.alreadyImported, results.length);
  });
});
