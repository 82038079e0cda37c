// The per-field check of a cron expression: each of the six fields on its own, with a message
// that names the value and the fix. The checks that span fields live in cronSyntax.ts.

import { WEEKDAYS } from './cronWords';

/** The six cron fields, in the order of a 6-field expression. */
export const CRON_FIELD_NAMES = ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
/** One of {@link CRON_FIELD_NAMES}. */
export type CronFieldName = (typeof CRON_FIELD_NAMES)[number];

/** What one field accepts. */
export interface FieldSpec {
  name: CronFieldName;
  min: number;
  max: number;
  /** Largest useful step: a bigger one can only ever match the start value. */
  maxStep: number;
  /** Upper-case three-letter names, index = value. */
  names?: readonly string[];
}

const MONTH_NAMES = ['', 'JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The checks of each field, in the order of a 6-field expression. */
export const FIELD_SPECS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59, maxStep: 59 },
  { name: 'minute', min: 0, max: 59, maxStep: 59 },
  { name: 'hour', min: 0, max: 23, maxStep: 23 },
  { name: 'day-of-month', min: 1, max: 31, maxStep: 30 },
  { name: 'month', min: 1, max: 12, maxStep: 11, names: MONTH_NAMES },
  { name: 'day-of-week', min: 0, max: 7, maxStep: 6, names: DAY_NAMES },
];

/** What the per-field check learned, for the checks that span fields. */
export interface FieldFacts {
  /** `*` or `?`: cron-parser's notion of "unrestricted" for the day-of-month/day-of-week OR rule. */
  wildcard: boolean;
  values: Set<number>;
  hasLast: boolean;
  hashed: boolean;
}

/** A mistake in one field; the message leaves out the field name, which the caller adds. */
export class FieldProblem extends Error {}

/** `?` (any) is only accepted in the two day fields. */
function isDayField(spec: FieldSpec): boolean {
  return spec.name === 'day-of-month' || spec.name === 'day-of-week';
}

/** Checks one field and returns what it matches; throws a {@link FieldProblem} naming the mistake. */
export function checkField(spec: FieldSpec, raw: string): FieldFacts {
  if (raw === '*' || raw === '?') {
    if (raw === '?' && !isDayField(spec)) {
      throw new FieldProblem('"?" is only allowed in day-of-month and day-of-week; use "*"');
    }
    return { wildcard: true, values: range(spec.min, spec.max, 1, spec), hasLast: false, hashed: false };
  }
  const items = raw.split(',');
  const facts: FieldFacts = { wildcard: false, values: new Set(), hasLast: false, hashed: false };
  // Which item first produced each value: cron-parser rejects a value listed twice.
  const owners = new Map<string, string>();
  for (const item of items) {
    if (item === '') {
      throw new FieldProblem(`"${raw}" has an empty list item (a stray ",")`);
    }
    const keys = checkItem(spec, item, items.length, facts);
    for (const key of keys) {
      const owner = owners.get(key);
      if (owner !== undefined) {
        throw new FieldProblem(
          `${describeKey(spec, key)} is listed more than once ("${owner}" and "${item}"); list each value once`,
        );
      }
      owners.set(key, item);
    }
  }
  return facts;
}

/** Checks one list item, records its values in `facts` and returns its keys for the duplicate check. */
function checkItem(spec: FieldSpec, item: string, itemCount: number, facts: FieldFacts): string[] {
  if (item.includes('?')) {
    throw new FieldProblem(
      isDayField(spec)
        ? `"?" must be the whole field (it means "any"), got "${item}"`
        : `"?" is only allowed in day-of-month and day-of-week; use "*"`,
    );
  }
  if (item.startsWith('H')) {
    if (itemCount > 1) {
      // Its value is only known after hashing, so it could collide with another item.
      throw new FieldProblem(`"${item}" must be the whole field; H cannot be combined with a list`);
    }
    checkHashed(spec, item);
    facts.hashed = true;
    return [];
  }
  if (item.includes('#')) {
    return [checkNth(spec, item, itemCount, facts)];
  }
  if (spec.name === 'day-of-month' && item === 'L') {
    facts.hasLast = true;
    return ['L'];
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
    const value = parseValue(spec, day);
    facts.hasLast = true;
    return [`${value % 7}L`];
  }
  const slash = item.split('/');
  if (slash.length > 2) {
    throw new FieldProblem(`"${item}" has more than one "/"`);
  }
  const [base = '', stepText] = slash;
  let step = 1;
  if (stepText !== undefined) {
    step = parseStep(spec, item, stepText);
  }
  let low: number;
  let high: number;
  if (base === '*') {
    low = spec.min;
    high = spec.max;
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
    // cron-parser reads "5/15" as "5-max/15", like Vixie cron.
    high = stepText === undefined ? low : spec.max;
  }
  const values = range(low, high, step, spec);
  for (const value of values) {
    facts.values.add(value);
  }
  return [...values].map(String);
}

function checkHashed(spec: FieldSpec, item: string): void {
  const match = /^H(?:\((\d+)-(\d+)\))?(?:\/(\d+))?$/.exec(item);
  if (match === null) {
    throw new FieldProblem(
      `"${item}" is not a valid hashed value (use H, H/step, H(start-end) or H(start-end)/step)`,
    );
  }
  const [, startText, endText, stepText] = match;
  if (startText !== undefined && endText !== undefined) {
    const low = Number(startText);
    const high = Number(endText);
    checkRange(spec, low);
    checkRange(spec, high);
    if (low > high) {
      throw new FieldProblem(`range ${low}-${high} in "${item}" is reversed`);
    }
  }
  if (stepText !== undefined) {
    parseStep(spec, item, stepText);
  }
}

function checkNth(spec: FieldSpec, item: string, itemCount: number, facts: FieldFacts): string {
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
  facts.values.add(value % 7);
  return `${value % 7}#`;
}

function parseStep(spec: FieldSpec, item: string, stepText: string): number {
  if (stepText === '') {
    throw new FieldProblem(`"${item}" has no step after "/"`);
  }
  if (!/^\d+$/.test(stepText)) {
    throw new FieldProblem(`step "${stepText}" in "${item}" is not a number`);
  }
  const step = Number(stepText);
  if (step === 0) {
    throw new FieldProblem(`step 0 is not allowed (use 1-${spec.maxStep})`);
  }
  if (step > spec.maxStep) {
    throw new FieldProblem(
      `step ${stepText} is too large (at most ${spec.maxStep}; a bigger step only ever matches the start value)`,
    );
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

/** The values from low to high by step; day-of-week folds 7 onto 0 (both are Sunday). */
function range(low: number, high: number, step: number, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (let value = low; value <= high; value += step) {
    values.add(spec.name === 'day-of-week' ? value % 7 : value);
  }
  return values;
}

function wrapHint(spec: FieldSpec, low: number, high: number): string {
  const span = (from: number, to: number): string => (from === to ? `${from}` : `${from}-${to}`);
  if (spec.name === 'day-of-week') {
    // 7 is Sunday again, so "7-2" is just "0-2".
    return low === 7 ? `write ${span(0, high)}` : `write ${span(low, 6)},${span(0, high)}`;
  }
  return `write ${span(low, spec.max)},${span(spec.min, high)}`;
}

function describeKey(spec: FieldSpec, key: string): string {
  if (spec.name !== 'day-of-week') {
    return key;
  }
  const value = Number(key.replace(/\D/g, ''));
  const day = WEEKDAYS[value] ?? key;
  const shown = value === 0 ? `${day} (0 or 7)` : `${day} (${value})`;
  return key.endsWith('L') ? `the last ${shown}` : shown;
}
