import assert from 'node:assert/strict';
import fs from 'node:fs';
import { NightPilotDatabase } from '../../src/storage/database';
import { runSupervisedProcess } from '../../src/scheduler/processSupervisor';
import { Scheduler } from '../../src/scheduler/scheduler';
import { DEFAULT_SCHEDULER_SETTINGS } from '../../src/scheduler/settings';
import { FAKE_CLAUDE, runsOf, tickAndSettle, useHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

describe('scheduler: firing with an injected clock and the fake claude', function () {
  this.timeout(60_000);
  const fixture = useHarness();
  let h: Harness;

  it('fires a due job once, recording the run, its execution process and its usage', async () => {
    h = await fixture.create('2026-11-27T01:59:59.000Z');
    const job = await h.addJob({ name: 'nightly', cron: '0 2 * * *' });
    assert.equal(job.nextRunTime, '2026-11-27T02:00:00.000Z');
    await tickAndSettle(h);
    assert.equal(runsOf(h).length, 0, 'nothing before its time');
    h.clock.set('2026-11-27T02:00:00.020Z');
    await tickAndSettle(h);
    await tickAndSettle(h);
    const runs = runsOf(h);
    assert.equal(runs.length, 1);
    const run = runs[0]!;
    assert.deepEqual(
      [run.trigger, run.status, run.scheduledFor, run.attempt],
      ['schedule', 'succeeded', '2026-11-27T02:00:00.000Z', 1],
    );
    assert.ok(run.sessionId);
    h.db.read((tx) => {
      const processes = tx.processes.listByRun(run.id);
      assert.deepEqual(
        processes.map((p) => [p.processType, p.status, p.exitCode]),
        [['execution', 'completed', 0]],
      );
      const usage = tx.usage.listByRun(run.id);
      assert.equal(usage.length, 1);
      assert.ok(usage[0]!.inputTokens > 0 && usage[0]!.costUsd > 0);
      assert.equal(usage[0]!.costSource, 'reported');
      const after = tx.jobs.require(job.id);
      assert.equal(after.nextRunTime, '2026-11-28T02:00:00.000Z');
      assert.equal(after.executionCount, 1);
    });
    assert.equal(h.records()[0]!.stdin, 'Prompt for nightly', 'the prompt went to Claude on stdin');
  });

  const files = (h: Harness) =>
    [h.db.path, `${h.db.path}.wal`].map((f) => (fs.existsSync(f) ? fs.readFileSync(f) : null));
  const rehearsals = (h: Harness) => h.log.filter((l) => l.includes('warmed up for the next fire'));

  it('rehearses its next fire a while after start, rolled back; the fire then runs once', async () => {
    h = await fixture.create('2026-11-27T01:00:00.000Z');
    const job = await h.addJob({ name: 'nightly', cron: '0 2 * * *' });
    h.scheduler.start();
    await h.scheduler.tick();
    const before = files(h);
    h.clock.advance(4_000);
    await h.scheduler.tick();
    assert.deepEqual(rehearsals(h), [], 'not while a window is starting up');
    h.clock.advance(1_000);
    assert.deepEqual(rehearsals(h), [
      'scheduler: warmed up for the next fire (rehearsed it at 2026-11-27T02:00:00.000Z; nothing was saved)',
    ]);
    assert.deepEqual(files(h), before, 'nothing saved');
    assert.equal(runsOf(h).length, 0, 'no run recorded');
    assert.equal(
      h.db.read((tx) => tx.jobs.require(job.id).nextRunTime),
      '2026-11-27T02:00:00.000Z',
    );
    h.clock.set('2026-11-27T02:00:00.020Z');
    await tickAndSettle(h);
    await tickAndSettle(h);
    assert.deepEqual(
      runsOf(h).map((r) => [r.scheduledFor, r.attempt, r.status]),
      [['2026-11-27T02:00:00.000Z', 1, 'succeeded']],
    );
    assert.equal(
      h.db.read((tx) => tx.processes.listByRun(runsOf(h)[0]!.id).length),
      1,
    );
    h.clock.advance(60_000);
    assert.equal(rehearsals(h).length, 1, 'once per start');
  });

  it('does not rehearse right before a fire, nor after a real one', async () => {
    h = await fixture.create('2026-11-27T01:59:54.900Z');
    const job = await h.addJob({ name: 'nightly', cron: '0 2 * * *' });
    h.scheduler.start();
    await h.scheduler.tick();
    h.clock.advance(5_000);
    assert.deepEqual(rehearsals(h), [], '100 ms before the fire');
    h.clock.advance(100);
    for (let i = 0; i < 100 && runsOf(h, job.id).length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    await h.scheduler.idle();
    h.clock.advance(60_000);
    await h.scheduler.tick();
    assert.deepEqual(
      runsOf(h).map((r) => r.status),
      ['succeeded'],
    );
    assert.deepEqual(rehearsals(h), [], 'the real fire compiled the code');
  });

  it('looks at a job as soon as it is written, without waiting for its 30 s timer', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    h.scheduler.start();
    await h.scheduler.tick();
    const job = await h.addJob({
      name: 'added later',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
    });
    // The write pokes the scheduler: its timer is due now, not 30 s later. No explicit tick here.
    h.clock.advance(0);
    for (let i = 0; i < 100 && runsOf(h, job.id).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    await h.scheduler.idle();
    assert.deepEqual(
      runsOf(h, job.id).map((r) => r.status),
      ['succeeded'],
    );
  });

  it('two schedulers racing for the same fire run it once', async () => {
    h = await fixture.create('2026-11-27T02:00:00.010Z');
    const job = await h.addJob({ name: 'race', cron: '0 2 * * *', nextRunTime: '2026-11-27T02:00:00.000Z' });
    const otherDb = await NightPilotDatabase.open(h.db.path, { clock: () => h.clock.now() });
    const other = new Scheduler({
      db: otherDb,
      clock: h.clock,
      runner: runSupervisedProcess,
      settings: { ...DEFAULT_SCHEDULER_SETTINGS, concurrency: 2 },
      locateClaude: () => Promise.resolve({ found: true, path: FAKE_CLAUDE, source: 'flag' }),
      baseEnv: process.env,
      defaultZone: 'UTC',
      log: () => undefined,
    });
    await Promise.all([h.scheduler.tick(), other.tick()]);
    await Promise.all([h.scheduler.idle(), other.idle()]);
    const runs = runsOf(h, job.id);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.status, 'succeeded');
    await other.stop();
    otherDb.close();
  });

  it('after an 8-hour sleep, run_once records one catch-up run and every other miss as skipped', async () => {
    h = await fixture.create('2026-11-27T00:30:00.000Z');
    const job = await h.addJob({ name: 'hourly', cron: '0 * * * *' });
    h.clock.set('2026-11-27T08:30:00.000Z');
    await tickAndSettle(h);
    const runs = runsOf(h, job.id);
    assert.deepEqual(
      runs.map((r) => [r.scheduledFor.slice(11, 16), r.trigger, r.status]),
      [
        ['01:00', 'schedule', 'skipped'],
        ['02:00', 'schedule', 'skipped'],
        ['03:00', 'schedule', 'skipped'],
        ['04:00', 'schedule', 'skipped'],
        ['05:00', 'schedule', 'skipped'],
        ['06:00', 'schedule', 'skipped'],
        ['07:00', 'schedule', 'skipped'],
        ['08:00', 'catch_up', 'succeeded'],
      ],
    );
    assert.match(runs[0]!.error!, /missed/);
    assert.equal(
      h.db.read((tx) => tx.jobs.require(job.id).nextRunTime),
      '2026-11-27T09:00:00.000Z',
    );
  });

  it('after the clock moves back an hour, an instant already fired does not fire again', async () => {
    h = await fixture.create('2026-11-27T10:00:00.005Z');
    const job = await h.addJob({
      name: 'every 30 min',
      cron: '*/30 * * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
    });
    await tickAndSettle(h);
    h.clock.set('2026-11-27T09:00:00.000Z');
    for (const t of ['09:00:00', '09:30:00', '09:59:59']) {
      h.clock.set(`2026-11-27T${t}.000Z`);
      await tickAndSettle(h);
    }
    assert.equal(runsOf(h, job.id).length, 1, 'nothing fires while the clock catches up again');
    h.clock.set('2026-11-27T10:30:00.001Z');
    await tickAndSettle(h);
    assert.deepEqual(
      runsOf(h, job.id).map((r) => r.scheduledFor),
      ['2026-11-27T10:00:00.000Z', '2026-11-27T10:30:00.000Z'],
    );
  });

  // Local 00:00 to 06:00 around each transition: a gap loses the 02:00 fire, an overlap repeats it.
  for (const [zone, day, expected] of [
    ['Europe/Berlin', '2026-03-29', ['00', '01', '03', '04', '05']],
    ['Europe/Berlin', '2026-10-25', ['00', '01', '02', '02', '03', '04', '05']],
    ['Australia/Sydney', '2026-10-04', ['00', '01', '03', '04', '05']],
    ['Australia/Sydney', '2026-04-05', ['00', '01', '02', '02', '03', '04', '05']],
  ] as const) {
    it(`an hourly job in ${zone} on the DST day ${day} fires once per distinct instant`, async () => {
      const midnight = localMidnight(zone, day);
      h = await fixture.create(new Date(midnight - 1000).toISOString());
      const job = await h.addJob({ name: 'hourly', cron: '0 * * * *', timezone: zone });
      // Step to each next fire time exactly, as the timer would.
      for (;;) {
        const next = h.db.read((tx) => tx.jobs.require(job.id).nextRunTime);
        if (!next || Date.parse(next) >= midnight + 7 * 3600_000) break;
        h.clock.set(Date.parse(next) + 5);
        await tickAndSettle(h);
      }
      const runs = runsOf(h, job.id).filter((r) => localHour(zone, new Date(r.scheduledFor)) < '06');
      assert.deepEqual(
        runs.map((r) => localHour(zone, new Date(r.scheduledFor))),
        expected,
      );
      assert.equal(new Set(runs.map((r) => r.scheduledFor)).size, runs.length, 'no instant twice');
      assert.ok(runs.every((r) => r.status === 'succeeded'));
    });
  }
});

function offsetMinutes(zone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    timeZoneName: 'longOffset',
  }).formatToParts(at);
  const name = parts.find((p) => p.type === 'timeZoneName')!.value; // GMT+02:00
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The UTC instant of 00:00 local time on `day` in `zone` (no DST change happens at midnight here). */
function localMidnight(zone: string, day: string): number {
  let guess = Date.parse(`${day}T00:00:00Z`);
  for (let i = 0; i < 3; i++)
    guess = Date.parse(`${day}T00:00:00Z`) - offsetMinutes(zone, new Date(guess)) * 60_000;
  return guess;
}

function localHour(zone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(at);
}
