import assert from 'node:assert/strict';
import { CronError, validateCron, nextFireTimes } from '../../src/core/cron';
import type { CronFieldName } from '../../src/core/cron';

// Each malformed expression, the field the message must blame (null: the whole expression) and
// what the message must say. What cronie accepts is not here: repeated values (`1-5,3`, `0,7`) and
// steps of any size (`*/60`) are accepted, see cronStandard.test.ts.
const MALFORMED: [string, CronFieldName | null, RegExp][] = [
  // The expression as a whole
  ['', null, /^empty expression$/],
  ['   ', null, /^empty expression$/],
  ['\t\n', null, /^empty expression$/],
  ['*', null, /expected 5 fields .* got 1$/],
  ['* *', null, /got 2$/],
  ['* * *', null, /got 3$/],
  ['* * * *', null, /got 4$/],
  [
    '* * * * * * *',
    null,
    /^expected 5 fields \(minute hour day-of-month month day-of-week\) or 6 with seconds first, got 7$/,
  ],
  ['* * * * * *  *', null, /got 7$/],
  ['0 0 1 1 * 2026', 'day-of-week', /^day-of-week: 2026 looks like a year; a year field is not supported/],
  ['0 0 * * * * 2026', null, /got 7$/],
  ['every day', null, /got 2$/],
  ['0 2 * * * # nightly', null, /got 7$/],
  ['@reboot', null, /^@reboot is not supported/],
  ['@every 5m', null, /^unknown alias "@every": use one of @yearly/],
  ['@dayly', null, /unknown alias "@dayly"/],
  ['@', null, /unknown alias "@"/],
  ['@daily 0', null, /^@daily stands alone; remove "0"/],
  ['@hourly *', null, /@hourly stands alone/],
  ['0 0 30 2 *', 'day-of-month', /never matches \(day 30 never occurs in February\)/],
  ['0 0 31 2 *', 'day-of-month', /never matches \(day 31 never occurs in February\)/],
  ['0 0 31 4 *', 'day-of-month', /day 31 never occurs in April/],
  ['0 0 31 4,6,9,11 *', 'day-of-month', /day 31 never occurs in April, June, September or November/],
  ['0 0 30,31 2 ?', 'day-of-month', /day 30 never occurs in February/],
  ['0 0 0 31 SEP *', 'day-of-month', /day 31 never occurs in September/],
  [`${'1,'.repeat(600)}1 * * * *`, null, /too long \(1209 characters, at most 1024\)/],

  // Numbers: out of range
  ['60 * * * *', 'minute', /^minute: 60 is out of range 0-59$/],
  ['99 * * * *', 'minute', /^minute: 99 is out of range 0-59$/],
  ['* 24 * * *', 'hour', /^hour: 24 is out of range 0-23$/],
  ['0 25 * * *', 'hour', /^hour: 25 is out of range 0-23$/],
  ['* * 0 * *', 'day-of-month', /^day-of-month: 0 is out of range 1-31$/],
  ['* * 32 * *', 'day-of-month', /^day-of-month: 32 is out of range 1-31$/],
  ['* * * 0 *', 'month', /^month: 0 is out of range 1-12$/],
  ['* * * 13 *', 'month', /^month: 13 is out of range 1-12$/],
  ['* * * * 8', 'day-of-week', /^day-of-week: 8 is out of range 0-7$/],
  ['60 * * * * *', 'second', /^second: 60 is out of range 0-59$/],
  ['0 0-60 * * *', 'hour', /^hour: 60 is out of range 0-23$/],
  ['0-60 * * * *', 'minute', /60 is out of range 0-59/],
  ['* * 1-32 * *', 'day-of-month', /32 is out of range 1-31/],
  ['1,2,61 * * * *', 'minute', /61 is out of range 0-59/],
  ['0 0 * * 1-8', 'day-of-week', /8 is out of range 0-7/],
  ['0 0 * 12-13 *', 'month', /13 is out of range 1-12/],
  ['0 024 * * *', 'hour', /"?024"? \(24\) is out of range 0-23/],
  ['99999999999999999999 * * * *', 'minute', /99999999999999999999 is out of range 0-59/],

  // Not numbers
  ['x * * * *', 'minute', /^minute: "x" is not a number/],
  ['* x * * *', 'hour', /^hour: "x" is not a number/],
  ['* * x * *', 'day-of-month', /^day-of-month: "x" is not a number/],
  ['1.5 * * * *', 'minute', /"1\.5" is not a number/],
  ['1e1 * * * *', 'minute', /"1e1" is not a number/],
  ['0x5 * * * *', 'minute', /"0x5" is not a number/],
  ['+5 * * * *', 'minute', /"\+5" is not a number \(signs are not allowed/],
  ['١ * * * *', 'minute', /"١" is not a number/],
  ['５ * * * *', 'minute', /"５" is not a number/],
  ['½ * * * *', 'minute', /"½" is not a number/],
  ['5s * * * *', 'minute', /"5s" is not a number/],
  ['0 9am * * *', 'hour', /"9am" is not a number/],
  ['0 0 * * mo', 'day-of-week', /"mo" is not a number/],
  ['0 MON * * *', 'hour', /"MON" is not a number \(names only work in month and day-of-week\)/],
  ['JAN * * * *', 'minute', /names only work in month and day-of-week/],
  ['0 0 JAN * *', 'day-of-month', /"JAN" is not a number/],
  ['0 0 * MONDAY *', 'month', /"MONDAY" is not a month name \(use JAN-DEC or 1-12\)/],
  ['0 0 * JANUARY *', 'month', /"JANUARY" is not a month name/],
  ['0 0 * JULY *', 'month', /"JULY" is not a month name/],
  ['0 0 * FOO *', 'month', /"FOO" is not a month name/],
  ['0 0 * MON *', 'month', /"MON" is not a month name/],
  ['0 0 * * MONDAY', 'day-of-week', /"MONDAY" is not a day name \(use SUN-SAT or 0-7\)/],
  ['0 0 * * JAN', 'day-of-week', /"JAN" is not a day name/],
  ['0 0 * * THUR', 'day-of-week', /"THUR" is not a day name/],
  ['* * * * * x', 'day-of-week', /"x" is not a number/],
  ['0 0 * * 1;2', 'day-of-week', /"1;2" is not a number/],
  ['0 0 * * 1|2', 'day-of-week', /"1\|2" is not a number/],
  ['0 0 * * "1"', 'day-of-week', /is not a number/],

  // Signs and missing range ends
  ['-1 * * * *', 'minute', /^minute: "-1": negative numbers are not allowed \(range 0-59\)$/],
  ['0 -5 * * *', 'hour', /negative numbers are not allowed \(range 0-23\)/],
  ['-1-5 * * * *', 'minute', /negative numbers are not allowed/],
  ['1- * * * *', 'minute', /^minute: range "1-" has no end$/],
  ['0 9- * * *', 'hour', /range "9-" has no end/],
  ['1-2-3 * * * *', 'minute', /"1-2-3" is not a valid range/],
  ['1--3 * * * *', 'minute', /"1--3" is not a valid range/],

  // Reversed ranges
  ['5-2 * * * *', 'minute', /^minute: range 5-2 is reversed \(ranges do not wrap around; write 5-59,0-2\)$/],
  ['0 5-2 * * *', 'hour', /^hour: range 5-2 is reversed/],
  ['0 22-2 * * *', 'hour', /range 22-2 is reversed .*write 22-23,0-2/],
  ['0 0 20-10 * *', 'day-of-month', /range 20-10 is reversed .*write 20-31,1-10/],
  ['0 0 * NOV-FEB *', 'month', /range NOV-FEB is reversed .*write 11-12,1-2/],
  ['0 0 * * FRI-MON', 'day-of-week', /range FRI-MON is reversed .*write 5-6,0-1/],
  ['0 0 * * 7-0', 'day-of-week', /range 7-0 is reversed .*write 0\)/],
  ['0 0 * * 6-1', 'day-of-week', /write 6,0-1/],

  // Lists
  [',5 * * * *', 'minute', /^minute: ",5" has an empty list item/],
  ['5, * * * *', 'minute', /"5," has an empty list item/],
  ['1,,2 * * * *', 'minute', /"1,,2" has an empty list item/],
  [', * * * *', 'minute', /empty list item/],

  // Steps
  ['*/ * * * *', 'minute', /^minute: "\*\/" has no step after "\/"$/],
  ['*/0 * * * *', 'minute', /^minute: step 0 is not allowed/],
  ['0 0 */0 * *', 'day-of-month', /^day-of-month: step 0 is not allowed/],
  ['0 */0 * * *', 'hour', /^hour: step 0 is not allowed/],
  ['*/x * * * *', 'minute', /step "x" in "\*\/x" is not a number/],
  ['*/-5 * * * *', 'minute', /step "-5" in "\*\/-5" is not a number/],
  ['*/1.5 * * * *', 'minute', /step "1\.5" .* is not a number/],
  ['*/15/2 * * * *', 'minute', /"\*\/15\/2" has more than one "\/"/],
  ['/5 * * * *', 'minute', /"\/5" has nothing before "\/"/],
  ['1-/5 * * * *', 'minute', /range "1-" has no end/],
  ['-/5 * * * *', 'minute', /negative numbers are not allowed/],

  // Question marks
  ['? * * * *', 'minute', /^minute: "\?" is only allowed in day-of-month and day-of-week; use "\*"$/],
  ['0 ? * * *', 'hour', /"\?" is only allowed in day-of-month and day-of-week/],
  ['0 0 * ? *', 'month', /"\?" is only allowed in day-of-month and day-of-week/],
  ['0 0 ?/2 * *', 'day-of-month', /"\?" must be the whole field/],
  ['0 0 1,? * *', 'day-of-month', /"\?" must be the whole field/],
  ['0 0 * * ?5', 'day-of-week', /"\?" must be the whole field/],

  // L
  ['L * * * *', 'minute', /^minute: "L" is only allowed in day-of-month and day-of-week$/],
  ['0 L * * *', 'hour', /"L" is only allowed in day-of-month and day-of-week/],
  ['0 0 * L *', 'month', /"L" is only allowed in day-of-month and day-of-week/],
  ['0 0 L-2 * *', 'day-of-month', /"L-2": L must stand alone in day-of-month/],
  ['0 0 1L * *', 'day-of-month', /"1L": L must stand alone/],
  ['0 0 L/2 * *', 'day-of-month', /"L\/2": L must stand alone/],
  ['0 0 1-L * *', 'day-of-month', /"1-L": L must stand alone/],
  ['0 0 * * L', 'day-of-week', /^day-of-week: L needs a day before it in day-of-week, e\.g\. 5L/],
  ['0 0 * * 8L', 'day-of-week', /8 is out of range 0-7/],
  ['0 0 * * L5', 'day-of-week', /"L5": L goes right after a single day/],
  ['0 0 * * 1-5L', 'day-of-week', /"1-5L": L follows a single day/],
  ['0 0 * * 1,L', 'day-of-week', /L needs a day before it/],

  // W
  ['0 0 15W * *', 'day-of-month', /^day-of-month: "15W": W \(nearest weekday\) is not supported$/],
  ['0 0 LW * *', 'day-of-month', /"LW": W \(nearest weekday\) is not supported/],
  ['0 0 W * *', 'day-of-month', /W \(nearest weekday\) is not supported/],
  ['0 0 1W-5 * *', 'day-of-month', /W \(nearest weekday\) is not supported/],
  ['0 0 * * 5W', 'day-of-week', /"5W": W \(nearest weekday\) is not supported/],

  // #
  ['0 0 * * 5#6', 'day-of-week', /"5#6": the occurrence after "#" must be 1-5, got "6"/],
  ['0 0 * * 5#0', 'day-of-week', /the occurrence after "#" must be 1-5, got "0"/],
  ['0 0 * * 1#', 'day-of-week', /the occurrence after "#" must be 1-5, got ""/],
  ['0 0 * * 1#x', 'day-of-week', /the occurrence after "#" must be 1-5, got "x"/],
  ['0 0 * * #2', 'day-of-week', /"#2" needs a day before "#"/],
  ['0 0 * * 1#2#3', 'day-of-week', /"1#2#3" has more than one "#"/],
  ['0 0 * * 1#1,2', 'day-of-week', /"#" cannot be combined with a list/],
  ['0 0 * * 1-5#2', 'day-of-week', /"#" cannot be combined with a range, a step or L/],
  ['0 0 * * 5L#2', 'day-of-week', /"#" cannot be combined with a range, a step or L/],
  ['0 0 * * 8#1', 'day-of-week', /8 is out of range 0-7/],
  ['0 0 1#2 * *', 'day-of-month', /"#" is only allowed in day-of-week/],
  ['0 1#2 * * *', 'hour', /"#" is only allowed in day-of-week/],

  // H (hashed)
  ['h * * * *', 'minute', /"h" is not a number/],
  ['H/0 * * * *', 'minute', /step 0 is not allowed/],
  ['H(30-10) * * * *', 'minute', /range 30-10 in "H\(30-10\)" is reversed/],
  ['H(0-99) * * * *', 'minute', /99 is out of range 0-59/],
  ['H(5) * * * *', 'minute', /"H\(5\)" is not a valid hashed value/],
  ['HH * * * *', 'minute', /"HH" is not a valid hashed value/],
  ['H,5 * * * *', 'minute', /"H" must be the whole field; H cannot be combined with a list/],
  ['1-H * * * *', 'minute', /"H": H must start a list item/],
];

describe('validateCron: malformed expressions', () => {
  it('has more than a hundred cases', () => {
    assert.ok(MALFORMED.length > 100, `only ${MALFORMED.length} cases`);
  });

  for (const [expr, field, expected] of MALFORMED) {
    it(`rejects ${JSON.stringify(expr.length > 40 ? `${expr.slice(0, 40)}...` : expr)}`, () => {
      const result = validateCron(expr);
      assert.equal(result.ok, false, `${JSON.stringify(expr)} was accepted`);
      if (result.ok) {
        return;
      }
      assert.match(result.message, expected);
      assert.equal(result.field, field);
      // A field's message starts with that field's name, so it reads on its own in a log.
      if (field !== null) {
        assert.ok(result.message.startsWith(`${field}: `), result.message);
      }
      // Our own checks explain every case; none falls through to cron-parser's wording.
      assert.doesNotMatch(result.message, /cron-parser|Validation error|Constraint error/);
    });
  }

  it('throws the same message as a CronError from nextFireTimes', () => {
    for (const [expr, field] of MALFORMED.slice(0, 40)) {
      const result = validateCron(expr);
      assert.throws(
        () => nextFireTimes(expr, new Date('2026-01-01T00:00:00Z'), 1, 'UTC'),
        (error: unknown) =>
          error instanceof CronError &&
          error.field === field &&
          !result.ok &&
          error.detail === result.message,
      );
    }
  });

  it('rejects a value that is not a string', () => {
    for (const value of [undefined, null, 5, {}]) {
      const result = validateCron(value as unknown as string);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.message : '', /^a cron expression must be a string, got /);
    }
  });
});
