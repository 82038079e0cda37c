// Undoing a migration through the engine: the database copy of the backup folder comes back under
// the write lock and a process with the database open sees it at its next read; a copy from an
// older Night Pilot comes back at the current schema; a damaged copy, or the backup of another
// database, is refused and nothing changes.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { NightPilotDatabase } from '../../src/storage/database';
import { LegacyUndoError } from '../../src/storage/legacy/legacyErrors';
import { planUndo, undoMigration } from '../../src/storage/legacy/legacyUndo';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/storage/migrations';
import { loadSqlJs } from '../../src/storage/sqlJs';
import { DATA_B, SCHEMA_B, writeSqlJsDatabase } from '../fixtures/legacyFixtures';
import { fileHash } from './cliHarness';
import { migrateFile, openUnified, targetOf } from './legacyHarness';
import { addJob, useTempDir } from './storageHelpers';

describe('undoing a legacy migration (engine)', () => {
  const tmp = useTempDir('np-legacy-undo-');
  let db: NightPilotDatabase | undefined;
  afterEach(() => {
    db?.close();
    db = undefined;
  });

  async function migrated() {
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    await writeSqlJsDatabase(file, SCHEMA_B + DATA_B);
    db = await openUnified(tmp.dir);
    await addJob(db, 'mine');
    const { report } = await migrateFile(db, file);
    return { file, report, db };
  }

  it('puts the copy back under the lock; a process with the database open reads it at its next access', async () => {
    const { report, db: window } = await migrated();
    assert.equal(window.read((tx) => tx.jobs.list()).length, 8);
    const plan = await planUndo(report.backupFolder, targetOf(window), await loadSqlJs());
    assert.equal(plan.present, true);
    assert.deepEqual(plan.lost, { runs: 0, unfinishedRuns: 0, jobs: 0, laterMigrations: 0 });
    const before = fileHash(window.path);
    const result = await undoMigration(plan, window.path);
    assert.equal(fileHash(result.keptAs!), before);
    // The "window" reloads the replaced file by itself.
    assert.deepEqual(
      window.read((tx) => tx.jobs.list().map((j) => j.name)),
      ['mine'],
    );
    assert.equal(
      window.read((tx) => tx.sql.get('SELECT COUNT(*) AS n FROM legacy_migrations')?.n),
      0,
    );
    for (const log of report.logFiles) assert.equal(fs.existsSync(log), false);
  });

  it('gives a copy from an older Night Pilot (schema 4) the current schema', async () => {
    const { report, db: window } = await migrated();
    const SQL = await loadSqlJs();
    const old = new SQL.Database();
    for (const sql of MIGRATIONS.slice(0, 4)) old.exec(sql);
    old.exec('PRAGMA user_version = 4');
    fs.writeFileSync(report.databaseBackup!, old.export());
    old.close();
    const plan = await planUndo(report.backupFolder, targetOf(window), SQL);
    await undoMigration(plan, window.path);
    const restored = new SQL.Database(fs.readFileSync(window.path));
    try {
      assert.equal(Number(restored.exec('PRAGMA user_version')[0]!.values[0]![0]), LATEST_SCHEMA_VERSION);
    } finally {
      restored.close();
    }
    assert.deepEqual(
      window.read((tx) => tx.jobs.list()),
      [],
    );
  });

  it('refuses a damaged copy and the backup of another database, changing nothing', async () => {
    const { report, db: window } = await migrated();
    const SQL = await loadSqlJs();
    const before = fileHash(window.path);
    const whole = fs.readFileSync(report.databaseBackup!);
    fs.writeFileSync(report.databaseBackup!, whole.subarray(0, whole.length - 4096));
    await assert.rejects(planUndo(report.backupFolder, targetOf(window), SQL), (err: Error) => {
      assert.ok(err instanceof LegacyUndoError);
      assert.ok(err.message.includes(report.backupFolder), err.message);
      assert.match(
        err.message,
        /its copy of the database, night-pilot-before-migration\.db, cannot be put back: /,
      );
      return true;
    });
    assert.equal(fileHash(window.path), before);

    const other = await openUnified(path.join(tmp.dir, 'other'));
    try {
      await assert.rejects(planUndo(report.backupFolder, targetOf(other), SQL), (err: Error) => {
        assert.ok(err instanceof LegacyUndoError);
        assert.match(err.message, /it is the backup of another Night Pilot database/);
        return true;
      });
    } finally {
      other.close();
    }
    assert.equal(fileHash(window.path), before);
  });
});
