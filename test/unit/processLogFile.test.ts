import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Job, Run } from '../../src/core/model';
import { logPathOf } from '../../src/storage/pageLog';
import { NightPilotDatabase } from '../../src/storage/database';
import { NotFoundError } from '../../src/storage/errors';
import { runLogDirectory } from '../../src/storage/paths';
import { addJob, useTempDir } from './storageHelpers';

describe('storage: process log_file stored relative to the run log folder', () => {
  let opened: NightPilotDatabase | undefined;
  // Closed before the folder goes, so the change watcher does not hold files in it.
  const tmp = useTempDir('np-logfile-', () => {
    opened?.close();
    opened = undefined;
  });
  const databaseFile = (): string => path.join(tmp.dir, 'claude-night-pilot.db');

  async function openWithRun(): Promise<{ db: NightPilotDatabase; job: Job; run: Run; runDir: string }> {
    const db = await NightPilotDatabase.open(databaseFile());
    opened = db;
    const job = await addJob(db);
    const run = await db.write((tx) =>
      tx.runs.claim({
        jobId: job.id,
        trigger: 'schedule',
        scheduledFor: '2025-01-16T02:00:00.000Z',
        status: 'running',
      })!,
    );
    return { db, job, run, runDir: runLogDirectory(db.path, job.id, run.id) };
  }

  function storedLogFile(database: NightPilotDatabase, processId: string): unknown {
    return database.read(
      (tx) => tx.sql.get('SELECT log_file FROM job_execution_processes WHERE id = ?', [processId])?.log_file,
    );
  }

  it('stores a log inside the run folder as its file name and reads it back absolute', async () => {
    const { db, job, run, runDir } = await openWithRun();
    const logFile = path.join(runDir, 'execution.log');
    const inserted = await db.write((tx) =>
      tx.processes.insert({ runId: run.id, jobId: job.id, processType: 'execution', logFile }),
    );
    assert.equal(inserted.logFile, logFile);
    assert.equal(storedLogFile(db, inserted.id), 'execution.log');
    assert.equal(
      db.read((tx) => tx.processes.require(inserted.id).logFile),
      logFile,
    );
    assert.deepEqual(
      db.read((tx) => tx.processes.listByRun(run.id).map((p) => p.logFile)),
      [logFile],
    );

    db.close();
    const again = await NightPilotDatabase.open(databaseFile());
    try {
      assert.equal(
        again.read((tx) => tx.processes.require(inserted.id).logFile),
        logFile,
        'after reopening the file',
      );
    } finally {
      again.close();
    }
  });

  it('stores a retry log (execution-2.log) short too', async () => {
    const { db, job, run, runDir } = await openWithRun();
    const logFile = path.join(runDir, 'execution-2.log');
    const inserted = await db.write((tx) =>
      tx.processes.insert({ runId: run.id, jobId: job.id, processType: 'execution', logFile }),
    );
    assert.equal(storedLogFile(db, inserted.id), 'execution-2.log');
    assert.equal(inserted.logFile, logFile);
  });

  it('keeps a log outside the run folder absolute, including a sibling run folder and the folder itself', async () => {
    const { db, job, run, runDir } = await openWithRun();
    const outside = [
      path.join(tmp.dir, 'elsewhere', 'execution.log'),
      path.join(path.dirname(runDir), 'other-run', 'execution.log'),
      `${runDir}-suffix${path.sep}execution.log`,
      runDir,
    ];
    for (const logFile of outside) {
      const inserted = await db.write((tx) =>
        tx.processes.insert({ runId: run.id, jobId: job.id, processType: 'validation', logFile }),
      );
      assert.equal(storedLogFile(db, inserted.id), logFile, `stored as given: ${logFile}`);
      assert.equal(inserted.logFile, logFile);
    }
  });

  it('resolves a relative log path given by the caller before deciding', async () => {
    const { db, job, run, runDir } = await openWithRun();
    const given = path.relative(process.cwd(), path.join(runDir, 'setup.log'));
    const inserted = await db.write((tx) =>
      tx.processes.insert({ runId: run.id, jobId: job.id, processType: 'setup', logFile: given }),
    );
    assert.equal(storedLogFile(db, inserted.id), 'setup.log');
    assert.equal(inserted.logFile, path.join(runDir, 'setup.log'));
  });

  it('returns an absolute path written by older versions unchanged', async () => {
    const { db, job, run, runDir } = await openWithRun();
    const legacy = path.join(runDir, 'execution.log');
    const inserted = await db.write((tx) => {
      const p = tx.processes.insert({ runId: run.id, jobId: job.id, processType: 'execution' });
      tx.sql.run('UPDATE job_execution_processes SET log_file = ? WHERE id = ?', [legacy, p.id]);
      return p;
    });
    assert.equal(storedLogFile(db, inserted.id), legacy);
    assert.equal(
      db.read((tx) => tx.processes.require(inserted.id).logFile),
      legacy,
    );
  });

  it('applies the same rule on update, and leaves log_file alone when the patch does not name it', async () => {
    const { db, job, run, runDir } = await openWithRun();
    const inserted = await db.write((tx) =>
      tx.processes.insert({ runId: run.id, jobId: job.id, processType: 'execution' }),
    );
    assert.equal(inserted.logFile, null);

    const inside = path.join(runDir, 'execution-3.log');
    const updated = await db.write((tx) => tx.processes.update(inserted.id, { logFile: inside }));
    assert.equal(storedLogFile(db, inserted.id), 'execution-3.log');
    assert.equal(updated.logFile, inside);

    const statusOnly = await db.write((tx) => tx.processes.update(inserted.id, { status: 'completed' }));
    assert.equal(storedLogFile(db, inserted.id), 'execution-3.log');
    assert.equal(statusOnly.logFile, inside);

    const outside = path.join(tmp.dir, 'elsewhere.log');
    const moved = await db.write((tx) => tx.processes.update(inserted.id, { logFile: outside }));
    assert.equal(storedLogFile(db, inserted.id), outside);
    assert.equal(moved.logFile, outside);

    const cleared = await db.write((tx) => tx.processes.update(inserted.id, { logFile: null }));
    assert.equal(storedLogFile(db, inserted.id), null);
    assert.equal(cleared.logFile, null);

    await assert.rejects(
      db.write((tx) => tx.processes.update('no-such-process', { logFile: inside })),
      NotFoundError,
    );
  });

  it('follows the database when its folder is moved with the logs', async () => {
    const { db, job, run, runDir } = await openWithRun();
    const inserted = await db.write((tx) =>
      tx.processes.insert({
        runId: run.id,
        jobId: job.id,
        processType: 'execution',
        logFile: path.join(runDir, 'execution.log'),
      }),
    );
    db.close();
    const movedFile = path.join(tmp.dir, 'moved', path.basename(databaseFile()));
    fs.mkdirSync(path.dirname(movedFile));
    // The database is its file and, between checkpoints, its page log: both move.
    fs.copyFileSync(databaseFile(), movedFile);
    fs.copyFileSync(logPathOf(databaseFile()), logPathOf(movedFile));
    const moved = await NightPilotDatabase.open(movedFile);
    try {
      assert.equal(
        moved.read((tx) => tx.processes.require(inserted.id).logFile),
        path.join(runLogDirectory(moved.path, job.id, run.id), 'execution.log'),
      );
    } finally {
      moved.close();
    }
  });
});
