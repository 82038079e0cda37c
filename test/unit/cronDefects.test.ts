import assert from 'node:assert/strict';
import { fireTimesBetween, nextFireTime, nextFireTimes } from '../../src/core/cron';

// The defects issue 14 found with a differential test (cron-parser-based code against croner and a
// brute-force reference), each pinned here with the rule that decides it:
//   - a fixed local time in a skipped interval fires once, shifted by the gap's length;
//   - a fixed local time in a repeated interval fires once, at its first occurrence;
//   - jobs whose hour field is `*` or a step fire on real time (both passes of a repeat);
//   - the answer is the same whether asked as a sequence or from any instant.
// Times are written with their offset, so each assertion reads as the wall clock a user sees.
//
// Transitions used (from Intl):
//   Australia/Lord_Howe 2026-04-05 02:00 +11:00 -> 01:30 +10:30 (01:30-01:59 repeated)
//                       2026-10-04 02:00 +10:30 -> 02:30 +11:00 (02:00-02:29 skipped)
//                       2029-04-01 02:00 +11:00 -> 01:30 +10:30
//   Pacific/Chatham     2026-04-05 03:45 +13:45 -> 02:45 +12:45 (02:45-03:44 repeated)
//                       2026-09-27 02:45 +12:45 -> 03:45 +13:45 (02:45-03:44 skipped)
//   Europe/Berlin       2026-03-29 02:00 +01:00 -> 03:00 +02:00 (02:00-02:59 skipped)
const LORD_HOWE = 'Australia/Lord_Howe';
const CHATHAM = 'Pacific/Chatham';
const BERLIN = 'Europe/Berlin';

function iso(text: string): string {
  return new Date(text).toISOString();
}

function isoList(dates: Date[]): string[] {
  return dates.map((date) => date.toISOString());
}

describe('cron defect 1: no "no fire time could be found" for valid expressions in Lord_Howe', () => {
  it('5 3 1 * * from 2029-03-15 fires on 1 April, the day DST ends', () => {
    const times = nextFireTimes('5 3 1 * *', new Date('2029-03-15T00:00:00Z'), 3, LORD_HOWE);
    assert.deepEqual(isoList(times), [
      iso('2029-04-01T03:05:00+10:30'),
      iso('2029-05-01T03:05:00+10:30'),
      iso('2029-06-01T03:05:00+10:30'),
    ]);
  });

  it('15 16-17 * 4 0 fires on the Sundays of April, the first one the day DST ends', () => {
    const times = nextFireTimes('15 16-17 * 4 0', new Date('2026-01-01T00:00:00Z'), 4, LORD_HOWE);
    assert.deepEqual(isoList(times), [
      iso('2026-04-05T16:15:00+10:30'),
      iso('2026-04-05T17:15:00+10:30'),
      iso('2026-04-12T16:15:00+10:30'),
      iso('2026-04-12T17:15:00+10:30'),
    ]);
  });

  it('*/3 2-3 * 4-10 SUN fires every 3 minutes from 02:00 on the day DST ends', () => {
    const times = nextFireTimes('*/3 2-3 * 4-10 SUN', new Date('2026-01-01T00:00:00Z'), 41, LORD_HOWE);
    assert.deepEqual(isoList(times.slice(0, 3)), [
      iso('2026-04-05T02:00:00+10:30'),
      iso('2026-04-05T02:03:00+10:30'),
      iso('2026-04-05T02:06:00+10:30'),
    ]);
    assert.equal(times[39]?.toISOString(), iso('2026-04-05T03:57:00+10:30'));
    assert.equal(times[40]?.toISOString(), iso('2026-04-12T02:00:00+10:30'));
  });
});

describe('cron defect 2: fixed times in gaps that are not one whole hour shift by the gap', () => {
  it('Lord_Howe 17 2 * * * fires at 02:47 +11:00 on the day 02:00-02:29 is skipped', () => {
    const times = nextFireTimes('17 2 * * *', new Date('2026-10-02T00:00:00Z'), 3, LORD_HOWE);
    assert.deepEqual(isoList(times), [
      iso('2026-10-03T02:17:00+10:30'),
      iso('2026-10-04T02:47:00+11:00'),
      iso('2026-10-05T02:17:00+11:00'),
    ]);
  });

  it('Lord_Howe 0,45 * * * * fires at 02:45, which exists, and not at the missing 02:00', () => {
    const times = nextFireTimes('0,45 * * * *', new Date('2026-10-03T15:00:00Z'), 4, LORD_HOWE);
    assert.deepEqual(isoList(times), [
      iso('2026-10-04T01:45:00+10:30'),
      iso('2026-10-04T02:45:00+11:00'),
      iso('2026-10-04T03:00:00+11:00'),
      iso('2026-10-04T03:45:00+11:00'),
    ]);
  });

  it('Chatham 45 3 * * * fires at 03:45 +13:45, which exists right after the gap', () => {
    const next = nextFireTime('45 3 * * *', new Date('2026-09-26T12:00:00Z'), CHATHAM);
    assert.equal(next?.toISOString(), iso('2026-09-27T03:45:00+13:45'));
  });
});

describe('cron defect 3: a restricted-hour job does not fire the repeated times again', () => {
  it('Chatham * 3 * * * asked from 03:44:59 +13:45 goes on at 03:45 +12:45', () => {
    const from = new Date('2026-04-05T03:44:59+13:45');
    assert.equal(nextFireTime('* 3 * * *', from, CHATHAM)?.toISOString(), iso('2026-04-05T03:45:00+12:45'));
    const between = fireTimesBetween('* 3 * * *', from, new Date('2026-04-05T03:50:00+12:45'), CHATHAM, 100);
    assert.deepEqual(isoList(between.times), [
      iso('2026-04-05T03:45:00+12:45'),
      iso('2026-04-05T03:46:00+12:45'),
      iso('2026-04-05T03:47:00+12:45'),
      iso('2026-04-05T03:48:00+12:45'),
      iso('2026-04-05T03:49:00+12:45'),
      iso('2026-04-05T03:50:00+12:45'),
    ]);
  });

  it('Chatham * 3 * * * fires each of the 60 minutes of 03:xx once on the day DST ends', () => {
    const between = fireTimesBetween(
      '* 3 * * *',
      new Date('2026-04-05T00:00:00+13:45'),
      new Date('2026-04-05T12:00:00+12:45'),
      CHATHAM,
      1000,
    );
    assert.equal(between.times.length, 60);
    assert.equal(between.times[0]?.toISOString(), iso('2026-04-05T03:00:00+13:45'));
    assert.equal(between.times[44]?.toISOString(), iso('2026-04-05T03:44:00+13:45'));
    assert.equal(between.times[45]?.toISOString(), iso('2026-04-05T03:45:00+12:45'));
    assert.equal(between.times[59]?.toISOString(), iso('2026-04-05T03:59:00+12:45'));
  });
});

describe('cron defect 4: the sequence and "from now" agree after a spring-forward', () => {
  it('Berlin 0,30 2 * * * on 2026-03-29: 03:00 and 03:30 both as a sequence and asked from 03:00:00.1', () => {
    const sequence = nextFireTimes('0,30 2 * * *', new Date('2026-03-28T12:00:00Z'), 4, BERLIN);
    assert.deepEqual(isoList(sequence), [
      iso('2026-03-29T03:00:00+02:00'),
      iso('2026-03-29T03:30:00+02:00'),
      iso('2026-03-30T02:00:00+02:00'),
      iso('2026-03-30T02:30:00+02:00'),
    ]);
    const after = new Date(Date.parse(iso('2026-03-29T03:00:00+02:00')) + 100);
    const between = fireTimesBetween('0,30 2 * * *', after, new Date('2026-03-30T12:00:00Z'), BERLIN, 10);
    assert.deepEqual(isoList(between.times), isoList(sequence.slice(1)));
    assert.equal(nextFireTime('0,30 2 * * *', after, BERLIN)?.toISOString(), sequence[1]?.toISOString());
  });
});

describe('cron defect 5: every-hour jobs fire both passes of a repeated period, whatever the minutes', () => {
  it('Chatham 0 * * * * and 0,45 * * * * both fire 03:00 twice on the day DST ends', () => {
    const from = new Date('2026-04-05T01:59:00+13:45');
    const until = new Date('2026-04-05T04:00:00+12:45');
    const hourly = fireTimesBetween('0 * * * *', from, until, CHATHAM, 100).times;
    assert.deepEqual(isoList(hourly), [
      iso('2026-04-05T02:00:00+13:45'),
      iso('2026-04-05T03:00:00+13:45'),
      iso('2026-04-05T03:00:00+12:45'),
      iso('2026-04-05T04:00:00+12:45'),
    ]);
    const twice = fireTimesBetween('0,45 * * * *', from, until, CHATHAM, 100).times;
    assert.deepEqual(isoList(twice), [
      iso('2026-04-05T02:00:00+13:45'),
      iso('2026-04-05T02:45:00+13:45'),
      iso('2026-04-05T03:00:00+13:45'),
      iso('2026-04-05T02:45:00+12:45'),
      iso('2026-04-05T03:00:00+12:45'),
      iso('2026-04-05T03:45:00+12:45'),
      iso('2026-04-05T04:00:00+12:45'),
    ]);
  });

  it('Lord_Howe 0,45 * * * * fires 01:45 twice on the day DST ends', () => {
    const times = nextFireTimes('0,45 * * * *', new Date('2026-04-05T00:50:00+11:00'), 5, LORD_HOWE);
    assert.deepEqual(isoList(times), [
      iso('2026-04-05T01:00:00+11:00'),
      iso('2026-04-05T01:45:00+11:00'),
      iso('2026-04-05T01:45:00+10:30'),
      iso('2026-04-05T02:00:00+10:30'),
      iso('2026-04-05T02:45:00+10:30'),
    ]);
  });
});
