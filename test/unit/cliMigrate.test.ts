// `night-pilot migrate FILE`: the preview with --dry-run (nothing written), the migration and its
// report, a second run that imports nothing, and the exit codes 2 (not a legacy database) and 3
// (the Night Pilot database cannot be written).

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NightPilotDatabase } from '../../src/storage/database';
import type { MigrationReport } from '../../src/storage/legacy/legacyReport';
import type { MigrationPreview } from '../../src/storage/legacy/legacyTypes';
import { DATA_B, SCHEMA_B, writeSqlJsDatabase } from '../fixtures/legacyFixtures';
import { TempDirs, cli, fileHash, json, ok } from './cliHarness';

const temp = new TempDirs();
after(() => temp.cleanup());
const NOW = new Date('2025-09-01T12:00:00.000Z');

async function workspace(): Promise<{ dir: string; db: string; legacy: string }> {
  const dir = temp.make('np-cli-migrate-');
  const legacy = path.join(dir, 'claude-night-pilot.db');
  await writeSqlJsDatabase(legacy, SCHEMA_B + DATA_B);
  return { dir, db: path.join(dir, 'np', 'claude-night-pilot.db'), legacy };
}

describe('night-pilot migrate', () => {
  it('--dry-run prints the preview and writes nothing', async () => {
    const { dir, db, legacy } = await workspace();
    const before = fileHash(legacy);
    const result = ok(
      await cli(['--db', db, '--json', 'migrate', 'claude-night-pilot.db', '--dry-run'], {
        cwd: dir,
        now: NOW,
      }),
    );
    const preview = json<MigrationPreview>(result);
    assert.equal(preview.source.path, legacy);
    assert.deepEqual(preview.source.generations, ['B']);
    assert.equal(preview.counts.jobs, 7);
    assert.equal(preview.counts.runs, 3);
    const both = preview.warnings.find((w) => w.code === 'bothDays');
    assert.equal(both?.decision, 'bothDays');
    const daily = preview.jobs.find((j) => j.cronExpression === '0 0 9 * * *');
    assert.deepEqual(
      [daily?.timezone, daily?.status, daily?.nextRunTime],
      ['UTC', 'active', '2025-09-02T09:00:00.000Z'],
    );
    assert.equal(fs.existsSync(db), false, 'a dry run creates no database');
    assert.equal(fileHash(legacy), before);

    const text = ok(
      await cli(['--db', db, 'migrate', legacy, '--dry-run', '--both-days', 'day-of-week'], { now: NOW }),
    );
    assert.match(text.stdout, /Jobs as they will be created:/);
    assert.match(text.stdout, /bothDays = dayOfWeek; change with --both-days/);
    assert.match(text.stdout, /Dry run: nothing was written/);
    assert.equal(fs.existsSync(db), false);
  });

  it('migrates, prints where the backup and report are, and a second run imports nothing', async () => {
    const { db, legacy } = await workspace();
    const before = fileHash(legacy);
    const first = ok(await cli(['--db', db, 'migrate', legacy], { now: NOW }));
    assert.match(first.stdout, /Imported:\s+2 prompt\(s\), 7 job\(s\), 3 run\(s\)/);
    assert.match(first.stdout, /Verification:\s+passed/);
    const jobs = json<{ name: string; cronExpression: string; timezone: string }[]>(
      ok(await cli(['--db', db, '--json', 'job', 'list'], { now: NOW })),
    );
    assert.equal(jobs.length, 7);
    assert.ok(jobs.some((j) => j.cronExpression === '0 0 9 * * *' && j.timezone === 'UTC'));

    const second = json<MigrationReport>(
      ok(await cli(['--db', db, '--json', 'migrate', legacy], { now: NOW })),
    );
    assert.deepEqual(second.imported, { prompts: 0, jobs: 0, runs: 0, usageRecords: 0 });
    assert.equal(second.verify.ok, true);
    assert.ok(fs.existsSync(second.reportFiles.markdown));
    assert.ok(fs.existsSync(second.databaseBackup!), 'the database before the migration is kept for an undo');
    assert.equal(fileHash(legacy), before);
  });

  it('--lang zh-tw writes report.md in Traditional Chinese; the printed report and report.json stay English', async () => {
    const { db, legacy } = await workspace();
    const result = ok(await cli(['--db', db, '--json', 'migrate', legacy, '--lang', 'zh-TW'], { now: NOW }));
    const report = json<MigrationReport>(result);
    const markdown = fs.readFileSync(report.reportFiles.markdown, 'utf8');
    assert.match(markdown, /^# Night Pilot：舊版資料庫遷移報告$/m);
    assert.match(markdown, /2 個提示、7 個工作、3 次執行、\d+ 筆用量記錄。/);
    assert.ok(
      report.warnings.every((w) => !/[\u4e00-\u9fff]/.test(w.message)),
      'report.json warnings are English',
    );
    const bad = await cli(['--db', db, 'migrate', legacy, '--lang', 'fr'], { now: NOW });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--lang: "fr" is not one of en, zh-tw/);
  });

  it('exits 2 for a file that is not a legacy Night Pilot database, naming it and the reason', async () => {
    const { dir, db } = await workspace();
    const notSqlite = path.join(dir, 'notes.txt');
    fs.writeFileSync(notSqlite, 'just some text, not SQLite at all, but long enough to have a header......');
    const unknown = path.join(dir, 'other.db');
    await writeSqlJsDatabase(unknown, 'CREATE TABLE bookmarks (url TEXT);');
    const truncated = path.join(dir, 'truncated.db');
    fs.writeFileSync(truncated, fs.readFileSync(unknown).subarray(0, 4000));
    for (const [file, reason] of [
      [notSqlite, /not an SQLite database/],
      [unknown, /not a legacy Claude Night Pilot database: none of its tables \(bookmarks\)/],
      [truncated, /truncated/],
      [path.join(dir, 'nope.db'), /does not exist/],
    ] as const) {
      const result = await cli(['--db', db, '--json', 'migrate', file], { now: NOW });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.ok(result.stderr.includes(file), result.stderr);
      assert.match(result.stderr, reason);
    }
    const bad = await cli(['--db', db, 'migrate', notSqlite, '--both-days', 'sometimes']);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /--both-days: "sometimes" is not one of pause, either, day-of-month, day-of-week/,
    );
    assert.equal(fs.existsSync(db), false);
  });

  it('--undo says what it would lose and changes nothing without --yes; with it, the database from before comes back', async () => {
    const { db, legacy } = await workspace();
    ok(
      await cli(['--db', db, 'job', 'add', '--name', 'mine', '--prompt', 'p', '--cron', '@daily'], {
        now: NOW,
      }),
    );
    const report = json<MigrationReport>(
      ok(await cli(['--db', db, '--json', 'migrate', legacy], { now: NOW })),
    );
    assert.ok(report.logFiles.length > 0 && report.logFiles.every((f) => fs.existsSync(f)));
    // After the migration: a job created and a run recorded by a scheduler.
    const later = new Date(NOW.getTime() + 3600_000);
    ok(
      await cli(['--db', db, 'job', 'add', '--name', 'after', '--prompt', 'p', '--cron', '@daily'], {
        now: later,
      }),
    );
    const database = await NightPilotDatabase.open(db, { clock: () => later });
    await database.write((tx) => {
      const job = tx.jobs.list().find((j) => j.name === 'mine')!;
      tx.runs.claim({
        jobId: job.id,
        trigger: 'schedule',
        scheduledFor: later.toISOString(),
        status: 'succeeded',
      });
    });
    database.close();
    const before = fileHash(db);

    const refused = await cli(['--db', db, 'migrate', '--undo', report.backupFolder], { now: later });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /would lose 1 run\(s\) recorded since the migration, 1 job\(s\) created since, 0 later migration\(s\)/,
    );
    assert.match(refused.stderr, /Nothing was changed; run again with --yes/);
    const dry = json<{ lost: { runs: number; jobs: number }; present: boolean }>(
      ok(
        await cli(['--db', db, '--json', 'migrate', '--undo', report.backupFolder, '--dry-run'], {
          now: later,
        }),
      ),
    );
    assert.deepEqual([dry.lost.runs, dry.lost.jobs, dry.present], [1, 1, true]);
    assert.equal(fileHash(db), before, 'nothing changed without --yes');

    const undone = json<{ keptAs: string; logFilesRemoved: number }>(
      ok(
        await cli(['--db', db, '--json', 'migrate', '--undo', report.backupFolder, '--yes'], { now: later }),
      ),
    );
    const names = json<{ name: string }[]>(
      ok(await cli(['--db', db, '--json', 'job', 'list'], { now: later })),
    );
    assert.deepEqual(
      names.map((j) => j.name),
      ['mine'],
    );
    assert.equal(fileHash(undone.keptAs), before, 'the replaced database is kept as it was');
    assert.match(path.basename(undone.keptAs), /^claude-night-pilot\.db\.before-undo-/);
    assert.equal(undone.logFilesRemoved, report.logFiles.length);
    assert.ok(
      report.logFiles.every((f) => !fs.existsSync(f)),
      "the imported runs' logs are gone",
    );
    // Undoing it again says the migration is not in the database any more.
    const again = ok(
      await cli(['--db', db, 'migrate', '--undo', report.backupFolder, '--dry-run'], { now: later }),
    );
    assert.match(again.stdout, /not in the database any more/);
  });

  it('a migration into a database that did not exist can be undone too: back to an empty database', async () => {
    const { db, legacy } = await workspace();
    const report = json<MigrationReport>(
      ok(await cli(['--db', db, '--json', 'migrate', legacy], { now: NOW })),
    );
    assert.ok(report.databaseBackup, 'the empty database before the migration is in the backup');
    ok(await cli(['--db', db, 'migrate', '--undo', report.backupFolder, '--yes'], { now: NOW }));
    assert.deepEqual(json<unknown[]>(ok(await cli(['--db', db, '--json', 'job', 'list'], { now: NOW }))), []);
  });

  it('--undo refuses a folder that is not a backup, and FILE with --undo, naming the problem (exit 2)', async () => {
    const { dir, db, legacy } = await workspace();
    const notBackup = await cli(['--db', db, 'migrate', '--undo', dir, '--yes']);
    assert.equal(notBackup.code, 2);
    assert.ok(notBackup.stderr.includes(dir), notBackup.stderr);
    assert.match(notBackup.stderr, /not the backup folder of a legacy migration \(it has no report\.json\)/);
    const both = await cli(['--db', db, 'migrate', legacy, '--undo', dir]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--undo takes the backup folder, not a legacy FILE/);
    const neither = await cli(['--db', db, 'migrate']);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /missing argument FILE \(or --undo FOLDER\)/);
    assert.equal(fs.existsSync(db), false);
  });

  describe('when the Night Pilot database cannot be written', () => {
    let holder: ChildProcess | undefined;
    afterEach(() => {
      holder?.kill();
      holder = undefined;
    });

    it('exits 3 with the storage message, and leaves no backup folder and no change behind', async () => {
      const { db, legacy } = await workspace();
      ok(await cli(['--db', db, 'job', 'add', '--name', 'mine', '--prompt', 'p', '--cron', '@daily']));
      const before = fileHash(db);
      holder = spawn('sleep', ['30'], { stdio: 'ignore' });
      fs.writeFileSync(
        `${db}.lock`,
        JSON.stringify({
          pid: holder.pid,
          host: os.hostname(),
          token: 'x',
          acquiredAt: Date.now(),
          label: 'test',
        }),
      );
      const result = await cli(['--db', db, 'migrate', legacy], {
        env: { NIGHT_PILOT_LOCK_TIMEOUT_MS: '300' },
        now: NOW,
      });
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /Timed out after 0\.\d s waiting for the database lock/);
      assert.equal(fileHash(db), before);
      const backups = path.join(path.dirname(db), 'legacy-migrations');
      assert.deepEqual(fs.existsSync(backups) ? fs.readdirSync(backups) : [], []);
    });
  });
});
