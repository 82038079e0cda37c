import assert from 'node:assert/strict';
import { CronExpressionParser } from 'cron-parser';
import { cronWarnings, describeCron, nextFireTimes, validateCron } from '../../src/core/cron';
import { oracleFires } from '../fixtures/cronOracle';

// Standard crontab lines, as cronie reads them (crontab(5)): every one must be accepted and fire
// where the brute-force reference says, in a plain zone and in two with DST changes.
const STANDARD = [
  // the everyday ones
  '* * * * *',
  '0 * * * *',
  '*/5 * * * *',
  '*/10 * * * *',
  '*/15 * * * *',
  '*/30 * * * *',
  '0 */2 * * *',
  '0 */3 * * *',
  '0 */6 * * *',
  '0 */12 * * *',
  '0 0 * * *',
  '0 12 * * *',
  '30 2 * * *',
  '15 14 1 * *',
  '0 22 * * 1-5',
  '23 0-23/2 * * *',
  '5 4 * * sun',
  '0 0,12 1 */2 *',
  '0 4 8-14 * *',
  '0 0 1,15 * 3',
  '5 0 * 8 *',
  '0 9-17 * * mon-fri',
  '0 8 * * 1,3,5',
  '0 0 1 1 *',
  '0 0 1 * *',
  '59 23 31 12 *',
  '0 0 29 2 *',
  '0 0 31 * *',
  '0 0 30 * *',
  '30 3 * * 0',
  '0 6 * * 1',
  '15 10 * * 6',
  '0 18 * * 1-5',
  '45 23 * * *',
  '0 3 * * 6',
  '*/2 * * * *',
  '*/3 * * * *',
  '20 */4 * * *',
  // day-of-week spellings: 0 and 7 are Sunday, names in any case
  '0 0 * * 0',
  '0 0 * * 7',
  '0 0 * * SUN',
  '0 0 * * Sun',
  '0 0 * * mOn',
  '0 0 * * MON-FRI',
  '0 0 * * sat,sun',
  '0 0 * * 6,0',
  '0 0 * * 6-7',
  '0 0 * * 0-6',
  '0 0 * * 0-7',
  '0 0 * * 1-7',
  '0 0 * * 5-7',
  '0 0 * * 7-7',
  '0 0 * * 1-5/2',
  '0 0 * * MON-FRI/2',
  '0 0 * * */2',
  '0 0 * * */3',
  // month spellings
  '0 0 * jan *',
  '0 0 1 JAN,JUL *',
  '0 0 1 Jan-Mar *',
  '0 0 1 JAN-DEC/3 *',
  '0 0 1 1-12/2 *',
  '0 0 * 1-12 *',
  // full ranges and step 1
  '*/1 * * * *',
  '0-59 * * * *',
  '0-59/1 * * * *',
  '0 0-23 * * *',
  '0 0 1-31 * *',
  '10-50/20 * * * *',
  '0 1-5/2 * * *',
  '0 0 1-10/3 * *',
  '5-5 * * * *',
  // leading zeros and whitespace
  '05 09 * * *',
  '00 00 * * *',
  '0 0 01 01 *',
  '007 * * * *',
  '0\t2\t*\t*\t*',
  '  0   2  * * *  ',
  // repeated values (cronie sets the same bit twice)
  '1-5,3 * * * *',
  '0,7 * * * *',
  '0,0 * * * *',
  '5,5,5 * * * *',
  '1-10,5-15 * * * *',
  '*/15,*/20 * * * *',
  '0 9,9 * * *',
  '0 0 * * 0,7',
  '0 0 * * SUN,7',
  '0 0 * * MON,1',
  '0 0 * JAN,1 *',
  '0 0 * * 1-5,3',
  '0 0 1,1-5 * *',
  '0 0 * * 6-7,0',
  '0 0 * * 0-7,SUN',
  // steps of any size (legal; the description says what they really do)
  '*/60 * * * *',
  '*/90 * * * *',
  '*/59 * * * *',
  '*/7 * * * *',
  '*/45 * * * *',
  '0 */24 * * *',
  '0 */23 * * *',
  '0 */5 * * *',
  '0 0 */30 * *',
  '0 0 */31 * *',
  '0 0 * */11 *',
  '0 0 * */12 *',
  '0 0 * * */6',
  '0 0 * * */7',
  '0 0 * * */8',
  '0-10/20 * * * *',
  '0 0 1-5/10 * *',
  // a star inside a list
  '1,* * * * *',
  // both day fields: either matches
  '0 0 13 * 5',
  '0 0 1 * 1',
  '30 6 1,15 * MON',
  // cronie's @ forms
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
];

// What the zones' fires are checked from: a day before a DST change in each.
const CHECKS: [string, number][] = [
  ['UTC', Date.UTC(2026, 5, 10, 12, 34, 56)],
  ['Europe/Berlin', Date.UTC(2026, 2, 28, 0, 0, 0)],
  ['Australia/Lord_Howe', Date.UTC(2026, 3, 3, 15, 0, 0)],
];

describe('cron: standard crontab lines (what cronie accepts) are accepted', () => {
  it(`has ${STANDARD.length} lines, at least 118`, () => {
    assert.ok(STANDARD.length >= 118);
    assert.equal(new Set(STANDARD).size, STANDARD.length);
  });

  for (const line of STANDARD) {
    it(`accepts ${JSON.stringify(line)} and fires where the reference says`, () => {
      assert.equal(validateCron(line).ok, true, JSON.stringify(validateCron(line)));
      for (const [zone, from] of CHECKS) {
        const ours = nextFireTimes(line, new Date(from), 5, zone).map((d) => d.getTime());
        assert.deepEqual(ours, oracleFires(line, zone, from, 5), `${zone}`);
      }
    });
  }

  it('reads repeated values and Sunday as 0 or 7 as one value each', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const iso = (expr: string) =>
      nextFireTimes(expr, from, 6, 'UTC').map((d) => d.toISOString().slice(11, 16));
    assert.deepEqual(iso('1-5,3 * * * *'), ['00:01', '00:02', '00:03', '00:04', '00:05', '01:01']);
    assert.deepEqual(
      nextFireTimes('0 0 * * SUN,7', from, 2, 'UTC').map((d) => d.toISOString()),
      ['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z'],
    );
  });
});

describe('cron: legal but probably not meant', () => {
  const cases: [string, string][] = [
    [
      '*/60 * * * *',
      'minute */60 only matches minute 0 (a step of 60 from 0 never reaches another value up to 59)',
    ],
    [
      '0 */24 * * *',
      'hour */24 only matches hour 0 (a step of 24 from 0 never reaches another value up to 23)',
    ],
    ['0 0 * * */7', 'day-of-week */7 only matches Sunday (0 and 7 are both Sunday)'],
    [
      '0 0 */31 * *',
      'day-of-month */31 only matches day 1 (a step of 31 from 1 never reaches another value up to 31)',
    ],
    [
      '0 0 * */12 *',
      'month */12 only matches January (a step of 12 from 1 never reaches another value up to 12)',
    ],
    [
      '1-5/10 * * * *',
      'minute 1-5/10 only matches minute 1 (a step of 10 from 1 never reaches another value up to 5)',
    ],
    [
      '*/7 * * * *',
      'minute */7 starts over at 0 every hour, 4 minutes after 56, so the fires are not evenly spaced',
    ],
    [
      '0 */5 * * *',
      'hour */5 starts over at 0 every day, 4 hours after 20, so the fires are not evenly spaced',
    ],
    ['1,* * * * *', 'minute "1,*" lists *, which already matches every value'],
  ];
  for (const [expr, warning] of cases) {
    it(`accepts ${JSON.stringify(expr)} and says: ${warning}`, () => {
      assert.deepEqual(validateCron(expr), { ok: true, fields: 5 });
      assert.deepEqual(cronWarnings(expr), [warning]);
      assert.ok(
        describeCron(expr, 'UTC').endsWith(`, UTC. Probably not meant: ${warning}.`),
        describeCron(expr, 'UTC'),
      );
    });
  }

  it('describes what */60 really does before the warning', () => {
    assert.equal(
      describeCron('*/60 * * * *', 'Europe/Berlin'),
      'At minute 0 of every hour, Europe/Berlin. Probably not meant: minute */60 only matches minute 0 ' +
        '(a step of 60 from 0 never reaches another value up to 59).',
    );
  });

  it('has nothing to say about ordinary expressions', () => {
    for (const expr of [
      '0 2 * * *',
      '*/15 * * * *',
      '0 */6 * * *',
      '0 9-17 * * 1-5',
      '*/20 * * * * *',
      '@daily',
      '0,7 * * * *',
    ]) {
      assert.deepEqual(cronWarnings(expr), [], expr);
      assert.doesNotMatch(describeCron(expr, 'UTC'), /Probably not meant/, expr);
    }
  });
});

describe('cron: day-of-week N/step counts up to 7, Sunday', () => {
  it('1/2 is Monday, Wednesday, Friday and Sunday, and the description says so', () => {
    assert.equal(
      describeCron('0 0 * * 1/2', 'UTC'),
      'At 00:00:00 on Monday, Wednesday, Friday and Sunday (day-of-week 1/2 counts up to 7, which is Sunday), UTC',
    );
    const days = nextFireTimes('0 0 * * 1/2', new Date('2026-01-04T12:00:00Z'), 5, 'UTC').map((d) =>
      d.getUTCDay(),
    );
    assert.deepEqual(days, [1, 3, 5, 0, 1]);
  });

  it('5/1 is Friday through Sunday; 2/2 stops at Saturday and needs no remark', () => {
    assert.equal(
      describeCron('0 0 * * 5/1', 'UTC'),
      'At 00:00:00 on Friday through Sunday (day-of-week 5/1 counts up to 7, which is Sunday), UTC',
    );
    assert.equal(describeCron('0 0 * * 2/2', 'UTC'), 'At 00:00:00 on Tuesday, Thursday and Saturday, UTC');
  });
});

describe('cron: H keeps the values cron-parser 5 gave', () => {
  // Jobs saved while cron-parser computed the times must keep firing at the same minutes.
  const hashed = [
    'H * * * *',
    'H 3 * * *',
    'H H * * *',
    'H/15 * * * *',
    'H(0-29)/10 * * * *',
    'H H(0-5) * * *',
    '30 H * * *',
    '0 0 H * *',
    '0 0 1 H *',
    '0 0 * * H',
    'H H H H H',
    'H(10-20) H(1-3) * * 1-5',
    'H/20 H/6 * * *',
    'H * * * * *',
    '0 H/7 * * *',
    '0 0 H(1-28)/7 * *',
  ];
  for (const expr of hashed) {
    it(`${expr}`, () => {
      const from = new Date('2026-01-01T00:00:00Z');
      const fields = expr.trim().split(/\s+/);
      const six = fields.length === 5 ? ['0', ...fields].join(' ') : expr;
      const parser = CronExpressionParser.parse(six, { tz: 'UTC', currentDate: from, hashSeed: expr.trim() });
      const theirs = Array.from({ length: 5 }, () => parser.next().toDate().toISOString());
      const ours = nextFireTimes(expr, from, 5, 'UTC').map((d) => d.toISOString());
      assert.deepEqual(ours, theirs);
    });
  }
});
