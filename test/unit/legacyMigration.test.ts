// The legacy migration engine on generated databases of every generation: what each row becomes,
// the warnings and decisions, the round trip (every row imported or skipped with a reason), a
// second run that imports nothing, and source files that never change.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { nextFireTimes } from '../../src/core/cron';
import type { Job } from '../../src/core/model';
import type { NightPilotDatabase } from '../../src/storage/database';
import type { MigrationPlan } from '../../src/storage/legacy/legacyTypes';
import {
  CHINESE_CONTENT,
  CHINESE_TITLE,
  DATA_A,
  DATA_B,
  DATA_C,
  DATA_D,
  SCHEMA_A,
  SCHEMA_B,
  SCHEMA_C,
  SCHEMA_D,
  writeSqlJsDatabase,
} from '../fixtures/legacyFixtures';
import { NOW, count, migrateFile, openUnified, plan } from './legacyHarness';
import { useTempDir } from './storageHelpers';

function jobNamed(db: NightPilotDatabase, name: string): Job {
  const job = db.read((tx) => tx.jobs.list()).find((j) => j.name === name);
  assert.ok(job, `no job named ${name}`);
  return job;
}

function warning(p: MigrationPlan, code: string) {
  return p.warnings.find((w) => w.code === code);
}

describe('legacy migration engine', () => {
  const tmp = useTempDir('np-legacy-');
  let db: NightPilotDatabase | undefined;
  afterEach(() => {
    db?.close();
    db = undefined;
  });
  const legacy = async (name: string, sql: string) => {
    const file = path.join(tmp.dir, name);
    await writeSqlJsDatabase(file, sql);
    return file;
  };

  it('migrates generation A: every row imported or skipped with a reason, text byte for byte, a second run imports nothing', async () => {
    const file = await legacy('claude-pilot.db', SCHEMA_A + DATA_A);
    db = await openUnified(tmp.dir);
    const { plan: p, report } = await migrateFile(db, file);
    assert.deepEqual(p.source.generations, ['A']);
    for (const code of ['utcCron', 'manual', 'fiveField', 'unparseable', 'orphanJobs', 'orphanResults']) {
      assert.ok(warning(p, code), `no ${code} warning: ${p.warnings.map((w) => w.code).join(', ')}`);
    }
    assert.equal(report.verify.ok, true, JSON.stringify(report.verify));
    for (const t of report.verify.tables) {
      assert.equal(t.imported + t.skipped, t.rows, `table ${t.table}`);
    }
    // Traditional Chinese and emoji, byte for byte.
    const prompt = db.read((tx) => tx.prompts.list()).find((x) => x.title === CHINESE_TITLE);
    assert.ok(prompt);
    assert.equal(
      Buffer.from(prompt.content, 'utf8').toString('hex'),
      Buffer.from(CHINESE_CONTENT, 'utf8').toString('hex'),
    );
    assert.deepEqual(prompt.tags, ['review', 'nightly']);

    const daily = jobNamed(db, CHINESE_TITLE);
    assert.equal(daily.cronExpression, '0 0 9 * * *');
    assert.equal(daily.timezone, 'UTC');
    assert.equal(daily.status, 'active');
    assert.equal(daily.nextRunTime, '2025-09-02T09:00:00.000Z');
    assert.equal(daily.executionCount, 3);
    assert.equal(daily.failureCount, 1);
    const manual = jobNamed(db, 'Manual check');
    assert.equal(manual.cronExpression, '');
    assert.equal(manual.status, 'completed', "'done' is completed");
    const weekday = db.read((tx) => tx.jobs.list()).filter((j) => j.name.startsWith('Weekday report'));
    assert.deepEqual(weekday.map((j) => [j.cronExpression, j.status]).sort(), [
      ['0 30 2 * * 1-5', 'active'],
      ['0 9 * * *', 'paused'],
    ]);
    const unparseable = db.read((tx) => tx.jobs.list()).find((j) => j.cronExpression === 'every morning');
    assert.equal(unparseable?.status, 'failed', "'error' stays failed, with its original text kept");

    // Runs with their content; same-second results stay apart; the "error:" one failed.
    const runs = db.read((tx) => tx.runs.list({ jobId: daily.id }));
    assert.equal(runs.length, 3);
    assert.equal(new Set(runs.map((r) => r.scheduledFor)).size, 3);
    for (const run of runs)
      assert.match(run.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(runs.map((r) => r.status).sort(), ['failed', 'succeeded', 'succeeded']);
    const tails = db.read((tx) => runs.map((r) => tx.processes.listByRun(r.id)[0]?.outputTail));
    assert.ok(tails.includes('今天沒有風險 🎉'));
    // The orphan result lives under a paused placeholder; the orphan job kept a placeholder prompt.
    const placeholder = jobNamed(db, 'Deleted job jobs #42 (legacy)');
    assert.equal(placeholder.status, 'paused');
    assert.equal(db.read((tx) => tx.runs.list({ jobId: placeholder.id })).length, 1);

    // The report is in the backup folder with the copies.
    assert.ok(fs.existsSync(report.reportFiles.json));
    assert.match(fs.readFileSync(report.reportFiles.markdown, 'utf8'), /Verification: \*\*passed\*\*/);
    assert.ok(fs.existsSync(path.join(report.backupFolder, 'claude-pilot.db')));

    const jobs = count(db, 'SELECT COUNT(*) AS n FROM jobs');
    const runsTotal = count(db, 'SELECT COUNT(*) AS n FROM job_runs');
    const again = await migrateFile(db, file);
    assert.deepEqual(again.report.imported, { prompts: 0, jobs: 0, runs: 0, usageRecords: 0 });
    assert.equal(again.report.verify.ok, true, JSON.stringify(again.report.verify));
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM jobs'), jobs);
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM job_runs'), runsTotal);
    assert.ok(warning(again.plan, 'alreadyImported'));
  });

  it('migrated six-field UTC jobs fire at the same instants as the old engine did', async () => {
    const file = await legacy('claude-pilot.db', SCHEMA_A + DATA_A);
    db = await openUnified(tmp.dir);
    await migrateFile(db, file);
    const weekday = jobNamed(db, 'Weekday report');
    // The old engine: "0 30 2 * * 1-5" = 02:30:00 UTC Monday to Friday. 2025-09-01 is a Monday.
    const expected = [
      '2025-09-02T02:30:00.000Z',
      '2025-09-03T02:30:00.000Z',
      '2025-09-04T02:30:00.000Z',
      '2025-09-05T02:30:00.000Z',
      '2025-09-08T02:30:00.000Z',
    ];
    const fires = nextFireTimes(weekday.cronExpression, NOW, 5, weekday.timezone).map((d) => d.toISOString());
    assert.deepEqual(fires, expected);
    // With seconds: 09:00:00 UTC daily, whatever the machine's zone.
    const daily = jobNamed(db, CHINESE_TITLE);
    assert.deepEqual(
      nextFireTimes(daily.cronExpression, NOW, 2, daily.timezone).map((d) => d.toISOString()),
      ['2025-09-02T09:00:00.000Z', '2025-09-03T09:00:00.000Z'],
    );
  });

  it('switching six-field jobs to local time keeps the clock time in the chosen zone', async () => {
    const file = await legacy('claude-pilot.db', SCHEMA_A + DATA_A);
    db = await openUnified(tmp.dir);
    await migrateFile(db, file, { utcCron: 'localTime' });
    const daily = jobNamed(db, CHINESE_TITLE);
    assert.equal(daily.timezone, 'Asia/Taipei');
    assert.equal(daily.nextRunTime, '2025-09-02T01:00:00.000Z');
  });

  it('migrates generation B: case-insensitive statuses, GUI names, AND days, one-shots, the CLI JSON and running totals', async () => {
    const file = await legacy('claude-night-pilot.db', SCHEMA_B + DATA_B);
    db = await openUnified(tmp.dir);
    const { plan: p, report } = await migrateFile(db, file);
    assert.equal(report.verify.ok, true, JSON.stringify(report.verify));
    assert.ok(warning(p, 'bothDays')?.decision === 'bothDays');
    assert.ok(warning(p, 'nameInSchedule'));
    assert.ok(warning(p, 'unknownStatus'));
    const jobs = db.read((tx) => tx.jobs.list());
    const bySchedule = (cron: string) => jobs.find((j) => j.cronExpression === cron);
    assert.equal(bySchedule('0 0 9 * * *')?.status, 'active', "'Active' is active");
    assert.equal(
      bySchedule('0 0 9 13 * 5')?.status,
      'paused',
      'both day fields: paused until the user decides',
    );
    assert.equal(bySchedule('0 15 10 * * *')?.status, 'paused');
    assert.equal(bySchedule('0 0 1 * * *')?.status, 'completed');
    assert.equal(bySchedule('0 0 8 * * *')?.status, 'paused', 'an unknown status is imported paused');
    const named = jobs.find((j) => j.name === '每週報告');
    assert.ok(named, 'the GUI kept the name in schedule_time');
    assert.equal(named.cronExpression, '');
    const once = bySchedule('0 30 10 1 1 *');
    assert.equal(once?.jobType, 'one_time');
    assert.equal(once?.nextRunTime, '2099-01-01T10:30:00.000Z');

    // The JSON content: session id, tokens per model, cost; the error run failed with its message.
    const runs = db.read((tx) => tx.runs.list({ jobId: bySchedule('0 0 9 * * *')!.id }));
    const ok = runs.find((r) => r.status === 'succeeded')!;
    assert.equal(ok.sessionId, 'sess-1');
    const usage = db.read((tx) => tx.usage.listByRun(ok.id));
    assert.deepEqual(
      usage.map((u) => [u.model, u.inputTokens, u.outputTokens, u.costUsd]),
      [['claude-sonnet-4-5', 1000, 200, 0.006]],
    );
    const failed = runs.find((r) => r.status === 'failed')!;
    assert.equal(failed.error, 'error: usage limit reached');
    // Totals kept: the running total minus what the runs account for, once.
    const total = db.read((tx) => tx.usage.totals());
    const sum = (k: 'inputTokens' | 'outputTokens' | 'costUsd') => total.reduce((s, u) => s + u[k], 0);
    assert.equal(sum('inputTokens'), 5000);
    assert.equal(sum('outputTokens'), 700);
    assert.ok(Math.abs(sum('costUsd') - 0.05) < 1e-9);
    const again = await migrateFile(db, file);
    assert.equal(again.report.imported.usageRecords, 0);
  });

  it('migrates generation C: priorities, schedule_config, statuses, unfinished runs, summaries skipped with reasons', async () => {
    const file = await legacy('claude-pilot.db', SCHEMA_C + DATA_C);
    db = await openUnified(tmp.dir);
    const { plan: p, report } = await migrateFile(db, file);
    assert.equal(report.verify.ok, true, JSON.stringify(report.verify));
    const core = jobNamed(db, 'Core nightly');
    assert.deepEqual(
      [core.cronExpression, core.timezone, core.status, core.priority, core.retry.maxAttempts],
      ['0 0 3 * * *', 'UTC', 'active', 1, 4],
    );
    const chinese = jobNamed(db, '中文排程');
    assert.deepEqual(
      [chinese.cronExpression, chinese.status, chinese.priority],
      ['0 0 21 * * 1-5', 'active', 7],
    );
    assert.equal(jobNamed(db, 'Suspended job').status, 'paused');
    assert.equal(jobNamed(db, 'Failed job').status, 'failed');
    assert.equal(jobNamed(db, 'Done job').status, 'completed');
    const interval = jobNamed(db, 'Interval job');
    assert.equal(interval.status, 'paused');
    assert.equal(interval.cronExpression, 'interval {"seconds":90}', 'the original text is kept');
    assert.ok(warning(p, 'unfinishedRuns'));
    const chineseRuns = db.read((tx) => tx.runs.list({ jobId: chinese.id }));
    assert.equal(chineseRuns[0]?.status, 'failed');
    assert.match(chineseRuns[0]?.error ?? '', /Unfinished in the old app/);
    const coreRuns = db.read((tx) => tx.runs.list({ jobId: core.id }));
    const timedOut = coreRuns.find((r) => r.status === 'failed')!;
    assert.equal(timedOut.error, 'Timeout after 300 s');
    assert.equal(Date.parse(timedOut.endedAt!) - Date.parse(timedOut.startedAt!), 300000);
    const skippedStats = report.skipped.find((s) => s.table === 'usage_stats');
    assert.match(skippedStats?.reason ?? '', /period summary/);
    assert.ok(report.skipped.find((s) => s.table === 'system_metadata'));
  });

  it('migrates generation D: a copy of an older job is imported once, from the original, and a lost schedule is reported', async () => {
    const file = await legacy('claude-night-pilot.db', SCHEMA_B + SCHEMA_D + DATA_D);
    db = await openUnified(tmp.dir);
    const { plan: p, report } = await migrateFile(db, file);
    assert.equal(report.verify.ok, true, JSON.stringify(report.verify));
    assert.deepEqual(p.source.generations, ['B', 'D']);
    assert.ok(warning(p, 'copyOfNewer'));
    assert.ok(warning(p, 'lostSchedule'));
    const jobs = db.read((tx) => tx.jobs.list());
    assert.equal(jobs.filter((j) => j.cronExpression === '0 0 7 * * *').length, 1);
    const lost = jobNamed(db, 'Lost job');
    assert.deepEqual([lost.cronExpression, lost.status], ['', 'paused']);
    const unified = jobNamed(db, 'Real unified');
    const runs = db.read((tx) => tx.runs.list({ jobId: unified.id }));
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.startedAt, '2025-08-03T12:00:00.000Z');
  });

  it('reads a file holding two generations (A and B) through one prompts table', async () => {
    const mixedSchema = SCHEMA_A + SCHEMA_B.replace(/CREATE TABLE prompts[^;]+;/, '');
    const mixedData = DATA_A + DATA_B.replace(/INSERT INTO prompts[^;]+;/, '');
    const file = await legacy('claude-pilot.db', mixedSchema + mixedData);
    db = await openUnified(tmp.dir);
    const { plan: p, report } = await migrateFile(db, file);
    assert.deepEqual(p.source.generations, ['A', 'B']);
    assert.equal(report.verify.ok, true, JSON.stringify(report.verify));
    // schedules #1 uses prompt 1 of the shared table (generation A's Chinese prompt).
    const job = db
      .read((tx) => tx.jobs.list())
      .find((j) => j.name === CHINESE_TITLE && j.cronExpression === '0 0 9 * * *');
    assert.ok(job);
  });

  it('applies the decisions: day-of-week only, orphans skipped, five-field activated', async () => {
    const b = await legacy('b.db', SCHEMA_B + DATA_B);
    db = await openUnified(tmp.dir);
    await migrateFile(db, b, { bothDays: 'dayOfWeek' });
    const friday = db.read((tx) => tx.jobs.list()).find((j) => j.cronExpression === '0 0 9 * * 5');
    assert.equal(friday?.status, 'active');
    const a = await legacy('a.db', SCHEMA_A + DATA_A);
    const { report } = await migrateFile(db, a, { orphans: 'skip', fiveField: 'activate' });
    assert.equal(report.verify.ok, true, JSON.stringify(report.verify));
    const skipped = report.skipped.filter((s) => /deleted in the old app/.test(s.reason));
    assert.deepEqual(skipped.map((s) => [s.table, s.ids]).sort(), [
      ['jobs', ['6']],
      ['results', ['4']],
    ]);
    const five = db.read((tx) => tx.jobs.list()).find((j) => j.cronExpression === '0 9 * * *');
    assert.equal(five?.status, 'active');
  });

  it('refuses what is not a legacy database, naming the file and the reason, and writes nothing', async () => {
    db = await openUnified(tmp.dir);
    const cases: [string, Buffer | string, RegExp][] = [
      ['text.db', Buffer.from('hello, not a database'), /truncated|not an SQLite/],
      ['empty.db', Buffer.alloc(0), /the file is empty/],
    ];
    const other = path.join(tmp.dir, 'other.db');
    await writeSqlJsDatabase(other, 'CREATE TABLE notes (id INTEGER, body TEXT);');
    const whole = fs.readFileSync(other);
    cases.push(['truncated.db', whole.subarray(0, whole.length - 1000), /truncated/]);
    for (const [name, bytes, reason] of cases) {
      const file = path.join(tmp.dir, name);
      fs.writeFileSync(file, bytes);
      await assert.rejects(plan(db, file), (err: Error) => {
        assert.ok(err.message.includes(file), err.message);
        assert.match(err.message, reason);
        return true;
      });
    }
    await assert.rejects(
      plan(db, other),
      /none of its tables \(notes\) is a table of the old Claude Night Pilot app/,
    );
    await assert.rejects(plan(db, db.path), /a Night Pilot database of this extension/);
    await assert.rejects(plan(db, path.join(tmp.dir, 'missing.db')), /does not exist/);
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM jobs'), 0);
  });
});
