// Storage problems end with exit code 3 and the storage layer's own message, which names the
// files involved; the database is never rewritten on the way.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSqlJs } from '../../src/storage/sqlJs';
import { TempDirs, cli, fileHash, ok } from './cliHarness';

const temp = new TempDirs();
after(() => temp.cleanup());

const ADD = ['job', 'add', '--name', 'n', '--prompt', 'p', '--cron', '@daily'];

async function writeNewerSchemaFile(file: string): Promise<void> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE future (x INTEGER); PRAGMA user_version = 99;');
  fs.writeFileSync(file, db.export());
  db.close();
}

describe('night-pilot storage problems', () => {
  it('refuses a database from a newer Night Pilot with exit 3, leaving it untouched', async () => {
    const dir = temp.make();
    const db = path.join(dir, 'future.db');
    await writeNewerSchemaFile(db);
    const before = fileHash(db);
    for (const argv of [['job', 'list'], ADD, ['--json', 'run', 'list']]) {
      const result = await cli(['--db', db, ...argv]);
      assert.equal(result.code, 3, result.stderr);
      assert.equal(result.stdout, '');
      assert.ok(result.stderr.includes(db), result.stderr);
      assert.match(result.stderr, /schema version 99/);
      assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+/);
      assert.equal(fileHash(db), before);
    }
  });

  it('moves a damaged file aside and names both paths, with exit 3', async () => {
    const dir = temp.make();
    const db = path.join(dir, 'damaged.db');
    const garbage = crypto.randomBytes(8192);
    fs.writeFileSync(db, garbage);
    const result = await cli(['--db', db, 'job', 'list']);
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.stdout, '');
    const moved = /moved aside to (\S+?) and/.exec(result.stderr)?.[1];
    assert.ok(moved, result.stderr);
    assert.ok(result.stderr.includes(db));
    assert.ok(moved.startsWith(`${db}.corrupt-`));
    assert.deepEqual(fs.readFileSync(moved), garbage, 'the damaged bytes are kept');
    assert.equal(fs.existsSync(db), false);
    // The next command starts over with a new, empty database.
    ok(await cli(['--db', db, ...ADD]));
  });

  describe('with the lock held by a live process', () => {
    let holder: ChildProcess | undefined;

    afterEach(() => {
      holder?.kill();
      holder = undefined;
    });

    function holdLock(db: string): void {
      holder = spawn('sleep', ['30'], { stdio: 'ignore' });
      const owner = {
        pid: holder.pid,
        host: os.hostname(),
        token: 'x',
        acquiredAt: Date.now(),
        label: 'test',
      };
      fs.writeFileSync(`${db}.lock`, JSON.stringify(owner));
    }

    it('gives up after NIGHT_PILOT_LOCK_TIMEOUT_MS with exit 3, naming the lock file', async () => {
      const dir = temp.make();
      const db = path.join(dir, 'locked.db');
      ok(await cli(['--db', db, ...ADD]));
      const before = fileHash(db);
      holdLock(db);
      const result = await cli(['--db', db, 'job', 'pause', 'n'], {
        env: { NIGHT_PILOT_LOCK_TIMEOUT_MS: '300' },
      });
      assert.equal(result.code, 3, result.stderr);
      assert.equal(result.stdout, '');
      assert.ok(result.stderr.includes(`${db}.lock`), result.stderr);
      assert.match(
        result.stderr,
        /Timed out after 0\.\d s waiting for the database lock .* \(held by test pid \d+/,
      );
      assert.equal(fileHash(db), before);
      // Reading needs no lock.
      ok(await cli(['--db', db, 'job', 'list'], { env: { NIGHT_PILOT_LOCK_TIMEOUT_MS: '300' } }));
    });

    it('does not create a missing database while waiting in vain', async () => {
      const dir = temp.make();
      const db = path.join(dir, 'new.db');
      holdLock(db);
      const result = await cli(['--db', db, ...ADD], { env: { NIGHT_PILOT_LOCK_TIMEOUT_MS: '200' } });
      assert.equal(result.code, 3, result.stderr);
      assert.equal(fs.existsSync(db), false);
    });
  });

  it('reports a database path under a regular file as a storage problem', async () => {
    const dir = temp.make();
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, 'x');
    const db = path.join(file, 'night-pilot.db');
    const result = await cli(['--db', db, ...ADD]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /Cannot use the database .*file\/night-pilot\.db/);
  });
});
