// What `--cron` accepts and how it meets DST changes, for `job add --help`, `job edit --help`
// and `night-pilot help cron` (docs/cli.md, "Cron expressions", says the same at more length).

export const CRON_HELP =
  'Cron expressions (--cron): 5 fields, minute hour day-of-month month day-of-week, or 6 with seconds ' +
  'first. A field is * (any), a number, a range a-b, a list a,b,c, or a step */n, a-b/n or a/n (from a to ' +
  'the end). Months and days may be written JAN-DEC and SUN-SAT; 0 and 7 are both Sunday. In ' +
  'day-of-month L is the last day; in day-of-week 5L is the last Friday and 5#2 the second Friday; ? ' +
  "means any in the two day fields; H is a value fixed by the expression's text (H 3 * * *: the same " +
  'minute past 3 every day, a different one for another expression). When both day fields are restricted, a day matching either fires. Aliases: @yearly ' +
  '(@annually), @monthly, @weekly, @daily (@midnight), @hourly, @minutely, @secondly, @weekdays, ' +
  '@weekends. Every line cronie accepts is accepted; one that is legal but probably not meant (*/60 is ' +
  'just minute 0) is accepted with a warning on stderr and in the description.\n\n' +
  'Time zones and DST (--tz): a fixed time in a skipped interval fires once, moved forward by the ' +
  "gap's length (02:30 at 03:30 when 02:00-03:00 is skipped; 02:17 at 02:47 in Lord Howe's 30-minute " +
  'gap); a fixed time in a repeated interval fires once, at its first occurrence; a job whose hour field ' +
  'is * or a step (*/2) fires on real time: not at all in a skipped interval, in both passes of a ' +
  'repeated one. The same rule holds in every zone, and the next fire is the same whether counted from ' +
  'the previous fire or from now.';
