import assert from 'node:assert/strict';
import type { Job, Run } from '../../src/core/model';
import type { NewJob } from '../../src/storage/jobRepository';
import { runsOf, tickAndSettle, useHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

// Defect 6 of issue 14: under `run_all`, missed fires tripped the overlap rule on each other (one
// catch-up ran, the rest and the on-time fire were recorded "still going (overlap)"). Every missed
// fire up to the limit runs, one after another, whether the scheduler finds them at start or while
// a run of the job is going.

/** Ticks until nothing is queued, moving the clock a second each time so start times order the runs. */
async function drain(h: Harness): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await tickAndSettle(h);
    const waiting = h.db.read((tx) => tx.runs.list({ statuses: ['queued', 'running'] }));
    if (waiting.length === 0) return;
    h.clock.set(h.clock.now().getTime() + 1000);
  }
  throw new Error('runs still queued after 50 ticks');
}

/** An hourly `run_all` job whose next fire is `nextRunTime`. */
function addHourly(h: Harness, nextRunTime: string, options?: NewJob['options']): Promise<Job> {
  return h.addJob({ name: 'hourly', cron: '0 * * * *', missedRunPolicy: 'run_all', nextRunTime, options });
}

function summary(runs: Run[]): string[][] {
  return runs.map((r) => [r.scheduledFor.slice(11, 16), r.trigger, r.status]);
}

function byStart(runs: Run[]): string[] {
  return [...runs]
    .sort(
      (a, b) =>
        (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.createdAt.localeCompare(b.createdAt),
    )
    .map((r) => r.scheduledFor);
}

describe('scheduler: run_all runs every missed fire, one after another', function () {
  this.timeout(120_000);
  const fixture = useHarness();

  it('after 10 missed fires with the limit at 10: 10 catch-up runs succeed in order, none skipped', async () => {
    const h = await fixture.create('2026-11-27T09:30:00.000Z', { settings: { missedRunLimit: 10 } });
    const job = await addHourly(h, '2026-11-27T00:00:00.000Z');
    await drain(h);
    const runs = runsOf(h, job.id);
    assert.deepEqual(
      summary(runs),
      ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09'].map((hh) => [
        `${hh}:00`,
        'catch_up',
        'succeeded',
      ]),
    );
    assert.deepEqual(
      byStart(runs),
      runs.map((r) => r.scheduledFor),
      'they ran oldest first',
    );
    assert.ok(runs.every((r) => !/overlap/.test(r.error ?? '')));
    assert.equal(
      h.db.read((tx) => tx.jobs.require(job.id).nextRunTime),
      '2026-11-27T10:00:00.000Z',
    );
  });

  it('with the limit at 3: the 3 latest run, the 7 before are recorded skipped beyond the limit', async () => {
    const h = await fixture.create('2026-11-27T09:30:00.000Z', { settings: { missedRunLimit: 3 } });
    const job = await addHourly(h, '2026-11-27T00:00:00.000Z');
    await drain(h);
    const runs = runsOf(h, job.id);
    assert.deepEqual(summary(runs), [
      ...['00', '01', '02', '03', '04', '05', '06'].map((hh) => [`${hh}:00`, 'schedule', 'skipped']),
      ...['07', '08', '09'].map((hh) => [`${hh}:00`, 'catch_up', 'succeeded']),
    ]);
    for (const run of runs.slice(0, 7)) {
      assert.equal(run.error, 'missed beyond the catch-up limit of 3 (missed-run policy: run_all)');
    }
  });

  it('three every-minute jobs 10 minutes behind: each runs its 10 catch-ups and the on-time fire', async () => {
    // The black-box check that found the defect: next fires moved 10 minutes into the past.
    const h = await fixture.create('2026-11-27T10:10:00.200Z', { settings: { missedRunLimit: 10 } });
    const jobs = [];
    for (const name of ['a', 'b', 'c']) {
      jobs.push(
        await h.addJob({
          name,
          cron: '* * * * *',
          missedRunPolicy: 'run_all',
          nextRunTime: '2026-11-27T10:00:00.000Z',
        }),
      );
    }
    await drain(h);
    for (const job of jobs) {
      const runs = runsOf(h, job.id);
      assert.deepEqual(summary(runs), [
        ...Array.from({ length: 10 }, (_, m) => [`10:0${m}`, 'catch_up', 'succeeded']),
        ['10:10', 'schedule', 'succeeded'],
      ]);
      assert.deepEqual(
        byStart(runs),
        runs.map((r) => r.scheduledFor),
      );
    }
  });

  it('the same fires run when the scheduler finds them while a run of the job is going', async () => {
    const slow = { env: { FAKE_CLAUDE_MODE: 'success', FAKE_CLAUDE_DELAY_MS: '1000' } };
    // Found at start: the scheduler was not running for 4 hours.
    const atStart = await fixture.create('2026-11-27T04:30:00.000Z', { settings: { concurrency: 2 } });
    const first = await addHourly(atStart, '2026-11-27T01:00:00.000Z', slow);
    await drain(atStart);

    // Found while running: the 00:00 run is going when the clock jumps 4 hours (a sleep).
    const live = await fixture.create('2026-11-27T00:00:00.010Z', { settings: { concurrency: 2 } });
    const second = await addHourly(live, '2026-11-27T00:00:00.000Z', slow);
    await live.scheduler.tick();
    live.clock.set('2026-11-27T04:30:00.000Z');
    await live.scheduler.tick();
    const during = runsOf(live, second.id);
    assert.deepEqual(
      during.map((r) => r.status),
      ['running', 'queued', 'queued', 'queued', 'queued'],
      'the catch-ups wait behind the running run, even with room for two runs',
    );
    await live.scheduler.idle();
    await drain(live);

    const found = summary(runsOf(live, second.id));
    assert.deepEqual(found[0], ['00:00', 'schedule', 'succeeded']);
    assert.deepEqual(found.slice(1), summary(runsOf(atStart, first.id)));
    assert.deepEqual(
      found.slice(1),
      ['01', '02', '03', '04'].map((hh) => [`${hh}:00`, 'catch_up', 'succeeded']),
    );
  });
});
