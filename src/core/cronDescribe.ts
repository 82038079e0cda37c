// Plain English for a cron expression, read from the values each field expands to (so aliases,
// names and `H` come out as the values that will actually fire), followed by what is legal but
// probably not meant. User-facing English; a pure function, so the VS Code side may localise it.

import type { ParsedField } from './cronFields';
import { parseCron } from './cronSyntax';
import type { ParsedCron } from './cronSyntax';
import { assertTimeZone } from './timeZone';
import { MONTHS, WEEKDAYS, joinWords } from './cronWords';

/**
 * Plain English for a valid expression, ending with the zone, e.g.
 * `At 09:00:00 on Monday through Friday, America/New_York`; an expression that is probably not
 * meant says so after it (`... Probably not meant: minute *\/60 only matches minute 0 (...)`).
 * Throws a CronError for an invalid expression and a TimeZoneError for an unknown zone.
 */
export function describeCron(expr: string, timeZone: string): string {
  assertTimeZone(timeZone);
  const cron = parseCron(expr);
  const text = `${describeFields(cron)}, ${timeZone}`;
  return cron.notes.length === 0 ? text : `${text}. Probably not meant: ${cron.notes.join('; ')}.`;
}

const NTH_WORDS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];

function describeFields(fields: ParsedCron): string {
  const seconds = fields.second.values;
  const minutes = fields.minute.values;
  const hours = fields.hour.values;
  const months = fields.month.values;
  const { text: time, clock } = describeTime(seconds, minutes, hours);
  const monthRestricted = months.length < 12;
  const special = singleDate(fields, months);
  if (special !== null) {
    return `${time} on ${special}`;
  }
  const days = describeDays(fields);
  let text = time;
  if (days !== null) {
    text += ` on ${days}`;
  } else if (clock) {
    text += ' every day';
  }
  if (monthRestricted) {
    text += ` in ${formatRuns(months, (value) => MONTHS[value] ?? String(value))}`;
  }
  return text;
}

/** `clock` is true for the "At HH:MM:SS" forms, which read better followed by "every day". */
function describeTime(
  seconds: number[],
  minutes: number[],
  hours: number[],
): { text: string; clock: boolean } {
  if (minutes.length * hours.length * seconds.length <= 6 && seconds.length === 1) {
    if (hours.length < 24 && minutes.length < 60) {
      const times: string[] = [];
      for (const hour of hours) {
        for (const minute of minutes) {
          times.push(`${pad(hour)}:${pad(minute)}:${pad(seconds[0] as number)}`);
        }
      }
      return { text: `At ${joinWords(times, 'and')}`, clock: true };
    }
  }
  const withinHour = describeWithinHour(seconds, minutes);
  if (hours.length === 24) {
    return { text: withinHour.periodic ? withinHour.text : `${withinHour.text} of every hour`, clock: false };
  }
  const hourStep = evenStep(hours, 24);
  const scope =
    hourStep !== null
      ? `every ${ordinal(hourStep)} hour`
      : hours.length === 1
        ? `hour ${hours[0]}`
        : `hours ${formatRuns(hours, String)}`;
  return { text: `${withinHour.text} of ${scope}`, clock: false };
}

/** The part of the schedule inside one hour; `periodic` forms need no "of every hour". */
function describeWithinHour(seconds: number[], minutes: number[]): { text: string; periodic: boolean } {
  const everySecond = seconds.length === 60;
  const secondStep = evenStep(seconds, 60);
  const minuteStep = evenStep(minutes, 60);
  const allMinutes = minutes.length === 60;
  const onTheMinute = seconds.length === 1 && seconds[0] === 0;
  if (onTheMinute) {
    if (allMinutes) {
      return { text: 'Every minute', periodic: true };
    }
    if (minuteStep !== null) {
      return { text: `Every ${minuteStep} minutes`, periodic: true };
    }
    return { text: `At ${plural('minute', minutes)}`, periodic: false };
  }
  const secondsText = everySecond
    ? 'Every second'
    : secondStep !== null
      ? `Every ${secondStep} seconds`
      : `At ${plural('second', seconds)}`;
  const secondsPeriodic = everySecond || secondStep !== null;
  if (allMinutes) {
    return secondsPeriodic
      ? { text: secondsText, periodic: true }
      : { text: `${secondsText} of every minute`, periodic: true };
  }
  if (minuteStep !== null) {
    return { text: `${secondsText} of every ${ordinal(minuteStep)} minute`, periodic: true };
  }
  return { text: `${secondsText} of ${plural('minute', minutes)}`, periodic: false };
}

/** "January 1" when the day part is one day of the month in one month, else null. */
function singleDate(fields: ParsedCron, months: number[]): string | null {
  const dom = fields.dayOfMonth;
  if (!fields.dayOfWeek.wildcard || dom.wildcard || dom.lastDay || months.length !== 1) {
    return null;
  }
  const days = dom.values;
  return days.length === 1 ? `${MONTHS[months[0] as number]} ${days[0]}` : null;
}

/** The day part after "on", or null for every day. Day-of-month and day-of-week combine with OR. */
function describeDays(fields: ParsedCron): string | null {
  const dom = fields.dayOfMonth;
  const dow = fields.dayOfWeek;
  const domText = dom.wildcard ? null : describeDaysOfMonth(dom);
  const dowText = dow.wildcard ? null : describeDaysOfWeek(dow);
  if (domText === 'every day' || dowText === 'every day') {
    return null;
  }
  if (domText !== null && dowText !== null) {
    return `${domText} or on ${dowText}`;
  }
  return domText ?? dowText;
}

function describeDaysOfMonth(field: ParsedField): string {
  const days = field.values;
  if (days.length === 31) {
    return 'every day';
  }
  const parts: string[] = [];
  if (days.length > 0) {
    parts.push(`${days.length === 1 ? 'day' : 'days'} ${formatRuns(days, String)}`);
  }
  if (field.lastDay) {
    parts.push('the last day');
  }
  return `${joinWords(parts, 'and')} of the month`;
}

function describeDaysOfWeek(field: ParsedField): string {
  const plain = field.values;
  const lasts = field.lastWeekdays;
  if (field.nth > 0 && plain.length === 1) {
    return `the ${NTH_WORDS[field.nth]} ${WEEKDAYS[plain[0] as number]} of the month`;
  }
  if (plain.length === 7 && lasts.length === 0) {
    return 'every day';
  }
  const parts: string[] = [];
  if (field.dayStepOrder !== null) {
    // "1/2" is not standard; say that it counts on to 7, Sunday, which a reader may not expect.
    const days = formatRuns(field.dayStepOrder, (value) => WEEKDAYS[value % 7] as string);
    parts.push(`${days} (day-of-week ${field.raw} counts up to 7, which is Sunday)`);
  } else if (plain.length > 0) {
    // A set that wraps over the weekend (Saturday and Sunday) reads better with Sunday last.
    const ordered =
      plain.includes(0) && plain.includes(6) ? plain.map((value) => (value === 0 ? 7 : value)) : [...plain];
    parts.push(
      formatRuns(
        ordered.sort((a, b) => a - b),
        (value) => WEEKDAYS[value % 7] as string,
      ),
    );
  }
  for (const day of lasts) {
    parts.push(`the last ${WEEKDAYS[day]} of the month`);
  }
  return joinWords(parts, 'and');
}

/** k when the values are exactly 0, k, 2k, ... through the whole cycle (k > 1 divides size). */
function evenStep(values: number[], size: number): number | null {
  if (values.length < 2 || values[0] !== 0) {
    return null;
  }
  const step = (values[1] as number) - (values[0] as number);
  if (step < 2 || size % step !== 0 || values.length !== size / step) {
    return null;
  }
  return values.every((value, index) => value === index * step) ? step : null;
}

function plural(unit: string, values: number[]): string {
  return values.length === 1 ? `${unit} ${values[0]}` : `${unit}s ${formatRuns(values, String)}`;
}

/** "1 through 5, 9 and 12": runs of three or more values collapse to "a through b". */
function formatRuns(values: number[], name: (value: number) => string): string {
  const parts: string[] = [];
  let index = 0;
  while (index < values.length) {
    let end = index;
    while (end + 1 < values.length && (values[end + 1] as number) === (values[end] as number) + 1) {
      end++;
    }
    if (end - index >= 2) {
      parts.push(`${name(values[index] as number)} through ${name(values[end] as number)}`);
      index = end + 1;
    } else {
      parts.push(name(values[index] as number));
      index++;
    }
  }
  return joinWords(parts, 'and');
}

function ordinal(value: number): string {
  const tens = value % 100;
  if (tens >= 11 && tens <= 13) {
    return `${value}th`;
  }
  const suffix = ['th', 'st', 'nd', 'rd'][value % 10] ?? 'th';
  return `${value}${suffix}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
