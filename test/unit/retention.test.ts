import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Run } from '../../src/core/model';
import { NightPilotDatabase } from '../../src/storage/database';
import { runLogDirectory } from '../../src/storage/paths';
import { pruneRuns } from '../../src/storage/retention';
import { addJob, tempDir } from './storageHelpers';

describe('storage: retention', () => {
  let cleanup: () => void;
  let db: NightPilotDatabase;
  let clock: Date;
  beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    clock = new Date('2026-11-27T12:00:00.000Z');
    db = await NightPilotDatabase.open(path.join(dir, 'claude-night-pilot.db'), { clock: () => clock });
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  /** A finished run created `daysAgo` days before the clock, with a log folder and usage. */
  async function finishedRun(jobId: string, daysAgo: number, status: 'succeeded' | 'running' = 'succeeded') {
    const at = new Date(clock.getTime() - daysAgo * 86_400_000);
    const saved = clock;
    clock = at;
    const run = await db.write((tx) => {
      const r = tx.runs.claim({ jobId, trigger: 'schedule', scheduledFor: at.toISOString(), status })!;
      if (status === 'succeeded') tx.runs.update(r.id, { endedAt: at.toISOString() });
      tx.processes.insert({ runId: r.id, jobId, processType: 'execution' });
      tx.usage.insert({
        runId: r.id,
        jobId,
        sessionId: r.id,
        model: 'claude-sonnet-4-5',
        inputTokens: 100,
        outputTokens: 10,
        cacheCreationTokens: 1,
        cacheReadTokens: 2,
        costUsd: 0.5,
        costSource: 'reported',
      });
      return r;
    });
    clock = saved;
    const logs = runLogDirectory(db.path, jobId, run.id);
    fs.mkdirSync(logs, { recursive: true });
    fs.writeFileSync(path.join(logs, 'execution.log'), 'output');
    return run;
  }

  it('prunes runs older than N days with their processes and logs, keeping usage totals', async () => {
    const job = await addJob(db);
    const old = await finishedRun(job.id, 40);
    const recent = await finishedRun(job.id, 3);
    const stillRunning = await finishedRun(job.id, 60, 'running');
    const totalsBefore = db.read((tx) => tx.usage.totals());
    const result = await pruneRuns(db, { maxAgeDays: 30, maxRunsPerJob: 0 }, clock);
    assert.deepEqual(result, { runsDeleted: 1, logDirectoriesDeleted: 1, usageRolledUp: 1 });
    db.read((tx) => {
      assert.deepEqual(
        tx.runs
          .list()
          .map((r) => r.id)
          .sort(),
        [recent.id, stillRunning.id].sort(),
      );
      assert.equal(tx.processes.listByRun(old.id).length, 0);
      assert.deepEqual(tx.usage.totals(), totalsBefore);
    });
    assert.ok(!fs.existsSync(runLogDirectory(db.path, job.id, old.id)));
    assert.ok(fs.existsSync(runLogDirectory(db.path, job.id, recent.id)));
  });

  it('leaves the file untouched when there is nothing to prune (no save at every start)', async () => {
    const job = await addJob(db);
    await finishedRun(job.id, 2);
    const before = fs.statSync(db.path, { bigint: true });
    const result = await pruneRuns(db, { maxAgeDays: 30, maxRunsPerJob: 200 }, clock);
    assert.deepEqual(result, { runsDeleted: 0, logDirectoriesDeleted: 0 });
    const after = fs.statSync(db.path, { bigint: true });
    assert.deepEqual([after.ino, after.mtimeNs], [before.ino, before.mtimeNs]);
  });

  it('keeps only the newest M finished runs per job', async () => {
    const a = await addJob(db, 'a');
    const b = await addJob(db, 'b');
    const aRuns: Run[] = [];
    for (let d = 10; d >= 1; d--) aRuns.push(await finishedRun(a.id, d));
    const bRun = await finishedRun(b.id, 20);
    const result = await pruneRuns(db, { maxAgeDays: 0, maxRunsPerJob: 3 }, clock);
    assert.equal(result.runsDeleted, 7);
    db.read((tx) => {
      assert.deepEqual(
        tx.runs.list({ jobId: a.id }).map((r) => r.id),
        aRuns
          .slice(-3)
          .reverse()
          .map((r) => r.id),
      );
      assert.equal(tx.runs.list({ jobId: b.id })[0]?.id, bRun.id);
      assert.equal(tx.usage.totals()[0]?.inputTokens, 1100);
    });
  });

  it('rolls the usage of pruned runs up into daily totals per job and model, so 90 days outlive a 30-day retention', async () => {
    const job = await addJob(db, 'nightly');
    const gone = await addJob(db, 'deleted later');
    for (let d = 89; d >= 0; d -= 1) await finishedRun(job.id, d);
    await finishedRun(gone.id, 45);
    await finishedRun(gone.id, 44.9);
    const totalsBefore = db.read((tx) => tx.usage.totals());
    const recordsBefore = db.read((tx) => Number(tx.sql.get('SELECT COUNT(*) AS n FROM usage_records')?.n));
    assert.equal(recordsBefore, 92);

    const result = await pruneRuns(db, { maxAgeDays: 30, maxRunsPerJob: 0, timeZone: 'UTC' }, clock);
    assert.equal(result.runsDeleted, 61);
    assert.equal(result.usageRolledUp, 61);
    await db.write((tx) => tx.jobs.remove(gone.id));
    db.read((tx) => {
      // The records of the pruned runs are gone from usage_records: the table no longer grows forever.
      assert.equal(Number(tx.sql.get('SELECT COUNT(*) AS n FROM usage_records')?.n), 31);
      assert.deepEqual(tx.usage.totals(), totalsBefore);
      const daily = tx.usage.listDaily('2026-08-29', '2026-11-27');
      assert.equal(daily.length, 60, 'one row per pruned day and job');
      const first = daily[0]!;
      assert.deepEqual(
        [first.day, first.jobId, first.jobName, first.model, first.inputTokens, first.costUsd, first.runs],
        ['2026-08-30', job.id, 'nightly', 'claude-sonnet-4-5', 100, 0.5, 1],
      );
      const deleted = daily.find((r) => r.jobId === gone.id)!;
      assert.deepEqual(
        [deleted.day, deleted.jobName, deleted.runs, deleted.costUsd],
        ['2026-10-13', 'deleted later', 2, 1],
      );
      // Spend since the first of November counts the rolled-up days and the live records once each.
      assert.equal(tx.usage.spendSince('2026-11-01T00:00:00.000Z', '2026-11-01'), 27 * 0.5);
    });
  });
});
