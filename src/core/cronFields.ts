// The per-field reading of a cron expression: each of the six fields on its own, into the values
// it matches, with a message that names the value and the fix for a mistake, and a note for what
// is legal but probably not meant. The checks that span fields live in cronSyntax.ts.
//
// What is accepted is what cronie accepts (numbers, names, ranges, steps of any size, lists with
// repeated values) plus the extensions cron-parser offered before this module replaced it:
// seconds, `?`, `L`, `#`, `H` and `N/step` (read as N-max/step).

import { hashedStep, hashedValue } from './cronHash';
import { MONTHS, WEEKDAYS } from './cronWords';

/** The six cron fields, in the order of a 6-field expression. */
export const CRON_FIELD_NAMES = ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
/** One of {@link CRON_FIELD_NAMES}. */
export type CronFieldName = (typeof CRON_FIELD_NAMES)[number];

/** What one field accepts. */
export interface FieldSpec {
  name: CronFieldName;
  min: number;
  max: number;
  /** Upper-case three-letter names, index = value. */
  names?: readonly string[];
}

const MONTH_NAMES = ['', 'JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The checks of each field, in the order of a 6-field expression. */
export const FIELD_SPECS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES },
];

/** One field, read. */
export interface ParsedField {
  raw: string;
  /** `*` or `?`: unrestricted, for the day-of-month/day-of-week OR rule. */
  wildcard: boolean;
  /** True when an item is `*` or has a step: in the hour field, the job fires on real time. */
  periodic: boolean;
  /** The values it matches, ascending, without repeats; day-of-week folds 7 onto 0 (Sunday). */
  values: number[];
  /** Day-of-month `L`: the last day of the month. */
  lastDay: boolean;
  /** Day-of-week `5L` and the like: these weekdays (0-6) on their last occurrence in the month. */
  lastWeekdays: number[];
  /** Day-of-week `5#2`: only the nth (1-5) occurrence in the month; 0 when not given. */
  nth: number;
  /** Day-of-week `N/step` that reached 7: the days in stepping order, Sunday as 7. */
  dayStepOrder: number[] | null;
  /** Legal but probably not meant, in words (shown with the description and when typing it). */
  notes: string[];
}

/** A mistake in one field; the message leaves out the field name, which the caller adds. */
export class FieldProblem extends Error {}

/** `?` (any) is only accepted in the two day fields. */
function isDayField(spec: FieldSpec): boolean {
  return spec.name === 'day-of-month' || spec.name === 'day-of-week';
}

function newField(raw: string): ParsedField {
  return {
    raw,
    wildcard: false,
    periodic: false,
    values: [],
    lastDay: false,
    lastWeekdays: [],
    nth: 0,
    dayStepOrder: null,
    notes: [],
  };
}

/**
 * Reads one field; `random` (in [0, 1)) is the field's draw for `H`. Throws a
 * {@link FieldProblem} naming the mistake.
 */
export function parseField(spec: FieldSpec, raw: string, random: number): ParsedField {
  const field = newField(raw);
  const values = new Set<number>();
  if (raw === '*' || raw === '?') {
    if (raw === '?' && !isDayField(spec)) {
      throw new FieldProblem('"?" is only allowed in day-of-month and day-of-week; use "*"');
    }
    field.wildcard = true;
    field.periodic = true;
    addRange(values, spec.min, spec.max, 1, spec);
    field.values = sorted(values);
    return field;
  }
  const items = raw.split(',');
  for (const item of items) {
    if (item === '') {
      throw new FieldProblem(`"${raw}" has an empty list item (a stray ",")`);
    }
    readItem(spec, item, items.length, random, field, values);
  }
  if (items.length > 1) {
    field.dayStepOrder = null;
    if (items.includes('*'))
      field.notes.push(`${spec.name} "${raw}" lists *, which already matches every value`);
  }
  field.values = sorted(values);
  field.lastWeekdays = [...new Set(field.lastWeekdays)].sort((a, b) => a - b);
  return field;
}

/** Reads one list item into `values` and the flags of `field`. */
function readItem(
  spec: FieldSpec,
  item: string,
  itemCount: number,
  random: number,
  field: ParsedField,
  values: Set<number>,
): void {
  if (item.includes('?')) {
    throw new FieldProblem(
      isDayField(spec)
        ? `"?" must be the whole field (it means "any"), got "${item}"`
        : `"?" is only allowed in day-of-month and day-of-week; use "*"`,
    );
  }
  if (item.startsWith('H')) {
    if (itemCount > 1) {
      // Its value is only known after hashing, so it could not be read as part of a list.
      throw new FieldProblem(`"${item}" must be the whole field; H cannot be combined with a list`);
    }
    readHashed(spec, item, random, field, values);
    return;
  }
  if (item.includes('#')) {
    values.add(readNth(spec, item, itemCount, field));
    return;
  }
  if (spec.name === 'day-of-month' && item === 'L') {
    field.lastDay = true;
    return;
  }
  if (spec.name === 'day-of-month' && item.includes('L') && !/w/i.test(item)) {
    throw new FieldProblem(
      `"${item}": L must stand alone in day-of-month (the last day of the month); L-n, nL and L/n are not supported`,
    );
  }
  if (spec.name === 'day-of-week' && item.endsWith('L')) {
    const day = item.slice(0, -1);
    if (day === '') {
      throw new FieldProblem(
        'L needs a day before it in day-of-week, e.g. 5L for the last Friday of the month',
      );
    }
    if (/[-/,]/.test(day)) {
      throw new FieldProblem(`"${item}": L follows a single day, e.g. 5L for the last Friday of the month`);
    }
    field.lastWeekdays.push(parseValue(spec, day) % 7);
    return;
  }
  readSteppedRange(spec, item, field, values);
}

/** `*`, `a`, `a-b`, each with an optional `/step`; `a/step` means a-max/step. */
function readSteppedRange(spec: FieldSpec, item: string, field: ParsedField, values: Set<number>): void {
  const slash = item.split('/');
  if (slash.length > 2) {
    throw new FieldProblem(`"${item}" has more than one "/"`);
  }
  const [base = '', stepText] = slash;
  const step = stepText === undefined ? 1 : parseStep(item, stepText);
  let low: number;
  let high: number;
  if (base === '*') {
    low = spec.min;
    high = spec.max;
    field.periodic = true;
  } else if (base === '') {
    throw new FieldProblem(`"${item}" has nothing before "/" (use */${stepText ?? ''} or a start value)`);
  } else if (base.startsWith('-')) {
    throw new FieldProblem(`"${base}": negative numbers are not allowed (range ${spec.min}-${spec.max})`);
  } else if (base.includes('-')) {
    const ends = base.split('-');
    if (ends.length > 2) {
      throw new FieldProblem(
        `"${base}" is not a valid range (use start-end, e.g. ${spec.min}-${spec.min + 2})`,
      );
    }
    const [startText = '', endText = ''] = ends;
    if (endText === '') {
      throw new FieldProblem(`range "${base}" has no end`);
    }
    low = parseValue(spec, startText);
    high = parseValue(spec, endText);
    if (low > high) {
      throw new FieldProblem(
        `range ${base} is reversed (ranges do not wrap around; ${wrapHint(spec, low, high)})`,
      );
    }
  } else {
    low = parseValue(spec, base);
    // "5/15" reads as "5-max/15", as Vixie-style parsers that accept it do.
    high = stepText === undefined ? low : spec.max;
  }
  if (stepText !== undefined) {
    field.periodic = true;
    noteStep(spec, item, low, high, step, field);
    if (
      spec.name === 'day-of-week' &&
      base !== '*' &&
      !base.includes('-') &&
      low > 0 &&
      (high - low) % step === 0
    ) {
      // "1/2" counts 1, 3, 5, 7: Sunday comes last, as 7.
      field.dayStepOrder = stepValues(low, high, step);
    }
  }
  addRange(values, low, high, step, spec);
}

/** Notes for steps that do not do what they seem to: a single value, or an uneven cycle. */
function noteStep(
  spec: FieldSpec,
  item: string,
  low: number,
  high: number,
  step: number,
  field: ParsedField,
): void {
  const hit = stepValues(low, high, step);
  const distinct = new Set(hit.map((value) => fold(spec, value)));
  if (distinct.size === 1 && step > 1) {
    const why =
      spec.name === 'day-of-week' && hit.length > 1
        ? '0 and 7 are both Sunday'
        : `a step of ${step} from ${low} never reaches another value up to ${high}`;
    field.notes.push(`${spec.name} ${item} only matches ${valueName(spec, low)} (${why})`);
    return;
  }
  const cycle = spec.max - spec.min + 1;
  const unit = CYCLE_UNITS[spec.name];
  if (unit !== undefined && low === spec.min && high === spec.max && cycle % step !== 0) {
    const last = hit[hit.length - 1] as number;
    field.notes.push(
      `${spec.name} ${item} starts over at ${spec.min} every ${unit.period}, ${cycle - last} ${unit.plural} ` +
        `after ${last}, so the fires are not evenly spaced`,
    );
  }
}

/** The fields whose steps restart every period, and the words for them. */
const CYCLE_UNITS: Partial<Record<CronFieldName, { period: string; plural: string }>> = {
  second: { period: 'minute', plural: 'seconds' },
  minute: { period: 'hour', plural: 'minutes' },
  hour: { period: 'day', plural: 'hours' },
};

/** "minute 0", "day 1", "January", "Sunday": one value of a field in words. */
function valueName(spec: FieldSpec, value: number): string {
  switch (spec.name) {
    case 'day-of-week':
      return WEEKDAYS[value % 7] as string;
    case 'month':
      return MONTHS[value] as string;
    case 'day-of-month':
      return `day ${value}`;
    default:
      return `${spec.name} ${value}`;
  }
}

function readHashed(
  spec: FieldSpec,
  item: string,
  random: number,
  field: ParsedField,
  values: Set<number>,
): void {
  const match = /^H(?:\((\d+)-(\d+)\))?(?:\/(\d+))?$/.exec(item);
  if (match === null) {
    throw new FieldProblem(
      `"${item}" is not a valid hashed value (use H, H/step, H(start-end) or H(start-end)/step)`,
    );
  }
  const [, startText, endText, stepText] = match;
  let low = spec.min;
  let high = spec.max;
  if (startText !== undefined && endText !== undefined) {
    low = Number(startText);
    high = Number(endText);
    checkRange(spec, low);
    checkRange(spec, high);
    if (low > high) {
      throw new FieldProblem(`range ${low}-${high} in "${item}" is reversed`);
    }
  }
  if (stepText === undefined) {
    values.add(fold(spec, hashedValue(random, low, high)));
    return;
  }
  const step = parseStep(item, stepText);
  field.periodic = true;
  const hashed = hashedStep(random, low, high, step);
  for (const value of hashed) values.add(fold(spec, value));
  if (hashed.length === 1 && step > 1) {
    field.notes.push(
      `${spec.name} ${item} only matches ${valueName(spec, hashed[0] as number)} (the step is as large as the range)`,
    );
  }
}

function readNth(spec: FieldSpec, item: string, itemCount: number, field: ParsedField): number {
  if (spec.name !== 'day-of-week') {
    throw new FieldProblem(
      `"#" is only allowed in day-of-week (e.g. 5#2 for the second Friday of the month)`,
    );
  }
  if (itemCount > 1) {
    throw new FieldProblem(`"#" cannot be combined with a list ("${item}" is one of several items)`);
  }
  const [day = '', nth, ...rest] = item.split('#');
  if (rest.length > 0) {
    throw new FieldProblem(`"${item}" has more than one "#"`);
  }
  if (day === '') {
    throw new FieldProblem(`"${item}" needs a day before "#", e.g. 5#2 for the second Friday of the month`);
  }
  if (/[-/L]/.test(day)) {
    throw new FieldProblem(`"#" cannot be combined with a range, a step or L ("${item}"); use e.g. 5#2`);
  }
  const value = parseValue(spec, day);
  if (nth === undefined || !/^\d+$/.test(nth) || Number(nth) < 1 || Number(nth) > 5) {
    throw new FieldProblem(`"${item}": the occurrence after "#" must be 1-5, got "${nth ?? ''}"`);
  }
  field.nth = Number(nth);
  return value % 7;
}

function parseStep(item: string, stepText: string): number {
  if (stepText === '') {
    throw new FieldProblem(`"${item}" has no step after "/"`);
  }
  if (!/^\d+$/.test(stepText)) {
    throw new FieldProblem(`step "${stepText}" in "${item}" is not a number`);
  }
  const step = Number(stepText);
  if (step === 0) {
    throw new FieldProblem(`step 0 is not allowed (use 1 or more)`);
  }
  return step;
}

/** Reads a number or (month, day-of-week) a three-letter name, with a message for each mistake. */
function parseValue(spec: FieldSpec, text: string): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    checkRange(spec, value, text);
    return value;
  }
  if (isName(spec, text)) {
    return (spec.names as readonly string[]).indexOf(text.toUpperCase());
  }
  if (spec.names !== undefined && /^[a-z]{3,}$/i.test(text)) {
    throw new FieldProblem(
      spec.name === 'month'
        ? `"${text}" is not a month name (use JAN-DEC or 1-12)`
        : `"${text}" is not a day name (use SUN-SAT or 0-7)`,
    );
  }
  if (/w/i.test(text)) {
    throw new FieldProblem(`"${text}": W (nearest weekday) is not supported`);
  }
  if (text.includes('L')) {
    throw new FieldProblem(
      spec.name === 'day-of-month'
        ? `"${text}": L must stand alone in day-of-month (the last day of the month); L-n and nL are not supported`
        : spec.name === 'day-of-week'
          ? `"${text}": L goes right after a single day, e.g. 5L for the last Friday of the month`
          : `"L" is only allowed in day-of-month and day-of-week`,
    );
  }
  if (text.includes('H')) {
    throw new FieldProblem(`"${text}": H must start a list item (H, H/step, H(start-end))`);
  }
  if (/^[+-]/.test(text)) {
    throw new FieldProblem(
      `"${text}" is not a number (signs are not allowed; range ${spec.min}-${spec.max})`,
    );
  }
  if (/^[a-z]+$/i.test(text)) {
    throw new FieldProblem(`"${text}" is not a number (names only work in month and day-of-week)`);
  }
  throw new FieldProblem(`"${text}" is not a number`);
}

function checkRange(spec: FieldSpec, value: number, text = String(value)): void {
  if (value < spec.min || value > spec.max) {
    const shown = /^0\d/.test(text) ? `${text} (${value})` : text;
    throw new FieldProblem(`${shown} is out of range ${spec.min}-${spec.max}`);
  }
}

function isName(spec: FieldSpec, text: string): boolean {
  return spec.names !== undefined && text.length === 3 && spec.names.includes(text.toUpperCase());
}

function stepValues(low: number, high: number, step: number): number[] {
  const values: number[] = [];
  for (let value = low; value <= high; value += step) values.push(value);
  return values;
}

/** Day-of-week folds 7 onto 0: both are Sunday. */
function fold(spec: FieldSpec, value: number): number {
  return spec.name === 'day-of-week' ? value % 7 : value;
}

function addRange(values: Set<number>, low: number, high: number, step: number, spec: FieldSpec): void {
  for (let value = low; value <= high; value += step) values.add(fold(spec, value));
}

function sorted(values: Set<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

function wrapHint(spec: FieldSpec, low: number, high: number): string {
  const span = (from: number, to: number): string => (from === to ? `${from}` : `${from}-${to}`);
  if (spec.name === 'day-of-week') {
    // 7 is Sunday again, so "7-2" is just "0-2".
    return low === 7 ? `write ${span(0, high)}` : `write ${span(low, 6)},${span(0, high)}`;
  }
  return `write ${span(low, spec.max)},${span(spec.min, high)}`;
}
