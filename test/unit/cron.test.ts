import assert from 'node:assert/strict';
import {
  CRON_ALIASES,
  CronError,
  describeCron,
  fireTimesBetween,
  nextFireTime,
  nextFireTimes,
  validateCron,
} from '../../src/core/cron';
import { TimeZoneError, defaultTimeZone, validateTimeZone } from '../../src/core/timeZone';

function isoList(dates: Date[]): string[] {
  return dates.map((date) => date.toISOString());
}

function at(iso: string): Date {
  return new Date(iso);
}

describe('validateCron: valid expressions', () => {
  const valid: [string, 5 | 6][] = [
    ['* * * * *', 5],
    ['0 2 * * *', 5],
    ['*/5 * * * *', 5],
    ['0,15,30,45 * * * *', 5],
    ['0 9-17 * * 1-5', 5],
    ['0 9-17/2 * * MON-FRI', 5],
    ['5/15 * * * *', 5],
    ['0 0 1,15 * *', 5],
    ['0 0 1 JAN *', 5],
    ['0 0 1 jan-mar,oct *', 5],
    ['0 0 * * sun', 5],
    ['0 0 * * 7', 5],
    ['0 0 * * 0-7', 5],
    ['0 0 * * 6-7', 5],
    ['0 0 L * *', 5],
    ['0 0 1,L * *', 5],
    ['0 0 * * 5L', 5],
    ['0 0 * * FRIL', 5],
    ['0 0 * * 1,5L', 5],
    ['0 0 * * 5#2', 5],
    ['0 0 * * MON#1', 5],
    ['0 0 ? * 1', 5],
    ['0 0 1 * ?', 5],
    ['0 0 13 * 5', 5],
    ['0 0 29 2 *', 5],
    ['0 0 31 1-12 *', 5],
    ['0 0 30 2 1', 5],
    ['H * * * *', 5],
    ['H H(0-5) * * *', 5],
    ['H/15 * * * *', 5],
    ['H(0-29)/10 * * * *', 5],
    ['05 09 * * *', 5],
    ['  0   2\t* * *  ', 5],
    ['*/59 */23 */30 */11 */6', 5],
    ['* * * * * *', 6],
    ['*/20 * * * * *', 6],
    ['30 0 2 * * *', 6],
    ['0-59/10 * * * * *', 6],
  ];
  for (const [expr, fields] of valid) {
    it(`accepts ${JSON.stringify(expr)} as ${fields} fields`, () => {
      assert.deepEqual(validateCron(expr), { ok: true, fields });
    });
  }

  for (const alias of Object.keys(CRON_ALIASES)) {
    it(`accepts the alias ${alias}`, () => {
      assert.deepEqual(validateCron(alias), { ok: true, fields: alias === '@secondly' ? 6 : 5 });
    });
  }

  it('accepts aliases in any case and with spaces around them', () => {
    assert.deepEqual(validateCron(' @Daily '), { ok: true, fields: 5 });
  });
});

describe('validateCron: messages', () => {
  it('names the field, the value and the range', () => {
    assert.deepEqual(validateCron('0 25 * * *'), {
      ok: false,
      field: 'hour',
      message: 'hour: 25 is out of range 0-23',
    });
    assert.deepEqual(validateCron('0 0 * * 8'), {
      ok: false,
      field: 'day-of-week',
      message: 'day-of-week: 8 is out of range 0-7',
    });
  });

  it('names a non-number', () => {
    const result = validateCron('x * * * *');
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.field, 'minute');
    assert.match(!result.ok ? result.message : '', /^minute: "x" is not a number/);
  });

  it('counts the fields', () => {
    assert.deepEqual(validateCron('* * * * * * *'), {
      ok: false,
      field: null,
      message:
        'expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 7',
    });
  });

  it('reports an empty expression', () => {
    assert.deepEqual(validateCron(''), { ok: false, field: null, message: 'empty expression' });
  });

  it('reports an expression that can never fire', () => {
    assert.deepEqual(validateCron('0 0 30 2 *'), {
      ok: false,
      field: 'day-of-month',
      message: 'day-of-month: the expression never matches (day 30 never occurs in February)',
    });
  });

  it('reports a reversed range with the fix', () => {
    assert.deepEqual(validateCron('0 5-2 * * *'), {
      ok: false,
      field: 'hour',
      message: 'hour: range 5-2 is reversed (ranges do not wrap around; write 5-23,0-2)',
    });
  });
});

describe('nextFireTimes', () => {
  it('lists the next fire times strictly after the given instant', () => {
    assert.deepEqual(isoList(nextFireTimes('*/15 * * * *', at('2026-01-01T10:07:30Z'), 3, 'UTC')), [
      '2026-01-01T10:15:00.000Z',
      '2026-01-01T10:30:00.000Z',
      '2026-01-01T10:45:00.000Z',
    ]);
    assert.deepEqual(isoList(nextFireTimes('*/15 * * * *', at('2026-01-01T10:15:00Z'), 1, 'UTC')), [
      '2026-01-01T10:30:00.000Z',
    ]);
    assert.deepEqual(isoList(nextFireTimes('*/15 * * * *', at('2026-01-01T10:14:59.999Z'), 1, 'UTC')), [
      '2026-01-01T10:15:00.000Z',
    ]);
  });

  it('reads the expression in the given zone', () => {
    // Friday 2026-01-02 10:00 in New York; the next weekday 09:00 EST is Monday 14:00 UTC.
    assert.deepEqual(
      isoList(nextFireTimes('0 9 * * 1-5', at('2026-01-02T15:00:00Z'), 3, 'America/New_York')),
      ['2026-01-05T14:00:00.000Z', '2026-01-06T14:00:00.000Z', '2026-01-07T14:00:00.000Z'],
    );
    assert.deepEqual(isoList(nextFireTimes('0 12 * * *', at('2026-01-01T00:00:00Z'), 1, 'Asia/Kolkata')), [
      '2026-01-01T06:30:00.000Z',
    ]);
    assert.deepEqual(isoList(nextFireTimes('@yearly', at('2026-06-01T00:00:00Z'), 2, 'Europe/Berlin')), [
      '2026-12-31T23:00:00.000Z',
      '2027-12-31T23:00:00.000Z',
    ]);
  });

  it('follows the offset change within a run of weekly fires', () => {
    // Los Angeles moves to PDT on 2026-03-08.
    assert.deepEqual(
      isoList(nextFireTimes('0 22 * * SUN', at('2026-03-01T00:00:00Z'), 3, 'America/Los_Angeles')),
      ['2026-03-02T06:00:00.000Z', '2026-03-09T05:00:00.000Z', '2026-03-16T05:00:00.000Z'],
    );
  });

  it('handles seconds, L, # and leap days', () => {
    assert.deepEqual(isoList(nextFireTimes('30 * * * * *', at('2026-01-01T10:00:00Z'), 2, 'UTC')), [
      '2026-01-01T10:00:30.000Z',
      '2026-01-01T10:01:30.000Z',
    ]);
    assert.deepEqual(isoList(nextFireTimes('0 0 L * *', at('2026-01-01T00:00:00Z'), 3, 'UTC')), [
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
    assert.deepEqual(isoList(nextFireTimes('0 0 * * 5#2', at('2026-01-01T00:00:00Z'), 3, 'UTC')), [
      '2026-01-09T00:00:00.000Z',
      '2026-02-13T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
    ]);
    assert.deepEqual(isoList(nextFireTimes('0 0 * * 5L', at('2026-01-01T00:00:00Z'), 2, 'UTC')), [
      '2026-01-30T00:00:00.000Z',
      '2026-02-27T00:00:00.000Z',
    ]);
    assert.deepEqual(isoList(nextFireTimes('0 0 29 2 *', at('2026-01-01T00:00:00Z'), 2, 'UTC')), [
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
    ]);
  });

  it('combines a restricted day-of-month and day-of-week with OR, firing once on a day matching both', () => {
    // Fridays plus the 13th; 2026-02-13 is both and fires once.
    assert.deepEqual(isoList(nextFireTimes('0 0 13 * 5', at('2026-02-01T00:00:00Z'), 6, 'UTC')), [
      '2026-02-06T00:00:00.000Z',
      '2026-02-13T00:00:00.000Z',
      '2026-02-20T00:00:00.000Z',
      '2026-02-27T00:00:00.000Z',
      '2026-03-06T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
    ]);
  });

  it('gives H the same value on every call', () => {
    const first = nextFireTimes('H 3 * * *', at('2026-01-01T00:00:00Z'), 2, 'UTC');
    const again = nextFireTimes('H 3 * * *', at('2026-01-01T00:00:00Z'), 2, 'UTC');
    assert.deepEqual(isoList(first), isoList(again));
    assert.equal((first[1] as Date).getTime() - (first[0] as Date).getTime(), 24 * 3600_000);
    const minute = (first[0] as Date).getUTCMinutes();
    assert.equal(
      describeCron('H 3 * * *', 'UTC'),
      `At 03:${String(minute).padStart(2, '0')}:00 every day, UTC`,
    );
  });

  it('returns nothing for count 0 and rejects a bad count or date', () => {
    assert.deepEqual(nextFireTimes('* * * * *', at('2026-01-01T00:00:00Z'), 0, 'UTC'), []);
    assert.throws(
      () => nextFireTimes('* * * * *', at('2026-01-01T00:00:00Z'), -1, 'UTC'),
      /count must be a whole number/,
    );
    assert.throws(
      () => nextFireTimes('* * * * *', at('2026-01-01T00:00:00Z'), 1.5, 'UTC'),
      /count must be a whole number/,
    );
    assert.throws(
      () => nextFireTimes('* * * * *', new Date(Number.NaN), 1, 'UTC'),
      /after must be a valid Date/,
    );
  });

  it('throws a CronError naming the field for an invalid expression', () => {
    assert.throws(
      () => nextFireTimes('0 25 * * *', at('2026-01-01T00:00:00Z'), 1, 'UTC'),
      (error: unknown) =>
        error instanceof CronError &&
        error.field === 'hour' &&
        error.detail === 'hour: 25 is out of range 0-23' &&
        error.message === 'invalid cron expression "0 25 * * *": hour: 25 is out of range 0-23',
    );
    assert.throws(
      () => nextFireTimes('0 0 31 4 *', at('2026-01-01T00:00:00Z'), 1, 'UTC'),
      (error: unknown) =>
        error instanceof CronError && /never matches \(day 31 never occurs in April\)/.test(error.message),
    );
  });

  it('throws an error naming an unknown zone', () => {
    assert.throws(
      () => nextFireTimes('* * * * *', at('2026-01-01T00:00:00Z'), 1, 'Mars/Base'),
      (error: unknown) =>
        error instanceof TimeZoneError &&
        error.message ===
          'time zone "Mars/Base" is not a known IANA zone (e.g. "Europe/Berlin", "America/New_York", "UTC")',
    );
  });
});

describe('nextFireTime', () => {
  it('is the first of nextFireTimes', () => {
    assert.equal(
      nextFireTime('0 2 * * *', at('2026-05-01T12:00:00Z'), 'Europe/Berlin')?.toISOString(),
      '2026-05-02T00:00:00.000Z',
    );
  });

  it('throws for an invalid expression', () => {
    assert.throws(() => nextFireTime('@reboot', at('2026-05-01T12:00:00Z'), 'UTC'), CronError);
  });
});

describe('fireTimesBetween', () => {
  it('lists the fires after the start (exclusive) up to the end (inclusive)', () => {
    const result = fireTimesBetween(
      '0 * * * *',
      at('2026-01-01T10:00:00Z'),
      at('2026-01-01T13:00:00Z'),
      'UTC',
      10,
    );
    assert.deepEqual(isoList(result.times), [
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T13:00:00.000Z',
    ]);
    assert.equal(result.truncated, false);
  });

  it('stops at the limit and says so', () => {
    const result = fireTimesBetween(
      '0 * * * *',
      at('2026-01-01T10:00:00Z'),
      at('2026-01-01T13:00:00Z'),
      'UTC',
      2,
    );
    assert.deepEqual(isoList(result.times), ['2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z']);
    assert.equal(result.truncated, true);
  });

  it('is not truncated when the limit is exactly the number of fires', () => {
    const result = fireTimesBetween(
      '0 * * * *',
      at('2026-01-01T10:00:00Z'),
      at('2026-01-01T13:00:00Z'),
      'UTC',
      3,
    );
    assert.equal(result.times.length, 3);
    assert.equal(result.truncated, false);
  });

  it('with limit 0 only tells whether any fire is missed', () => {
    assert.deepEqual(
      fireTimesBetween('0 * * * *', at('2026-01-01T10:00:00Z'), at('2026-01-01T11:00:00Z'), 'UTC', 0),
      {
        times: [],
        truncated: true,
      },
    );
    assert.deepEqual(
      fireTimesBetween('0 * * * *', at('2026-01-01T10:00:00Z'), at('2026-01-01T10:59:59Z'), 'UTC', 0),
      {
        times: [],
        truncated: false,
      },
    );
  });

  it('is empty when the end is not after the start', () => {
    for (const until of ['2026-01-01T10:00:00Z', '2026-01-01T09:00:00Z']) {
      assert.deepEqual(fireTimesBetween('* * * * *', at('2026-01-01T10:00:00Z'), at(until), 'UTC', 10), {
        times: [],
        truncated: false,
      });
    }
  });

  it('counts a missed day of five-minute fires', () => {
    const result = fireTimesBetween(
      '*/5 * * * *',
      at('2026-01-01T00:00:00Z'),
      at('2026-01-02T00:00:00Z'),
      'Europe/Berlin',
      1000,
    );
    assert.equal(result.times.length, 288);
    assert.equal(result.truncated, false);
    assert.equal(result.times[287]?.toISOString(), '2026-01-02T00:00:00.000Z');
  });

  it('rejects a bad limit, bad dates, an invalid expression and an unknown zone', () => {
    const from = at('2026-01-01T00:00:00Z');
    const to = at('2026-01-02T00:00:00Z');
    assert.throws(() => fireTimesBetween('* * * * *', from, to, 'UTC', -1), /limit must be a whole number/);
    assert.throws(
      () => fireTimesBetween('* * * * *', new Date('x'), to, 'UTC', 1),
      /afterExclusive must be a valid Date/,
    );
    assert.throws(
      () => fireTimesBetween('* * * * *', from, new Date('x'), 'UTC', 1),
      /untilInclusive must be a valid Date/,
    );
    assert.throws(() => fireTimesBetween('* * * *', from, to, 'UTC', 1), CronError);
    assert.throws(() => fireTimesBetween('* * * * *', from, to, 'Nowhere', 1), TimeZoneError);
  });
});

describe('describeCron', () => {
  const cases: [string, string, string][] = [
    ['0 2 * * *', 'Europe/Berlin', 'At 02:00:00 every day, Europe/Berlin'],
    ['* * * * *', 'UTC', 'Every minute, UTC'],
    ['* * * * * *', 'UTC', 'Every second, UTC'],
    ['*/5 * * * *', 'UTC', 'Every 5 minutes, UTC'],
    ['*/20 * * * * *', 'UTC', 'Every 20 seconds, UTC'],
    ['30 * * * *', 'UTC', 'At minute 30 of every hour, UTC'],
    ['0 9 * * 1-5', 'America/New_York', 'At 09:00:00 on Monday through Friday, America/New_York'],
    ['0 0 1 * *', 'UTC', 'At 00:00:00 on day 1 of the month, UTC'],
    ['30 6 * * 0', 'Europe/London', 'At 06:30:00 on Sunday, Europe/London'],
    ['0 9,17 * * *', 'UTC', 'At 09:00:00 and 17:00:00 every day, UTC'],
    ['0 */2 * * *', 'UTC', 'At minute 0 of every 2nd hour, UTC'],
    ['*/15 9-17 * * 1-5', 'UTC', 'Every 15 minutes of hours 9 through 17 on Monday through Friday, UTC'],
    ['5/15 * * * *', 'UTC', 'At minutes 5, 20, 35 and 50 of every hour, UTC'],
    ['15 * * * * *', 'UTC', 'At second 15 of every minute, UTC'],
    ['0 0 L * *', 'UTC', 'At 00:00:00 on the last day of the month, UTC'],
    ['0 0 1,L * *', 'UTC', 'At 00:00:00 on day 1 and the last day of the month, UTC'],
    ['0 0 * * 5L', 'UTC', 'At 00:00:00 on the last Friday of the month, UTC'],
    ['0 0 * * MON#2', 'UTC', 'At 00:00:00 on the second Monday of the month, UTC'],
    ['0 0 13 * 5', 'UTC', 'At 00:00:00 on day 13 of the month or on Friday, UTC'],
    ['0 0 * JAN-MAR *', 'UTC', 'At 00:00:00 every day in January through March, UTC'],
    ['0 0 1 */3 *', 'UTC', 'At 00:00:00 on day 1 of the month in January, April, July and October, UTC'],
    ['* * * 12 *', 'UTC', 'Every minute in December, UTC'],
    ['0 0 * * 1,3,5', 'UTC', 'At 00:00:00 on Monday, Wednesday and Friday, UTC'],
    ['0 0 * * 5-7', 'UTC', 'At 00:00:00 on Friday through Sunday, UTC'],
    ['0 0 1-31 * 1', 'UTC', 'At 00:00:00 every day, UTC'],
    ['0 7 * * 0-7', 'UTC', 'At 07:00:00 every day, UTC'],
    ['0 0 31 4,5 *', 'UTC', 'At 00:00:00 on day 31 of the month in April and May, UTC'],
    ['@daily', 'UTC', 'At 00:00:00 every day, UTC'],
    ['@hourly', 'UTC', 'At minute 0 of every hour, UTC'],
    ['@weekly', 'UTC', 'At 00:00:00 on Sunday, UTC'],
    ['@monthly', 'UTC', 'At 00:00:00 on day 1 of the month, UTC'],
    ['@yearly', 'UTC', 'At 00:00:00 on January 1, UTC'],
    ['@weekdays', 'UTC', 'At 00:00:00 on Monday through Friday, UTC'],
    ['@weekends', 'UTC', 'At 00:00:00 on Saturday and Sunday, UTC'],
    ['@minutely', 'UTC', 'Every minute, UTC'],
    ['@secondly', 'UTC', 'Every second, UTC'],
  ];
  for (const [expr, zone, expected] of cases) {
    it(`${expr} -> ${expected}`, () => {
      assert.equal(describeCron(expr, zone), expected);
    });
  }

  it('describes complex expressions field by field without throwing', () => {
    assert.equal(
      describeCron('10,40 5 1-5,10 * *', 'UTC'),
      'At 05:10:00 and 05:40:00 on days 1 through 5 and 10 of the month, UTC',
    );
    assert.equal(
      describeCron('7 1-10/3,30 2,4,6,8,10,12,14 * * *', 'UTC'),
      'At second 7 of minutes 1, 4, 7, 10 and 30 of hours 2, 4, 6, 8, 10, 12 and 14, UTC',
    );
  });

  it('throws a CronError for an invalid expression and a TimeZoneError for an unknown zone', () => {
    assert.throws(() => describeCron('61 * * * *', 'UTC'), CronError);
    assert.throws(() => describeCron('* * * * *', 'Mars/Base'), TimeZoneError);
  });
});

describe('timeZone', () => {
  it('accepts IANA zones and UTC', () => {
    for (const zone of [
      'UTC',
      'Etc/UTC',
      'Europe/Berlin',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
    ]) {
      assert.equal(validateTimeZone(zone), null, zone);
    }
  });

  it('rejects unknown zones, naming them', () => {
    assert.equal(
      validateTimeZone('Mars/Base'),
      'time zone "Mars/Base" is not a known IANA zone (e.g. "Europe/Berlin", "America/New_York", "UTC")',
    );
    assert.match(validateTimeZone('local') ?? '', /"local" is not a known IANA zone/);
    assert.match(validateTimeZone('+02:00') ?? '', /"\+02:00" is not a known IANA zone/);
  });

  it('rejects an empty zone and one with spaces around it', () => {
    assert.match(validateTimeZone('') ?? '', /^time zone is empty/);
    assert.equal(
      validateTimeZone(' Europe/Berlin'),
      'time zone " Europe/Berlin" has spaces around it: use "Europe/Berlin"',
    );
  });

  it('rejects a zone that is not a string', () => {
    assert.match(validateTimeZone(42 as unknown as string) ?? '', /must be a string.*got number/);
  });

  it('gives a valid default zone', () => {
    assert.equal(validateTimeZone(defaultTimeZone()), null);
  });
});
