import assert from 'node:assert/strict';
import { fireTimesBetween, nextFireTimes } from '../../src/core/cron';

// The transitions these tests rely on (checked against Intl in the first tests):
// Europe/Berlin      spring forward 2026-03-29 02:00 CET  -> 03:00 CEST (01:00 UTC)
//                    fall back      2026-10-25 03:00 CEST -> 02:00 CET  (01:00 UTC)
// Australia/Sydney   DST ends       2026-04-05 03:00 AEDT -> 02:00 AEST (16:00 UTC the day before)
//                    DST starts     2026-10-04 02:00 AEST -> 03:00 AEDT (16:00 UTC the day before)
const BERLIN = 'Europe/Berlin';
const SYDNEY = 'Australia/Sydney';

/** The UTC offset Intl reports for `zone` at `iso`, e.g. "GMT+2". */
function offsetAt(zone: string, iso: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    timeZoneName: 'shortOffset',
  }).formatToParts(new Date(iso));
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
}

/** Local wall-clock time in `zone` as "YYYY-MM-DD HH:MM:SS". */
function local(zone: string, date: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string): string => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

function isoList(dates: Date[]): string[] {
  return dates.map((date) => date.toISOString());
}

/** Fire times in [from, to) given as UTC ISO strings. */
function firesIn(expr: string, zone: string, fromIso: string, toIso: string): Date[] {
  const result = fireTimesBetween(
    expr,
    new Date(Date.parse(fromIso) - 1),
    new Date(Date.parse(toIso) - 1),
    zone,
    10_000,
  );
  assert.equal(result.truncated, false);
  return result.times;
}

function assertStrictlyIncreasingBy(dates: Date[], stepMs: number): void {
  for (let index = 1; index < dates.length; index++) {
    const gap = (dates[index] as Date).getTime() - (dates[index - 1] as Date).getTime();
    assert.equal(gap, stepMs, `gap before ${(dates[index] as Date).toISOString()} is ${gap} ms`);
  }
}

function hoursOf(zone: string, dates: Date[]): number[] {
  return dates.map((date) => Number(local(zone, date).slice(11, 13)));
}

const ALL_HOURS_BUT_2 = [0, 1, ...Array.from({ length: 21 }, (_, index) => index + 3)];
const ALL_HOURS_AND_2_TWICE = [0, 1, 2, 2, ...Array.from({ length: 21 }, (_, index) => index + 3)];

describe('cron across DST: Europe/Berlin (northern)', () => {
  it('the transitions are where these tests assume (Intl)', () => {
    assert.equal(offsetAt(BERLIN, '2026-03-29T00:59:59Z'), 'GMT+1');
    assert.equal(offsetAt(BERLIN, '2026-03-29T01:00:00Z'), 'GMT+2');
    assert.equal(offsetAt(BERLIN, '2026-10-25T00:59:59Z'), 'GMT+2');
    assert.equal(offsetAt(BERLIN, '2026-10-25T01:00:00Z'), 'GMT+1');
  });

  it('a daily 02:30 job in the spring-forward gap fires once, at 03:30 CEST', () => {
    const times = firesIn('30 2 * * *', BERLIN, '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z');
    assert.deepEqual(isoList(times), [
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
    assert.equal(local(BERLIN, times[1] as Date), '2026-03-29 03:30:00');
  });

  it('a daily 02:30 job in the fall-back overlap fires once, at the first 02:30 (CEST)', () => {
    const times = firesIn('30 2 * * *', BERLIN, '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z');
    assert.deepEqual(isoList(times), [
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
    assert.equal(offsetAt(BERLIN, '2026-10-25T00:30:00Z'), 'GMT+2');
  });

  it('asked from inside the overlap, the daily job does not fire again at the second 02:30', () => {
    // 02:45 CEST, after the job ran at 02:30 CEST; 02:30 CET (01:30 UTC) is still ahead.
    const [next] = nextFireTimes('30 2 * * *', new Date('2026-10-25T00:45:00Z'), 1, BERLIN);
    assert.equal(next?.toISOString(), '2026-10-26T01:30:00.000Z');
  });

  it('an hourly job fires 23 times on the spring-forward day, skipping only the missing 02:00', () => {
    // The local day 2026-03-29 runs from 23:00 UTC the day before to 22:00 UTC.
    const times = firesIn('0 * * * *', BERLIN, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z');
    assert.equal(times.length, 23);
    assert.deepEqual(hoursOf(BERLIN, times), ALL_HOURS_BUT_2);
    assertStrictlyIncreasingBy(times, 3600_000);
    assert.deepEqual(isoList(times.slice(0, 4)), [
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ]);
  });

  it('an hourly job fires 25 times on the fall-back day: 02:00 CEST and 02:00 CET, an hour apart', () => {
    // The local day 2026-10-25 runs from 22:00 UTC the day before to 23:00 UTC.
    const times = firesIn('0 * * * *', BERLIN, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z');
    assert.equal(times.length, 25);
    assert.deepEqual(hoursOf(BERLIN, times), ALL_HOURS_AND_2_TWICE);
    assertStrictlyIncreasingBy(times, 3600_000);
    assert.deepEqual(isoList(times.slice(1, 5)), [
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ]);
    assert.equal(new Set(isoList(times)).size, 25);
  });

  it('a 20-second schedule runs straight through the spring-forward jump', () => {
    const times = firesIn('*/20 * * * * *', BERLIN, '2026-03-29T00:59:01Z', '2026-03-29T01:01:01Z');
    assert.deepEqual(isoList(times), [
      '2026-03-29T00:59:20.000Z',
      '2026-03-29T00:59:40.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:00:20.000Z',
      '2026-03-29T01:00:40.000Z',
      '2026-03-29T01:01:00.000Z',
    ]);
    assertStrictlyIncreasingBy(times, 20_000);
    assert.equal(local(BERLIN, times[1] as Date), '2026-03-29 01:59:40');
    assert.equal(local(BERLIN, times[2] as Date), '2026-03-29 03:00:00');
  });

  it('a 20-second schedule runs straight through the fall-back jump', () => {
    const times = firesIn('*/20 * * * * *', BERLIN, '2026-10-25T00:59:01Z', '2026-10-25T01:01:01Z');
    assert.deepEqual(isoList(times), [
      '2026-10-25T00:59:20.000Z',
      '2026-10-25T00:59:40.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:00:20.000Z',
      '2026-10-25T01:00:40.000Z',
      '2026-10-25T01:01:00.000Z',
    ]);
    assertStrictlyIncreasingBy(times, 20_000);
    assert.equal(local(BERLIN, times[1] as Date), '2026-10-25 02:59:40');
    assert.equal(local(BERLIN, times[2] as Date), '2026-10-25 02:00:00');
  });
});

describe('cron across DST: Australia/Sydney (southern)', () => {
  it('the transitions are where these tests assume (Intl)', () => {
    assert.equal(offsetAt(SYDNEY, '2026-04-04T15:59:59Z'), 'GMT+11');
    assert.equal(offsetAt(SYDNEY, '2026-04-04T16:00:00Z'), 'GMT+10');
    assert.equal(offsetAt(SYDNEY, '2026-10-03T15:59:59Z'), 'GMT+10');
    assert.equal(offsetAt(SYDNEY, '2026-10-03T16:00:00Z'), 'GMT+11');
  });

  it('a daily 02:30 job in the April overlap fires once, at the first 02:30 (AEDT)', () => {
    const times = firesIn('30 2 * * *', SYDNEY, '2026-04-03T00:00:00Z', '2026-04-06T00:00:00Z');
    assert.deepEqual(isoList(times), [
      '2026-04-03T15:30:00.000Z',
      '2026-04-04T15:30:00.000Z',
      '2026-04-05T16:30:00.000Z',
    ]);
    assert.equal(local(SYDNEY, times[1] as Date), '2026-04-05 02:30:00');
    assert.equal(offsetAt(SYDNEY, '2026-04-04T15:30:00Z'), 'GMT+11');
  });

  it('a daily 02:30 job in the October gap fires once, at 03:30 AEDT', () => {
    const times = firesIn('30 2 * * *', SYDNEY, '2026-10-02T00:00:00Z', '2026-10-05T00:00:00Z');
    assert.deepEqual(isoList(times), [
      '2026-10-02T16:30:00.000Z',
      '2026-10-03T16:30:00.000Z',
      '2026-10-04T15:30:00.000Z',
    ]);
    assert.equal(local(SYDNEY, times[1] as Date), '2026-10-04 03:30:00');
  });

  it('an hourly job fires 25 times on the day DST ends, without duplicates', () => {
    // The local day 2026-04-05 runs from 13:00 UTC the day before (AEDT) to 14:00 UTC (AEST).
    const times = firesIn('0 * * * *', SYDNEY, '2026-04-04T13:00:00Z', '2026-04-05T14:00:00Z');
    assert.equal(times.length, 25);
    assert.deepEqual(hoursOf(SYDNEY, times), ALL_HOURS_AND_2_TWICE);
    assertStrictlyIncreasingBy(times, 3600_000);
    assert.deepEqual(isoList(times.slice(2, 4)), ['2026-04-04T15:00:00.000Z', '2026-04-04T16:00:00.000Z']);
  });

  it('an hourly job fires 23 times on the day DST starts, skipping only the missing 02:00', () => {
    // The local day 2026-10-04 runs from 14:00 UTC the day before (AEST) to 13:00 UTC (AEDT).
    const times = firesIn('0 * * * *', SYDNEY, '2026-10-03T14:00:00Z', '2026-10-04T13:00:00Z');
    assert.equal(times.length, 23);
    assert.deepEqual(hoursOf(SYDNEY, times), ALL_HOURS_BUT_2);
    assertStrictlyIncreasingBy(times, 3600_000);
    assert.deepEqual(isoList(times.slice(1, 3)), ['2026-10-03T15:00:00.000Z', '2026-10-03T16:00:00.000Z']);
  });

  it('a 20-second schedule runs straight through both jumps', () => {
    for (const [day, before, after] of [
      ['2026-04-04', '2026-04-05 02:59:40', '2026-04-05 02:00:00'],
      ['2026-10-03', '2026-10-04 01:59:40', '2026-10-04 03:00:00'],
    ] as const) {
      const times = firesIn('*/20 * * * * *', SYDNEY, `${day}T15:59:01Z`, `${day}T16:01:01Z`);
      assert.deepEqual(isoList(times), [
        `${day}T15:59:20.000Z`,
        `${day}T15:59:40.000Z`,
        `${day}T16:00:00.000Z`,
        `${day}T16:00:20.000Z`,
        `${day}T16:00:40.000Z`,
        `${day}T16:01:00.000Z`,
      ]);
      assertStrictlyIncreasingBy(times, 20_000);
      assert.equal(local(SYDNEY, times[1] as Date), before);
      assert.equal(local(SYDNEY, times[2] as Date), after);
    }
  });
});

describe('cron across DST: properties', () => {
  it('every-15-minutes fire times are strictly increasing and 15 minutes apart around each change', () => {
    for (const [zone, change] of [
      [BERLIN, '2026-03-29T01:00:00Z'],
      [BERLIN, '2026-10-25T01:00:00Z'],
      [SYDNEY, '2026-04-04T16:00:00Z'],
      [SYDNEY, '2026-10-03T16:00:00Z'],
    ] as const) {
      const at = Date.parse(change);
      const times = firesIn(
        '*/15 * * * *',
        zone,
        new Date(at - 6 * 3600_000).toISOString(),
        new Date(at + 6 * 3600_000).toISOString(),
      );
      assert.equal(times.length, 48, `${zone} around ${change}`);
      assertStrictlyIncreasingBy(times, 15 * 60_000);
    }
  });
});

describe('cron across DST: Australia/Lord_Howe (half-hour shift)', () => {
  // cron-parser 5.10.6 gives up ("loop limit exceeded") or steps backwards when its search crosses
  // the end of Lord Howe's DST (2026-04-05 02:00 +11 -> 01:30 +10:30, at 15:00 UTC the day before);
  // nextFireTimes must still move forward without skipping or repeating a fire.
  const LORD_HOWE = 'Australia/Lord_Howe';

  it('an hourly job continues at 02:00 +10:30', () => {
    assert.equal(offsetAt(LORD_HOWE, '2026-04-04T14:59:59Z'), 'GMT+11');
    assert.equal(offsetAt(LORD_HOWE, '2026-04-04T15:00:00Z'), 'GMT+10:30');
    const times = nextFireTimes('0 * * * *', new Date('2026-04-04T13:30:00Z'), 4, LORD_HOWE);
    assert.deepEqual(isoList(times), [
      '2026-04-04T14:00:00.000Z',
      '2026-04-04T15:30:00.000Z',
      '2026-04-04T16:30:00.000Z',
      '2026-04-04T17:30:00.000Z',
    ]);
    assert.equal(local(LORD_HOWE, times[1] as Date), '2026-04-05 02:00:00');
  });

  it('a daily 02:00 job fires once on the day of the change', () => {
    const times = nextFireTimes('0 2 * * *', new Date('2026-04-03T15:00:00Z'), 2, LORD_HOWE);
    assert.deepEqual(isoList(times), ['2026-04-04T15:30:00.000Z', '2026-04-05T15:30:00.000Z']);
  });
});
