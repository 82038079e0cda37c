import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NightPilotDatabase } from '../../src/storage/database';
import { LockTimeoutError } from '../../src/storage/errors';
import { processStartToken } from '../../src/storage/processIdentity';
import { isStopped, waitFor } from './cliBundle';
import { addJob, useTempDatabaseFile } from './storageHelpers';

const WRITER = path.resolve(__dirname, '../fixtures/storageWriter.ts');
const FROZEN_WRITER = path.resolve(__dirname, '../fixtures/frozenWriter.ts');

/** Resolves once `child` has printed `line`. */
function printed(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').includes(line)) resolve();
    });
    child.on('close', (code) => reject(new Error(`exited ${code} before printing "${line}": ${out}`)));
  });
}

function startWriter(db: string, jobId: string, writer: number, count: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', WRITER, db, jobId, String(writer), String(count)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finished(child: ChildProcess): Promise<{ code: number | null; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr, stdout })));
}

describe('storage: several processes on one file', function () {
  this.timeout(120_000);
  const tmp = useTempDatabaseFile();

  it('N processes writing at once end with exactly N x M rows and a file that opens cleanly', async () => {
    const N = 4;
    const M = 40;
    const setup = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(setup);
    setup.close();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => finished(startWriter(tmp.file, job.id, i + 1, M))),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const db = await NightPilotDatabase.open(tmp.file);
    const rows = db.read((tx) =>
      tx.sql.all('SELECT attempt, COUNT(*) AS n FROM job_runs GROUP BY attempt ORDER BY attempt'),
    );
    assert.deepEqual(
      rows.map((r) => [r.attempt, r.n]),
      Array.from({ length: N }, (_, i) => [i + 1, M]),
    );
    assert.equal(
      db.read((tx) => tx.runs.count()),
      N * M,
    );
    db.close();
    assert.deepEqual(
      fs.readdirSync(tmp.dir).sort(),
      ['claude-night-pilot.db', 'claude-night-pilot.db.wal'],
      'no lock or temp file left behind',
    );
  });

  it('a writer killed with SIGKILL in the middle of saves leaves the last committed state', async () => {
    const setup = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(setup);
    setup.close();
    for (let round = 0; round < 5; round++) {
      const child = startWriter(tmp.file, job.id, round + 1, 100_000);
      let committed = -1;
      child.stdout!.on('data', (d: Buffer) => {
        const last = d.toString().trim().split('\n').pop()!;
        committed = Number(last.split(' ')[1]);
      });
      // Kill it at a different point of its save cycle each round.
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (committed >= 5 + round * 7) {
            clearInterval(check);
            child.kill('SIGKILL');
            resolve();
          }
        }, 1);
      });
      await new Promise((r) => child.on('close', r));
      const db = await NightPilotDatabase.open(tmp.file);
      const count = db.read(
        (tx) => tx.runs.list({ jobId: job.id }).filter((r) => r.attempt === round + 1).length,
      );
      db.close();
      // Everything it reported committed is there; at most the one save in flight beyond that.
      assert.ok(
        count >= committed + 1 && count <= committed + 2,
        `round ${round}: ${count} rows, ${committed + 1} reported`,
      );
    }
    // A later writer cleans up the temp files the killed ones left behind.
    const db = await NightPilotDatabase.open(tmp.file);
    await addJob(db, 'after');
    db.close();
    assert.deepEqual(fs.readdirSync(tmp.dir).sort(), ['claude-night-pilot.db', 'claude-night-pilot.db.wal']);
  });
});

describe('storage: a writer frozen in the middle of its save', function () {
  this.timeout(60_000);
  const tmp = useTempDatabaseFile();

  it('renames nothing once its lock was taken, and retries from the file: no acknowledged write is lost', async () => {
    const db = await NightPilotDatabase.open(tmp.file, { lockTimeoutMs: 5_000 });
    const job = await addJob(db, 'fenced');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', FROZEN_WRITER, tmp.file, job.id, '2026-01-01T00:00:00.000Z'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const done = finished(child);
    try {
      await printed(child, 'frozen');
      // It prints "frozen" just before it stops itself: a SIGCONT sent before it has stopped (on a
      // busy machine the rest below can take less time than that) would be lost, leaving it
      // stopped for good.
      if (process.platform === 'linux')
        await waitFor('the writer to stop', () => isStopped(child.pid!) || undefined);
      // Its lock is taken from it, as a breaker on another host (or a person) would.
      fs.rmSync(`${tmp.file}.lock`);
      await db.write((tx) =>
        tx.runs.claim({
          jobId: job.id,
          trigger: 'manual',
          scheduledFor: '2026-01-02T00:00:00.000Z',
          status: 'succeeded',
        }),
      );
      child.kill('SIGCONT');
      const result = await done;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /acknowledged/);
    } finally {
      child.kill('SIGKILL');
    }
    const scheduled = db.read((tx) =>
      tx.runs
        .list({ jobId: job.id })
        .map((r) => r.scheduledFor)
        .sort(),
    );
    assert.deepEqual(scheduled, ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
    db.close();
  });
});

describe('storage: the inter-process lock', function () {
  this.timeout(30_000);
  const tmp = useTempDatabaseFile();

  function writeLock(pid: number, acquiredAt = Date.now(), start: string | null = null): void {
    fs.writeFileSync(
      `${tmp.file}.lock`,
      JSON.stringify({
        pid,
        host: os.hostname(),
        start,
        token: 'other',
        acquiredAt,
        label: 'night-pilot scheduler',
      }),
    );
  }

  it('takes over the lock of a process that died', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('close', r));
    writeLock(dead.pid!);
    const job = await addJob(db, 'after-dead-holder');
    assert.equal(
      db.read((tx) => tx.jobs.require(job.id).name),
      'after-dead-holder',
    );
    assert.ok(!fs.existsSync(`${tmp.file}.lock`), 'released after the write');
    db.close();
  });

  it('waits for a live holder and then fails with a clear error, changing nothing', async () => {
    const db = await NightPilotDatabase.open(tmp.file, { lockTimeoutMs: 400 });
    const before = fs.readFileSync(tmp.file);
    const holder = spawn('sleep', ['30']);
    try {
      writeLock(holder.pid!);
      await assert.rejects(addJob(db), (err: unknown) => {
        assert.ok(err instanceof LockTimeoutError);
        assert.match(err.message, new RegExp(`pid ${holder.pid}`));
        assert.match(err.message, /night-pilot scheduler/);
        assert.ok(err.message.includes(`${tmp.file}.lock`));
        return true;
      });
      assert.deepEqual(fs.readFileSync(tmp.file), before);
      assert.equal(
        db.read((tx) => tx.jobs.list().length),
        0,
      );
    } finally {
      holder.kill('SIGKILL');
      db.close();
    }
  });

  it('proceeds as soon as a live holder releases', async () => {
    const db = await NightPilotDatabase.open(tmp.file, { lockTimeoutMs: 5_000 });
    writeLock(process.ppid);
    setTimeout(() => fs.rmSync(`${tmp.file}.lock`), 200);
    const job = await addJob(db, 'waited');
    assert.equal(
      db.read((tx) => tx.jobs.require(job.id).name),
      'waited',
    );
    db.close();
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse: another start time)', async () => {
    const db = await NightPilotDatabase.open(tmp.file, { lockTimeoutMs: 2_000 });
    writeLock(process.ppid, Date.now(), 'boot-0');
    await addJob(db, 'reused-pid');
    assert.ok(!fs.existsSync(`${tmp.file}.lock`));
    db.close();
  });

  it('never takes the lock of a live holder, however long it has held it (frozen, suspended)', async () => {
    const db = await NightPilotDatabase.open(tmp.file, { lockTimeoutMs: 600 });
    // Held for ten minutes by a live process: a writer stopped mid-save, a laptop suspended.
    writeLock(process.ppid, Date.now() - 10 * 60_000, processStartToken(process.ppid));
    await assert.rejects(addJob(db, 'must-wait'), LockTimeoutError);
    assert.equal(
      JSON.parse(fs.readFileSync(`${tmp.file}.lock`, 'utf8')).token,
      'other',
      'the lock is still its',
    );
    db.close();
  });
});
