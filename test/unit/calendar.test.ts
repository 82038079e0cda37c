import assert from 'node:assert/strict';
import {
  localDayBounds,
  localDayFormatter,
  localMonthBounds,
  parseCompactDate,
  wallTime,
} from '../../src/core/calendar';

describe('core: local days and months in a zone', () => {
  it('gives the same local date as Intl for every instant of a year, DST changes included', () => {
    for (const zone of [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'America/St_Johns',
    ]) {
      const dayOf = localDayFormatter(zone);
      for (
        let t = Date.parse('2026-01-01T00:00:00Z');
        t < Date.parse('2027-01-01T00:00:00Z');
        t += 37 * 60_000 + 11_000
      ) {
        const w = wallTime(t, zone);
        const expected = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
        assert.equal(dayOf(t), expected, `${zone} at ${new Date(t).toISOString()}`);
      }
    }
  });

  it('finds the local midnight that starts and ends a day and a month', () => {
    const at = new Date('2026-03-29T12:00:00Z'); // Berlin springs forward at 02:00 that night
    assert.deepEqual(
      Object.values(localDayBounds(at, 'Europe/Berlin')).map((d) => d.toISOString()),
      ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    );
    assert.deepEqual(
      Object.values(localMonthBounds(new Date('2026-11-30T23:30:00Z'), 'Asia/Tokyo')).map((d) =>
        d.toISOString(),
      ),
      ['2026-11-30T15:00:00.000Z', '2026-12-31T15:00:00.000Z'],
    );
  });

  it('reads YYYYMMDD dates and refuses impossible ones', () => {
    assert.equal(parseCompactDate('20261101'), '2026-11-01');
    assert.equal(parseCompactDate('20260230'), null);
    assert.equal(parseCompactDate('2026-11-01'), null);
  });
});
