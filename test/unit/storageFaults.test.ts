// The database file under damage, foreign permissions and a full disk, through the CLI (in this
// process) and the scheduler: every problem ends as the storage error (exit 3) naming the file,
// nothing stored is lost or half-written, and what can be put back is offered back.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobJson } from '../../src/cli/output';
import { CorruptDatabaseError } from '../../src/storage/errors';
import { FAKE_CLAUDE } from './cliBundle';
import { TempDirs, cli, json, ok } from './cliHarness';
import { addFinishedRuns, addJobArgs, damagePages, pageCount, populateDatabase } from '../fixtures/damage';
import { useHarness } from './schedulerHarness';

const temp = new TempDirs();
after(() => temp.cleanup());

const ADD = addJobArgs;

/** A database with `jobs` jobs and `runs` finished runs each, made through the CLI and the storage layer. */
async function populated(jobs: number, runs: number): Promise<{ dir: string; db: string }> {
  const dir = temp.make('np-faults-');
  const db = path.join(dir, 'night-pilot.db');
  await populateDatabase(db, jobs, runs);
  return { dir, db };
}

describe('storage faults: damage inside the file (defect 12)', function () {
  this.timeout(60_000);

  it('an early page overwritten: the storage error (exit 3), the file moved aside, never "internal error"', async () => {
    const { db } = await populated(2, 3);
    damagePages(db, 2, 4);
    const result = await cli(['--db', db, 'job', 'list']);
    assert.equal(result.code, 3, result.stderr);
    assert.doesNotMatch(result.stderr, /internal error/);
    assert.match(result.stderr, /is damaged \(SQLite reports: .*malformed/);
    const moved = /moved aside to (\S+?) and/.exec(result.stderr)?.[1];
    assert.ok(moved && fs.existsSync(moved), result.stderr);
    assert.equal(fs.existsSync(db), false);
  });

  it('a late page overwritten: found by the integrity check, moved aside, and the last-good copy restored', async () => {
    const { db } = await populated(3, 400);
    const checked = await cli(['--db', db, '--json', 'db', 'check']);
    assert.equal(checked.code, 0, checked.stderr);
    assert.equal(json<{ ok: boolean }>(checked).ok, true);
    assert.ok(fs.existsSync(`${db}.last-good`));
    const pages = pageCount(db);
    damagePages(db, pages - 1, pages);
    // Nothing a listing reads is on those pages: it goes unnoticed...
    assert.equal(json<JobJson[]>(ok(await cli(['--db', db, '--json', 'job', 'list']))).length, 3);
    // ...until the check reads every page.
    const found = await cli(['--db', db, 'db', 'check']);
    assert.equal(found.code, 3, found.stderr);
    assert.match(found.stderr, /is damaged \((PRAGMA quick_check found|SQLite reports)/);
    assert.match(found.stderr, /can be put back with "night-pilot db restore"/);
    assert.equal(fs.existsSync(db), false, 'moved aside');

    const restored = await cli(['--db', db, '--json', 'db', 'restore']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(json<JobJson[]>(ok(await cli(['--db', db, '--json', 'job', 'list']))).length, 3);
    ok(await cli(['--db', db, 'db', 'check']));
  });

  it('restore keeps the file it replaces and refuses a damaged copy', async () => {
    const { db } = await populated(1, 10);
    ok(await cli(['--db', db, 'db', 'check']));
    ok(await cli(['--db', db, ...ADD('after the copy')]));
    const restored = json<{ keptAs: string }>(ok(await cli(['--db', db, '--json', 'db', 'restore'])));
    assert.ok(restored.keptAs.startsWith(`${db}.before-restore-`));
    assert.equal(json<JobJson[]>(ok(await cli(['--db', db, '--json', 'job', 'list']))).length, 1);
    damagePages(`${db}.last-good`, 2, 2);
    const refused = await cli(['--db', db, 'db', 'restore']);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /cannot be restored/);
  });

  describe('the scheduler checks the file when idle', () => {
    const fixture = useHarness('np-integrity-');

    it('finds late damage in the background, fails the database and stops', async () => {
      const h = await fixture.create('2026-11-27T10:00:00.000Z', { integrityCheckPauseMs: 0 });
      await h.addJob({ name: 'later', cron: '0 3 * * *' });
      await h.db.write((tx) => addFinishedRuns(tx, tx.jobs.list()[0]!.id, 400));
      const failures: unknown[] = [];
      h.db.onDidFail((err) => failures.push(err));
      const pages = pageCount(h.db.path);
      damagePages(h.db.path, pages - 1, pages);
      // Checked when idle, at most daily (no last-good copy yet: due); no pause before it here.
      await h.scheduler.tick();
      assert.equal(failures.length, 1);
      assert.ok(failures[0] instanceof CorruptDatabaseError);
      assert.equal(fs.existsSync(h.db.path), false, 'moved aside');
    });
  });
});

describe('storage faults: permissions (defect 13)', function () {
  this.timeout(30_000);
  const isRoot = process.getuid?.() === 0;

  it('keeps the mode the user gave the file, and refuses to write a read-only one', async function () {
    if (process.platform === 'win32') this.skip();
    const { db } = await populated(1, 0);
    fs.chmodSync(db, 0o640);
    ok(await cli(['--db', db, ...ADD('second')]));
    assert.equal(fs.statSync(db).mode & 0o777, 0o640, 'the save kept the mode');
    fs.chmodSync(db, 0o444);
    const before = fs.readFileSync(db);
    const refused = await cli(['--db', db, ...ADD('third')]);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /is read-only \(mode 0444\)/);
    assert.ok(refused.stderr.includes(db));
    assert.deepEqual(fs.readFileSync(db), before);
    assert.equal(fs.statSync(db).mode & 0o777, 0o444);
    assert.equal(json<JobJson[]>(ok(await cli(['--db', db, '--json', 'job', 'list']))).length, 2);
  });

  it('refuses to replace a file another user owns, and still reads it', async function () {
    if (!isRoot) {
      console.log('      (skipped: needs root to give the file to another user)');
      this.skip();
    }
    const { db } = await populated(1, 0);
    fs.chownSync(db, 4242, 4242);
    const refused = await cli(['--db', db, ...ADD('as root')]);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /belongs to another user \(uid 4242\)/);
    assert.equal(fs.statSync(db).uid, 4242, 'still its owner');
    assert.equal(json<JobJson[]>(ok(await cli(['--db', db, '--json', 'job', 'list']))).length, 1);
  });
});

describe('storage faults: a full disk (defect 14)', function () {
  this.timeout(120_000);
  let mount: string | null = null;

  before(function () {
    if (process.platform !== 'linux') this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'ignore' });
      mount = dir;
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      console.log('      (skipped: this machine does not allow mounting a small tmpfs here)');
      this.skip();
    }
  });

  after(() => {
    if (mount === null) return;
    try {
      execFileSync('umount', [mount], { stdio: 'ignore' });
    } catch {
      execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
    }
    fs.rmSync(mount, { recursive: true, force: true });
  });

  /** Fills the file system of `dir` with a filler file until a write fails; returns its path. */
  function fill(dir: string): string {
    const filler = path.join(dir, 'filler');
    const fd = fs.openSync(filler, 'w');
    const block = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) fs.writeSync(fd, block);
    } catch (err) {
      assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
    }
    // The last bytes too.
    try {
      for (;;) fs.writeSync(fd, Buffer.alloc(512, 1));
    } catch {
      // full
    }
    fs.closeSync(fd);
    return filler;
  }

  it('a write on a full disk is the storage error, leaves no lock or temp file, and the next write goes at once', async () => {
    const dir = fs.mkdtempSync(path.join(mount!, 'a-'));
    const db = path.join(dir, 'night-pilot.db');
    ok(await cli(['--db', db, ...ADD('before')]));
    const filler = fill(mount!);
    try {
      const refused = await cli(['--db', db, ...ADD('on a full disk')]);
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(refused.stderr, /disk \(or your quota\) is full/);
      assert.deepEqual(
        fs.readdirSync(dir).filter((n) => n !== 'night-pilot.db' && n !== 'night-pilot.db.wal'),
        [],
        'no lock file and no temp file left',
      );
      const run = await cli(['--db', db, '--claude', FAKE_CLAUDE, 'job', 'run', 'before']);
      assert.equal(run.code, 3, run.stderr);
      assert.doesNotMatch(run.stderr, /internal error/);
    } finally {
      fs.rmSync(filler);
    }
    const started = Date.now();
    ok(await cli(['--db', db, ...ADD('after')]));
    assert.ok(Date.now() - started < 1_000, 'no stale lock to wait out');
    assert.equal(json<JobJson[]>(ok(await cli(['--db', db, '--json', 'job', 'list']))).length, 2);
  });

  it('a run whose log fills the disk fails with that reason, and the database records it', async () => {
    const dir = fs.mkdtempSync(path.join(mount!, 'b-'));
    const db = path.join(dir, 'night-pilot.db');
    ok(
      await cli([
        '--db',
        db,
        ...ADD('flood'),
        '--cwd',
        dir,
        '--env',
        'FAKE_CLAUDE_MODE=flood',
        '--env',
        'FAKE_CLAUDE_BYTES=40000000',
      ]),
    );
    const run = await cli(['--db', db, '--claude', FAKE_CLAUDE, '--json', 'job', 'run', 'flood'], {
      cwd: dir,
    });
    assert.equal(run.code, 1, run.stderr);
    const printed = json<{ status: string; error: string }>(run);
    assert.equal(printed.status, 'failed');
    assert.match(printed.error, /its log could not be written \(the disk holding it is nearly full/);
    const list = json<Array<{ status: string }>>(ok(await cli(['--db', db, '--json', 'run', 'list'])));
    assert.deepEqual(
      list.map((r) => r.status),
      ['failed'],
    );
  });
});
