import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NightPilotDatabase } from '../../src/storage/database';
import {
  ConstraintError,
  CorruptDatabaseError,
  NewerSchemaError,
  NotFoundError,
} from '../../src/storage/errors';
import { LATEST_SCHEMA_VERSION } from '../../src/storage/migrations';
import { loadSqlJs } from '../../src/storage/sqlJs';
import { addJob, useTempDatabaseFile } from './storageHelpers';

describe('storage: the database file', () => {
  const tmp = useTempDatabaseFile(path.join('nested', 'claude-night-pilot.db'));

  it('creates the file and its folder with the latest schema version', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    db.close();
    const bytes = fs.readFileSync(tmp.file);
    assert.equal(bytes.subarray(0, 15).toString('latin1'), 'SQLite format 3');
    const SQL = await loadSqlJs();
    const raw = new SQL.Database(bytes);
    assert.equal(raw.exec('PRAGMA user_version')[0]!.values[0]![0], LATEST_SCHEMA_VERSION);
    const tables = raw
      .exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")[0]!
      .values.flat();
    assert.deepEqual(tables, [
      'app_state',
      'job_execution_processes',
      'job_runs',
      'jobs',
      'legacy_imported_results',
      'legacy_imports',
      'legacy_migrations',
      'prompts',
      'run_worktrees',
      'usage_daily',
      'usage_records',
    ]);
    raw.close();
  });

  it('keeps data across reopen, and a throwing write leaves nothing behind', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db, 'keep');
    const before = fs.readFileSync(tmp.file);
    await assert.rejects(
      db.write((tx) => {
        tx.jobs.update(job.id, { name: 'half-written' });
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(fs.readFileSync(tmp.file), before, 'the file is unchanged');
    assert.equal(
      db.read((tx) => tx.jobs.require(job.id).name),
      'keep',
      'memory rolled back too',
    );
    db.close();
    const again = await NightPilotDatabase.open(tmp.file);
    assert.equal(again.read((tx) => tx.jobs.list().map((j) => j.name)).join(), 'keep');
    again.close();
  });

  it('decides a fire once: a second claim of the same (job, instant, attempt) gets null', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db);
    const at = '2026-11-28T02:00:00.000Z';
    const first = await db.write((tx) =>
      tx.runs.claim({ jobId: job.id, trigger: 'schedule', scheduledFor: at }),
    );
    const second = await db.write((tx) =>
      tx.runs.claim({ jobId: job.id, trigger: 'schedule', scheduledFor: at }),
    );
    const retry = await db.write((tx) =>
      tx.runs.claim({ jobId: job.id, trigger: 'retry', scheduledFor: at, attempt: 2 }),
    );
    assert.ok(first);
    assert.equal(second, null);
    assert.equal(retry?.attempt, 2);
    assert.equal(
      db.read((tx) => tx.runs.list({ jobId: job.id }).length),
      2,
    );
    // The constraint is in the schema itself, not only in claim().
    await assert.rejects(
      db.write((tx) =>
        tx.sql.run(
          `INSERT INTO job_runs (id, job_id, trigger, scheduled_for, attempt, status, created_at) VALUES ('x', ?, 'schedule', ?, 1, 'queued', ?)`,
          [job.id, at, at],
        ),
      ),
      /UNIQUE constraint failed/,
    );
    db.close();
  });

  it('removes a job with its runs and processes (foreign keys stay on after saves) but keeps usage', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db);
    const run = (await db.write((tx) =>
      tx.runs.claim({ jobId: job.id, trigger: 'manual', scheduledFor: tx.now() }),
    ))!;
    await db.write((tx) => {
      tx.processes.insert({ runId: run.id, jobId: job.id, processType: 'execution' });
      tx.usage.insert({
        runId: run.id,
        jobId: job.id,
        sessionId: 's1',
        model: 'claude-sonnet-4-5',
        inputTokens: 10,
        outputTokens: 5,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        costUsd: 0.01,
        costSource: 'reported',
      });
    });
    await db.write((tx) => tx.jobs.remove(job.id));
    db.read((tx) => {
      assert.equal(tx.runs.count(), 0);
      assert.equal(tx.processes.listByRun(run.id).length, 0);
      assert.deepEqual(
        tx.usage.totals().map((t) => [t.model, t.inputTokens, t.costUsd]),
        [['claude-sonnet-4-5', 10, 0.01]],
      );
    });
    db.close();
  });

  it('enforces foreign keys in the first write of a database just opened, and after a reload', async () => {
    const first = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(first);
    await first.write((tx) => tx.runs.claim({ jobId: job.id, trigger: 'manual', scheduledFor: tx.now() }));
    first.close();
    // Opened and only read: its first write must still cascade and refuse a dangling run.
    const db = await NightPilotDatabase.open(tmp.file);
    assert.equal(
      db.read((tx) => tx.runs.count()),
      1,
    );
    await assert.rejects(
      db.write((tx) => tx.runs.claim({ jobId: 'no-such-job', trigger: 'manual', scheduledFor: tx.now() })),
      /FOREIGN KEY constraint failed/,
    );
    // Another process writes: this one reloads a new connection before its next write.
    const other = await NightPilotDatabase.open(tmp.file);
    const second = await addJob(other, 'second');
    await other.write((tx) => tx.runs.claim({ jobId: second.id, trigger: 'manual', scheduledFor: tx.now() }));
    other.close();
    await db.write((tx) => tx.jobs.remove(second.id));
    assert.equal(
      db.read((tx) => tx.runs.count()),
      1,
      'the removed job took its run with it',
    );
    db.close();
  });

  it('rehearses a write without saving or showing any of it', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db, 'kept');
    const files = () =>
      fs
        .readdirSync(tmp.dir, { withFileTypes: true })
        .filter((f) => f.isFile())
        .map((f) => [f.name, fs.readFileSync(path.join(tmp.dir, f.name))]);
    const before = files();
    const generation = db.generation;
    const inside = db.rehearse((tx) => {
      tx.jobs.update(job.id, { name: 'rehearsed' });
      tx.runs.claim({ jobId: job.id, trigger: 'manual', scheduledFor: tx.now() });
      return tx.jobs.require(job.id).name;
    });
    assert.equal(inside, 'rehearsed', 'the rehearsal sees its own changes');
    assert.equal(
      db.read((tx) => tx.jobs.require(job.id).name),
      'kept',
    );
    assert.equal(
      db.read((tx) => tx.runs.count()),
      0,
    );
    assert.equal(db.generation, generation);
    assert.deepEqual(files(), before, 'nothing written to the folder');
    assert.throws(
      () =>
        db.rehearse(() => {
          throw new Error('boom');
        }),
      /boom/,
    );
    // The next real write saves its own change and nothing of the rehearsal.
    await db.write((tx) => tx.jobs.update(job.id, { priority: 3 }));
    const again = await NightPilotDatabase.open(tmp.file);
    assert.deepEqual(
      again.read((tx) => [tx.jobs.require(job.id).name, tx.jobs.require(job.id).priority, tx.runs.count()]),
      ['kept', 3, 0],
    );
    again.close();
    db.close();
  });

  it('refuses a parent-job cycle and an unknown parent', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const a = await addJob(db, 'a');
    const b = await addJob(db, 'b');
    await db.write((tx) => tx.jobs.update(b.id, { parentJobId: a.id }));
    await assert.rejects(
      db.write((tx) => tx.jobs.update(a.id, { parentJobId: b.id })),
      ConstraintError,
    );
    await assert.rejects(
      db.write((tx) => tx.jobs.update(a.id, { parentJobId: a.id })),
      ConstraintError,
    );
    await assert.rejects(
      db.write((tx) => tx.jobs.update(a.id, { parentJobId: 'nope' })),
      NotFoundError,
    );
    assert.equal(
      db.read((tx) => tx.jobs.require(a.id).parentJobId),
      null,
    );
    db.close();
  });

  it("lets a reader in another instance see a writer's change, and tells watchers", async () => {
    const writer = await NightPilotDatabase.open(tmp.file);
    const reader = await NightPilotDatabase.open(tmp.file);
    let notified = 0;
    const sub = reader.onDidChange(() => notified++);
    await addJob(writer, 'seen');
    assert.deepEqual(
      reader.read((tx) => tx.jobs.list().map((j) => j.name)),
      ['seen'],
    );
    for (let i = 0; i < 100 && notified === 0; i++) await new Promise((r) => setTimeout(r, 50));
    sub.dispose();
    assert.ok(notified > 0, 'onDidChange fired');
    // The reader writes on top of the writer's change instead of overwriting it.
    await addJob(reader, 'second');
    assert.deepEqual(writer.read((tx) => tx.jobs.list().map((j) => j.name)).sort(), ['second', 'seen']);
    writer.close();
    reader.close();
  });
});

describe('storage: damaged and foreign files', () => {
  const tmp = useTempDatabaseFile();

  async function expectMovedAside(original: Buffer, reason: RegExp): Promise<void> {
    const err = await NightPilotDatabase.open(tmp.file).then(
      () => assert.fail('open should have refused the file'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CorruptDatabaseError, String(err));
    assert.match(err.message, reason);
    assert.ok(
      err.message.includes(tmp.file) && err.message.includes(err.movedTo),
      'message names both paths',
    );
    assert.ok(!fs.existsSync(tmp.file), 'the damaged file is no longer at the database path');
    assert.match(path.basename(err.movedTo), /^claude-night-pilot\.db\.corrupt-\d{8}T\d{6}Z/);
    assert.deepEqual(fs.readFileSync(err.movedTo), original, 'moved aside byte for byte, not rewritten');
    // The next start gets a working, empty database.
    const fresh = await NightPilotDatabase.open(tmp.file);
    assert.equal(
      fresh.read((tx) => tx.jobs.list().length),
      0,
    );
    fresh.close();
  }

  it('moves aside a file of random bytes', async () => {
    const garbage = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 256));
    fs.writeFileSync(tmp.file, garbage);
    await expectMovedAside(garbage, /not an SQLite database/);
  });

  it('moves aside an empty file', async () => {
    fs.writeFileSync(tmp.file, '');
    await expectMovedAside(Buffer.alloc(0), /empty/);
  });

  it('moves aside a truncated database', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    for (let i = 0; i < 20; i++) await addJob(db, `job-${i}`);
    db.close();
    const whole = fs.readFileSync(tmp.file);
    const cut = whole.subarray(0, Math.floor(whole.length / 2) + 100);
    fs.writeFileSync(tmp.file, cut);
    await expectMovedAside(Buffer.from(cut), /truncated/);
  });

  it('never moves aside two damaged files onto the same name', async () => {
    fs.writeFileSync(tmp.file, 'first damage');
    const first = await NightPilotDatabase.open(tmp.file).catch((e: CorruptDatabaseError) => e.movedTo);
    fs.writeFileSync(tmp.file, 'second damage');
    const second = await NightPilotDatabase.open(tmp.file).catch((e: CorruptDatabaseError) => e.movedTo);
    assert.notEqual(first, second);
    assert.equal(fs.readFileSync(first as string, 'utf8'), 'first damage');
    assert.equal(fs.readFileSync(second as string, 'utf8'), 'second damage');
  });

  it('refuses a database from a newer version and leaves it untouched', async () => {
    const SQL = await loadSqlJs();
    const raw = new SQL.Database();
    raw.exec('CREATE TABLE future (x); PRAGMA user_version = 99;');
    fs.writeFileSync(tmp.file, raw.export());
    raw.close();
    const before = fs.readFileSync(tmp.file);
    const mtime = fs.statSync(tmp.file).mtimeMs;
    await assert.rejects(NightPilotDatabase.open(tmp.file), (err: unknown) => {
      assert.ok(err instanceof NewerSchemaError);
      assert.match(err.message, /schema version 99/);
      assert.match(err.message, new RegExp(`up to ${LATEST_SCHEMA_VERSION}`));
      assert.ok(err.message.includes(tmp.file));
      return true;
    });
    assert.deepEqual(fs.readFileSync(tmp.file), before);
    assert.equal(fs.statSync(tmp.file).mtimeMs, mtime);
    assert.deepEqual(
      fs.readdirSync(tmp.dir).filter((n) => n !== 'claude-night-pilot.db'),
      [],
      'no lock, temp or moved-aside file left behind',
    );
  });

  it('migrates an existing version-0 SQLite file in place, keeping what was there', async () => {
    const SQL = await loadSqlJs();
    const raw = new SQL.Database();
    raw.exec("CREATE TABLE notes (x); INSERT INTO notes VALUES ('kept');");
    fs.writeFileSync(tmp.file, raw.export());
    raw.close();
    const db = await NightPilotDatabase.open(tmp.file);
    assert.equal(
      db.read((tx) => tx.sql.get('SELECT x FROM notes')?.x),
      'kept',
    );
    assert.equal(
      db.read((tx) => tx.jobs.list().length),
      0,
    );
    db.close();
  });
});
