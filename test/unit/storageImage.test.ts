import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'sql.js';
import { NightPilotDatabase } from '../../src/storage/database';
import { statStamp } from '../../src/storage/durableFile';
import { FileImage } from '../../src/storage/fileImage';
import { migrate } from '../../src/storage/migrations';
import { loadSqlJs } from '../../src/storage/sqlJs';
import { logPathOf } from '../../src/storage/pageLog';
import { addJob, committedBytes, useTempDir } from './storageHelpers';

/** Every row of every user table, in a stable order: what "the same database" means here. */
function contentOf(db: Database): unknown {
  const tables =
    db.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")[0]?.values ?? [];
  return tables.map(([name]) => [
    name,
    db.exec(`SELECT * FROM "${String(name)}" ORDER BY 1`)[0]?.values ?? [],
  ]);
}

/** The committed database (base file and page log) opened by a plain sql.js, as any SQLite would. */
function openPlain(SQL: Awaited<ReturnType<typeof loadSqlJs>>, file: string): Database {
  return new SQL.Database(new Uint8Array(committedBytes(file)));
}

/** Builds through an image over `file` (created plainly first), saving the image back at the end. */
async function buildThroughImage(
  file: string,
  pageSize: number,
  work: (db: Database) => void,
): Promise<void> {
  const SQL = await loadSqlJs();
  const seed = new SQL.Database();
  seed.exec(`PRAGMA page_size = ${pageSize}; VACUUM; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`);
  fs.writeFileSync(file, seed.export());
  seed.close();
  const fd = fs.openSync(file, 'r');
  const image = FileImage.fromDescriptor(fd, fs.fstatSync(fd).size);
  const db = new SQL.Database(image.sqlJsInput());
  assert.equal(image.adopted, true, 'sql.js took the image as its file');
  work(db);
  const out = fs.openSync(`${file}.saved`, 'w');
  image.writeTo(out);
  fs.closeSync(out);
  db.close();
  image.close();
}

describe('storage: the database file image (sql.js reads and writes the file through it)', () => {
  const tmp = useTempDir();

  for (const pageSize of [1024, 4096, 65536]) {
    it(`saves exactly what sql.js committed, with ${pageSize}-byte pages, growing the file`, async () => {
      const file = path.join(tmp.dir, 'image.db');
      const SQL = await loadSqlJs();
      let expected: unknown;
      await buildThroughImage(file, pageSize, (db) => {
        for (let batch = 0; batch < 5; batch++) {
          db.exec('BEGIN');
          for (let i = 0; i < 400; i++)
            db.run('INSERT INTO t (v) VALUES (?)', [`row ${batch}-${i} `.repeat(20)]);
          db.exec('COMMIT');
        }
        db.exec("UPDATE t SET v = 'changed' WHERE id % 7 = 0; DELETE FROM t WHERE id % 11 = 0");
        // A rolled-back transaction leaves no trace.
        db.exec("BEGIN; UPDATE t SET v = 'rolled back'; ROLLBACK");
        expected = contentOf(db);
      });
      const saved = openPlain(SQL, `${file}.saved`);
      assert.equal(saved.exec('PRAGMA integrity_check')[0]!.values[0]![0], 'ok');
      assert.equal(saved.exec('PRAGMA page_size')[0]!.values[0]![0], pageSize);
      assert.deepEqual(contentOf(saved), expected);
      assert.equal(saved.exec("SELECT count(*) FROM t WHERE v = 'rolled back'")[0]!.values[0]![0], 0);
      saved.close();
    });
  }

  it('falls back to a full save when SQLite shrinks the file, losing no later write', async () => {
    // A file made with incremental auto-vacuum (Night Pilot never makes one; another tool could)
    // lets a write shrink the file, which makes sql.js drop the image mid-session.
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    const SQL = await loadSqlJs();
    const seed = new SQL.Database();
    seed.exec('PRAGMA auto_vacuum = INCREMENTAL');
    migrate(seed);
    fs.writeFileSync(file, seed.export());
    seed.close();

    const db = await NightPilotDatabase.open(file);
    const job = await addJob(db);
    await db.write((tx) => {
      for (let i = 0; i < 500; i++) tx.prompts.insert({ title: `bulk ${i}`, content: 'x'.repeat(2000) });
    });
    const grown = committedBytes(file).length;
    await db.write((tx) => {
      tx.sql.run("DELETE FROM prompts WHERE title LIKE 'bulk %'");
      tx.sql.all('PRAGMA incremental_vacuum');
    });
    // A shrink is saved as a whole new file (the log only ever adds pages).
    assert.ok(fs.statSync(file).size < grown / 4, 'the saved file shrank with the database');
    assert.equal(fs.existsSync(logPathOf(file)), false, 'and the log was folded into it');
    // The writes after the shrink reach the file too.
    await db.write((tx) => tx.jobs.update(job.id, { name: 'after the shrink' }));
    await db.write((tx) => tx.jobs.update(job.id, { name: 'and once more' }));
    db.close();

    const plain = openPlain(SQL, file);
    assert.equal(plain.exec('PRAGMA integrity_check')[0]!.values[0]![0], 'ok');
    assert.equal(plain.exec('SELECT name FROM jobs')[0]!.values[0]![0], 'and once more');
    assert.equal(plain.exec("SELECT count(*) FROM prompts WHERE title LIKE 'bulk %'")[0]!.values[0]![0], 0);
    plain.close();
  });

  it('opens a large database without copying it into memory, and saves only when something changed', async () => {
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    const writer = await NightPilotDatabase.open(file);
    const job = await addJob(writer);
    await writer.write((tx) => {
      for (let i = 0; i < 4000; i++) {
        const run = tx.runs.claim({
          jobId: job.id,
          trigger: 'schedule',
          scheduledFor: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
          status: 'succeeded',
        })!;
        const p = tx.processes.insert({ runId: run.id, jobId: job.id, processType: 'execution' });
        tx.processes.update(p.id, { status: 'completed', outputTail: `output of run ${i} `.repeat(60) });
      }
    });
    await writer.checkpoint();
    writer.close();
    const size = fs.statSync(file).size;
    assert.ok(size > 4 * 1024 * 1024, `the test database is large (${size} bytes)`);

    const before = process.memoryUsage().arrayBuffers;
    const db = await NightPilotDatabase.open(file);
    const jobs = db.read((tx) => tx.jobs.list());
    const grew = process.memoryUsage().arrayBuffers - before;
    assert.equal(jobs.length, 1);
    assert.ok(grew < size / 4, `opening took ${grew} bytes of buffers for a ${size}-byte file`);
    assert.equal(db.read((tx) => tx.runs.list({ jobId: job.id, limit: 5000 })).length, 4000);

    // A write that changes nothing leaves the files alone; a real change goes into the page log,
    // a few pages, and leaves the file as it is.
    const stamp = statStamp(file);
    await db.write((tx) => tx.jobs.list());
    assert.deepEqual(statStamp(file), stamp);
    assert.equal(fs.existsSync(logPathOf(file)), false);
    await db.write((tx) => tx.jobs.update(job.id, { name: 'renamed' }));
    assert.deepEqual(statStamp(file), stamp);
    const logSize = fs.statSync(logPathOf(file)).size;
    assert.ok(logSize < 64 * 1024, `the change took ${logSize} bytes of log`);
    db.close();

    const SQL = await loadSqlJs();
    const plain = openPlain(SQL, file);
    assert.equal(plain.exec('PRAGMA integrity_check')[0]!.values[0]![0], 'ok');
    assert.equal(plain.exec('SELECT name FROM jobs')[0]!.values[0]![0], 'renamed');
    assert.equal(plain.exec('SELECT count(*) FROM job_runs')[0]!.values[0]![0], 4000);
    plain.close();
  });

  it('reports a failing read of the file as a storage error, and recovers from the file afterwards', async function () {
    // Closing the descriptor behind the database's back is the closest a test gets to a disk
    // that fails under an open file (Linux: the descriptor is found through /proc).
    if (!fs.existsSync('/proc/self/fd')) this.skip();
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    const writer = await NightPilotDatabase.open(file);
    const job = await addJob(writer);
    await writer.write((tx) => {
      for (let i = 0; i < 2000; i++) {
        tx.runs.claim({
          jobId: job.id,
          trigger: 'manual',
          scheduledFor: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
        });
      }
    });
    writer.close();
    const before = fs.readFileSync(file);

    const db = await NightPilotDatabase.open(file);
    const failNextRead = () => {
      const real = fs.realpathSync(file);
      const fd = fs
        .readdirSync('/proc/self/fd')
        .map(Number)
        .find((n) => {
          try {
            return fs.readlinkSync(`/proc/self/fd/${n}`) === real;
          } catch {
            return false;
          }
        });
      assert.ok(fd !== undefined, 'the database holds its file open');
      fs.closeSync(fd);
      // Take the number at once, so nothing else opened later lands on it: reads now find no data.
      const fillers: number[] = [];
      for (let n = fs.openSync('/dev/null', 'r'); n !== fd; n = fs.openSync('/dev/null', 'r')) {
        assert.ok(n < fd, 'the closed number is free');
        fillers.push(n);
      }
      for (const n of fillers) fs.closeSync(n);
    };
    const isReadFailure = (err: Error) =>
      err.name === 'StorageError' && err.message.includes(`Reading ${file} failed`);

    failNextRead();
    assert.throws(() => db.read((tx) => tx.runs.list({ limit: 5000 })), isReadFailure);
    // The next access starts over from the file.
    assert.equal(db.read((tx) => tx.runs.list({ limit: 5000 })).length, 2000);

    failNextRead();
    await assert.rejects(
      db.write((tx) => {
        tx.jobs.update(job.id, { name: 'renamed' });
        return tx.runs.list({ limit: 5000 }).length;
      }),
      isReadFailure,
    );
    assert.deepEqual(fs.readFileSync(file), before, 'nothing was written from what could not be read');
    await db.write((tx) => tx.jobs.update(job.id, { name: 'renamed' }));
    assert.equal(
      db.read((tx) => tx.jobs.require(job.id).name),
      'renamed',
    );
    db.close();
  });

  for (const holdFileOpen of [true, false]) {
    it(`keeps working while other processes replace the file (${holdFileOpen ? 'descriptor held' : 'read whole'})`, async () => {
      const file = path.join(tmp.dir, 'claude-night-pilot.db');
      const a = await NightPilotDatabase.open(file, { holdFileOpen });
      const b = await NightPilotDatabase.open(file, { holdFileOpen });
      const job = await addJob(a, 'from a');
      for (let i = 0; i < 20; i++) {
        const writer = i % 2 === 0 ? a : b;
        await writer.write((tx) => tx.jobs.update(job.id, { name: `name ${i}` }));
        const reader = writer === a ? b : a;
        assert.equal(
          reader.read((tx) => tx.jobs.require(job.id).name),
          `name ${i}`,
        );
      }
      a.close();
      b.close();
      const reopened = await NightPilotDatabase.open(file, { holdFileOpen });
      assert.equal(
        reopened.read((tx) => tx.jobs.require(job.id).name),
        'name 19',
      );
      reopened.close();
    });
  }
});
