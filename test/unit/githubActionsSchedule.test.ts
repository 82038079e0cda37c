// The exported workflow's schedules, checked by computation: over a whole year, GitHub's UTC
// triggers passed through the workflow's own guard script give exactly one run per local fire of
// the job (as the cron module computes them), at the fire's time, DST changes included.
import assert from 'node:assert/strict';
import { fireTimesBetween } from '../../src/core/cron';
import { exportJob } from '../../src/githubActions/exportJob';
import { loadWorkflow, testJob } from './githubActionsHarness';

const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
const YEAR_END = Date.parse('2027-01-01T00:00:00Z');
const EXPORTED_AT = new Date('2025-12-20T09:00:00Z');
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC'];
const EXPRESSIONS = [
  '0 2 * * *', // the example: 02:00 local all year
  '30 2 * * *', // inside the hour that Berlin, New York and Sydney skip in spring
  '30 1 * * *', // inside New York's repeated hour in autumn
  '0 * * * *', // hourly: every transition hour
  '*/15 1-3 * * *', // dense around the changes
  '30 0 * * 1', // weekly, across midnight into Sunday UTC for eastern zones
  '@monthly', // the 1st at 00:00: the last day of the month in UTC for eastern zones
  '0 9 * * 1-5',
  '0 3 L * *',
  '45 23 * * 5#2',
];

interface YearCheck {
  fires: number;
  late: number[];
}

/** Runs every trigger of the year through the guard and compares with the job's own fires. */
function checkYear(expr: string, zone: string): YearCheck {
  const result = exportJob({
    job: testJob({ cronExpression: expr, timezone: zone }),
    prompt: { path: 'prompts/review.md', text: 'Review the code.' },
    workingDirectory: { path: '' },
    now: EXPORTED_AT,
  });
  assert.ok(result.ok, `"${expr}" in ${zone} was refused: ${result.ok ? '' : result.reasons.join('; ')}`);
  const workflow = loadWorkflow(result.yaml);
  const triggers: { at: number; cron: string }[] = [];
  for (const cron of workflow.crons) {
    const times = fireTimesBetween(
      cron,
      new Date(YEAR_START - DAY),
      new Date(YEAR_END + DAY),
      'UTC',
      Number.MAX_SAFE_INTEGER,
    );
    triggers.push(...times.times.map((t) => ({ at: t.getTime(), cron })));
  }
  triggers.sort((a, b) => a.at - b.at);
  for (let i = 1; i < triggers.length; i++) {
    assert.notEqual(
      triggers[i]!.at,
      triggers[i - 1]!.at,
      `two schedules fire at ${new Date(triggers[i]!.at).toISOString()}`,
    );
  }

  const passed = new Set<number>();
  triggers.forEach(({ at, cron }, index) => {
    // GitHub starts scheduled runs late, often by minutes: the guard must still find its trigger.
    const delay = (index % 4) * MINUTE + 17_000;
    const decision = workflow.decide('schedule', cron, at + delay);
    assert.equal(
      decision.at,
      at,
      `the guard placed the trigger ${new Date(at).toISOString()} of "${cron}" wrongly`,
    );
    if (decision.run) passed.add(at);
  });

  const fires = fireTimesBetween(
    expr,
    new Date(YEAR_START - 1),
    new Date(YEAR_END - 1),
    zone,
    Number.MAX_SAFE_INTEGER,
  ).times;
  const late: number[] = [];
  let next = 0;
  const served = new Set<number>();
  for (const fire of fires.map((f) => f.getTime())) {
    while (next < triggers.length && triggers[next]!.at < fire) next++;
    const trigger = triggers[next]?.at;
    assert.ok(trigger !== undefined, `no trigger after the fire ${new Date(fire).toISOString()}`);
    assert.ok(passed.has(trigger), `the fire at ${new Date(fire).toISOString()} got no run`);
    assert.ok(
      !served.has(trigger),
      `the fire at ${new Date(fire).toISOString()} shares its run with another`,
    );
    served.add(trigger);
    if (trigger !== fire) late.push(trigger - fire);
  }
  const extra = [...passed].filter((at) => at >= YEAR_START && at < YEAR_END && !served.has(at));
  assert.deepEqual(
    extra.map((at) => new Date(at).toISOString()),
    [],
    'the guard let runs through that are no fire of the job',
  );
  return { fires: fires.length, late };
}

describe('GitHub Actions export: a year of schedules through the guard', function () {
  this.timeout(120_000);

  for (const zone of ZONES) {
    for (const expr of EXPRESSIONS) {
      it(`"${expr}" in ${zone}: exactly one run per local fire`, () => {
        const { fires, late } = checkYear(expr, zone);
        assert.ok(fires > 0);
        // Only a fire moved by a DST change may wait for the next trigger, and never an hour.
        if (zone === 'UTC') assert.deepEqual(late, []);
        assert.ok(late.length <= 2 * 4, `${late.length} late runs`);
        for (const ms of late) assert.ok(ms <= 60 * MINUTE, `a run ${ms / MINUTE} min late`);
      });
    }
  }

  it('runs 02:00 Europe/Berlin from 00:00 and 01:00 UTC, once a day all year', () => {
    const result = exportJob({
      job: testJob(),
      prompt: { path: 'prompts/review.md', text: 'Review.' },
      workingDirectory: { path: '' },
      now: EXPORTED_AT,
    });
    assert.ok(result.ok);
    const workflow = loadWorkflow(result.yaml);
    assert.deepEqual(workflow.crons, ['0 0,1 * * *']);
    const { fires, late } = checkYear('0 2 * * *', 'Europe/Berlin');
    assert.equal(fires, 365);
    assert.deepEqual(late, []);
    // Winter: 01:00 UTC is 02:00 local and runs; 00:00 UTC is 01:00 local and does not.
    assert.equal(workflow.decide('schedule', '0 0,1 * * *', Date.parse('2026-01-10T01:03:00Z')).run, true);
    assert.equal(workflow.decide('schedule', '0 0,1 * * *', Date.parse('2026-01-10T00:03:00Z')).run, false);
    // Summer: the other way round.
    assert.equal(workflow.decide('schedule', '0 0,1 * * *', Date.parse('2026-07-10T00:03:00Z')).run, true);
    assert.equal(workflow.decide('schedule', '0 0,1 * * *', Date.parse('2026-07-10T01:03:00Z')).run, false);
  });

  it('lets a run started by hand through, and refuses a schedule it did not write', () => {
    const result = exportJob({
      job: testJob(),
      prompt: { path: 'prompts/review.md', text: 'Review.' },
      workingDirectory: { path: '' },
      now: EXPORTED_AT,
    });
    assert.ok(result.ok);
    const workflow = loadWorkflow(result.yaml);
    assert.equal(workflow.decide('workflow_dispatch', '', Date.parse('2026-05-05T13:37:30Z')).run, true);
    assert.throws(
      () => workflow.decide('schedule', '5 4 * * *', Date.parse('2026-05-05T04:05:00Z')),
      /triggered by the schedule "5 4 \* \* \*", which Night Pilot did not write/,
    );
  });
});
