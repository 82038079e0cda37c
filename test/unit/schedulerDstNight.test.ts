import assert from 'node:assert/strict';
import { nextFireTimes } from '../../src/core/cron';
import type { Job } from '../../src/core/model';
import { oracleFires, wallClock } from '../fixtures/cronOracle';
import { runsOf, tickAndSettle, useHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

// The scheduler's own loop over a night with a DST change, on the injected clock: each tick comes
// a little after the fire it is for (100 ms, as a timer does), so the next fire is computed from
// "now" and not from the previous fire: the path where defect 4 of issue 14 lost the 03:30 run
// that the preview promised. Every fire planned for the night (the brute-force reference, and the
// preview shown when the job was created) must run exactly once, and none may be skipped.

interface Night {
  zone: string;
  /** UTC instants around the change: from the evening before to the morning after. */
  from: string;
  until: string;
  crons: string[];
}

const NIGHTS: Night[] = [
  {
    zone: 'Europe/Berlin',
    from: '2026-03-28T20:00:00Z',
    until: '2026-03-29T04:00:00Z',
    crons: ['0,30 2 * * *', '30 2 * * *', '15 * * * *', '0 3 * * *'],
  },
  {
    zone: 'Europe/Berlin',
    from: '2026-10-24T20:00:00Z',
    until: '2026-10-25T04:00:00Z',
    crons: ['0,30 2 * * *', '*/30 * * * *'],
  },
  {
    zone: 'Australia/Lord_Howe',
    from: '2026-10-03T12:00:00Z',
    until: '2026-10-03T18:00:00Z',
    crons: ['17 2 * * *', '0,45 * * * *', '*/20 2 * * *'],
  },
  {
    zone: 'Australia/Lord_Howe',
    from: '2026-04-04T12:00:00Z',
    until: '2026-04-04T18:00:00Z',
    crons: ['45 1 * * *', '0,45 * * * *'],
  },
  {
    zone: 'Pacific/Chatham',
    from: '2026-09-26T11:00:00Z',
    until: '2026-09-26T17:00:00Z',
    crons: ['45 2 * * *', '45 3 * * *', '0 * * * *'],
  },
  {
    zone: 'Pacific/Chatham',
    from: '2026-04-04T11:00:00Z',
    until: '2026-04-04T17:00:00Z',
    crons: ['*/5 3 * * *', '0,45 * * * *'],
  },
];

/** Steps the clock to each next fire (plus the timer's lag) and ticks until the night is over. */
async function runNight(h: Harness, jobs: Job[], until: number): Promise<void> {
  for (let step = 0; step < 500; step++) {
    const queued = h.db.read((tx) => tx.runs.list({ statuses: ['queued'] })).length;
    if (queued > 0) {
      await tickAndSettle(h);
      continue;
    }
    const next = h.db.read((tx) =>
      jobs
        .map((job) => tx.jobs.require(job.id).nextRunTime)
        .filter((t): t is string => t !== null)
        .map((t) => Date.parse(t))
        .sort((a, b) => a - b),
    )[0];
    if (next === undefined || next > until) return;
    h.clock.set(Math.max(h.clock.now().getTime(), next + 100));
    await tickAndSettle(h);
  }
  throw new Error('the night did not end in 500 steps');
}

describe('scheduler over a DST night (Berlin, Lord_Howe, Chatham): every planned fire runs once', function () {
  this.timeout(180_000);
  const fixture = useHarness();

  for (const night of NIGHTS) {
    it(`${night.zone} from ${night.from}: ${night.crons.join(' | ')}`, async () => {
      const from = Date.parse(night.from);
      const until = Date.parse(night.until);
      const h = await fixture.create(night.from, { settings: { concurrency: 4 } });
      const jobs: Job[] = [];
      const planned = new Map<string, number[]>();
      for (const cron of night.crons) {
        const job = await h.addJob({ name: cron, cron, timezone: night.zone });
        jobs.push(job);
        const reference = oracleFires(cron, night.zone, from, 200).filter((t) => t <= until);
        const preview = nextFireTimes(cron, new Date(from), reference.length, night.zone).map((d) =>
          d.getTime(),
        );
        assert.deepEqual(preview, reference, `${cron}: the preview is the reference's plan`);
        planned.set(job.id, reference);
      }
      await runNight(h, jobs, until);
      for (const job of jobs) {
        const runs = runsOf(h, job.id);
        const show = (list: number[]) => list.map((t) => wallClock(night.zone, t));
        assert.deepEqual(
          show(runs.map((r) => Date.parse(r.scheduledFor))),
          show(planned.get(job.id)!),
          `${job.cronExpression}: the runs are the planned fires, each once`,
        );
        assert.deepEqual(
          runs.filter((r) => r.status !== 'succeeded').map((r) => `${r.scheduledFor} ${r.status} ${r.error}`),
          [],
          `${job.cronExpression}: none skipped or failed`,
        );
      }
    });
  }
});
