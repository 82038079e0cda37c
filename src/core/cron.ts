// Cron expressions over cron-parser v5: validation with messages that name the field and the
// reason, fire times in an IANA zone, and a plain-English description.
//
// cron-parser's own errors are vague ("Invalid characters, got value: x") and it is lenient where
// a scheduler should not be (it fills in missing fields, accepts `?` in any field, folds `*/90`
// into `0`), so every expression first goes through our own per-field check; cron-parser then
// computes the times. No state is kept between calls.

import { CronDate, CronExpressionParser } from 'cron-parser';
import type { CronExpression, CronFieldCollection } from 'cron-parser';
import { assertTimeZone } from './timeZone';

/** The six cron fields, in the order of a 6-field expression. */
export const CRON_FIELD_NAMES = ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
export type CronFieldName = (typeof CRON_FIELD_NAMES)[number];

/** The aliases cron-parser supports, with their 5-field (or, for `@secondly`, 6-field) meaning. */
export const CRON_ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@hourly': '0 * * * *',
  '@minutely': '* * * * *',
  '@secondly': '* * * * * *',
  '@weekdays': '0 0 * * 1-5',
  '@weekends': '0 0 * * 0,6',
};

export type CronValidation =
  { ok: true; fields: 5 | 6 } | { ok: false; field: CronFieldName | null; message: string };

/** An invalid cron expression. `field` names the offending field, null when it is the whole expression. */
export class CronError extends Error {
  readonly field: CronFieldName | null;
  readonly expression: string;
  /** The reason alone, without the expression (what {@link validateCron} reports). */
  readonly detail: string;

  constructor(expression: string, field: CronFieldName | null, detail: string) {
    super(`invalid cron expression ${JSON.stringify(expression)}: ${detail}`);
    this.name = 'CronError';
    this.field = field;
    this.expression = expression;
    this.detail = detail;
  }
}

const MAX_EXPRESSION_LENGTH = 1024;
// Any fixed start works for the "does it ever match" probe; a fixed one keeps results reproducible.
const PROBE_START = new Date('2000-01-01T00:00:00Z');
const FIELD_COUNT_MESSAGE =
  'expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first';

interface FieldSpec {
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
const SPECS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59, maxStep: 59 },
  { name: 'minute', min: 0, max: 59, maxStep: 59 },
  { name: 'hour', min: 0, max: 23, maxStep: 23 },
  { name: 'day-of-month', min: 1, max: 31, maxStep: 30 },
  { name: 'month', min: 1, max: 12, maxStep: 11, names: MONTH_NAMES },
  { name: 'day-of-week', min: 0, max: 7, maxStep: 6, names: DAY_NAMES },
];

/** What the per-field check learned, for the checks that span fields. */
interface FieldFacts {
  /** `*` or `?`: cron-parser's notion of "unrestricted" for the day-of-month/day-of-week OR rule. */
  wildcard: boolean;
  values: Set<number>;
  hasLast: boolean;
  hashed: boolean;
}

type Checked =
  | { ok: true; fields: 5 | 6; sixFields: string; seed: string }
  | { ok: false; field: CronFieldName | null; message: string };

class FieldProblem extends Error {}

/**
 * Validates a cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 with
 * seconds first, or an alias (`@daily`, ...). Names (`JAN`, `MON`), `L`, `#`, `H` and `?` (in the
 * day fields) work as in cron-parser; `W` does not. On failure the message names the field and why.
 */
export function validateCron(expr: string): CronValidation {
  const checked = precheck(expr);
  if (!checked.ok) {
    return checked;
  }
  try {
    const cron = parseChecked(checked, 'UTC', PROBE_START);
    cron.next();
  } catch (error) {
    const mapped = mapLibraryError(error);
    return { ok: false, field: mapped.field, message: mapped.message };
  }
  return { ok: true, fields: checked.fields };
}

/**
 * The next `count` fire times strictly after `after`, reading the expression in `timeZone`.
 * Throws a {@link CronError} for an invalid expression and a TimeZoneError for an unknown zone.
 */
export function nextFireTimes(expr: string, after: Date, count: number, timeZone: string): Date[] {
  assertDate('after', after);
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`count must be a whole number, 0 or more, got ${String(count)}`);
  }
  const iterator = new FireIterator(expr, timeZone, after);
  const times: Date[] = [];
  while (times.length < count) {
    times.push(iterator.next());
  }
  return times;
}

/** The next fire time strictly after `after`, or null when none can be found. */
export function nextFireTime(expr: string, after: Date, timeZone: string): Date | null {
  return nextFireTimes(expr, after, 1, timeZone)[0] ?? null;
}

/**
 * Every fire time in (`afterExclusive`, `untilInclusive`], oldest first, at most `limit` of them;
 * `truncated` says more were left out. Iterates forward only (cron-parser's `prev()` is wrong
 * around DST), which is what missed-run catch-up needs.
 */
export function fireTimesBetween(
  expr: string,
  afterExclusive: Date,
  untilInclusive: Date,
  timeZone: string,
  limit: number,
): { times: Date[]; truncated: boolean } {
  assertDate('afterExclusive', afterExclusive);
  assertDate('untilInclusive', untilInclusive);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`limit must be a whole number, 0 or more, got ${String(limit)}`);
  }
  const iterator = new FireIterator(expr, timeZone, afterExclusive);
  const until = untilInclusive.getTime();
  const times: Date[] = [];
  if (until <= afterExclusive.getTime()) {
    return { times, truncated: false };
  }
  for (;;) {
    const time = iterator.next();
    if (time.getTime() > until) {
      return { times, truncated: false };
    }
    if (times.length === limit) {
      return { times, truncated: true };
    }
    times.push(time);
  }
}

/**
 * Plain English for a valid expression, ending with the zone, e.g.
 * `At 09:00:00 on Monday through Friday, America/New_York`. Throws a {@link CronError} for an
 * invalid expression and a TimeZoneError for an unknown zone.
 */
export function describeCron(expr: string, timeZone: string): string {
  assertTimeZone(timeZone);
  const checked = precheckOrThrow(expr);
  let cron: CronExpression;
  try {
    cron = parseChecked(checked, 'UTC', PROBE_START);
  } catch (error) {
    const mapped = mapLibraryError(error);
    throw new CronError(expr, mapped.field, mapped.message);
  }
  return `${describeFields(cron.fields)}, ${timeZone}`;
}

// ---------------------------------------------------------------------------------------------
// Iteration

const LOOP_LIMIT_TEXT = 'loop limit exceeded';
const MINUTE_MS = 60_000;
// Every zone's offset and DST changes fall on quarter hours, so a local hour (and day) is the same
// throughout a UTC-aligned quarter hour.
const BLOCK_MS = 15 * MINUTE_MS;
// How far past a cron-parser failure the recovery looks: a day covers hourly and daily jobs, a
// week covers weekly ones.
const RECOVERY_WINDOWS_MS = [26 * 3600_000, 8 * 24 * 3600_000];

/** Yields strictly increasing fire times from one cron-parser expression. */
class FireIterator {
  private readonly _cron: CronExpression;
  private readonly _checked: Extract<Checked, { ok: true }>;
  private readonly _expr: string;
  private readonly _zone: string;
  private _last: number;

  constructor(expr: string, zone: string, after: Date) {
    assertTimeZone(zone);
    this._checked = precheckOrThrow(expr);
    try {
      this._cron = parseChecked(this._checked, zone, after);
    } catch (error) {
      const mapped = mapLibraryError(error);
      throw new CronError(expr, mapped.field, mapped.message);
    }
    this._expr = expr;
    this._zone = zone;
    this._last = after.getTime();
  }

  next(): Date {
    let time = this._tryNext();
    // cron-parser can give up, or even step backwards, inside some DST changes (both happen at the
    // end of Australia/Lord_Howe's half-hour DST); a time that does not move forward could fire a
    // job twice.
    if (time === null || time <= this._last) {
      time = this._recover();
    }
    this._last = time;
    return new Date(time);
  }

  private _tryNext(): number | null {
    try {
      return this._cron.next().getTime();
    } catch (error) {
      if (isLoopLimit(error)) {
        return null;
      }
      throw error;
    }
  }

  /**
   * Finds the next fire by checking instants one by one past the trouble, then by restarting
   * cron-parser further on. Only reached in the rare zones where cron-parser fails.
   */
  private _recover(): number {
    const [, , hour, dayOfMonth, month, dayOfWeek] = this._checked.sixFields.split(' ');
    // The same fields with every second and minute: tells whether a whole quarter hour can match.
    const coarse = CronExpressionParser.parse(['*', '*', hour, dayOfMonth, month, dayOfWeek].join(' '), {
      tz: this._zone,
      hashSeed: this._checked.seed,
    });
    const seconds = this._cron.fields.second.values as readonly number[];
    const lastWallClock = wallClock(this._last, this._zone);
    let scanned = this._last;
    for (const window of RECOVERY_WINDOWS_MS) {
      const end = this._last + window;
      const found = this._scan(coarse, seconds, lastWallClock, scanned, end);
      if (found !== null) {
        this._cron.reset(new Date(found));
        return found;
      }
      scanned = end;
      this._cron.reset(new Date(end));
      const candidate = this._tryNext();
      if (candidate !== null && candidate > end) {
        return candidate;
      }
    }
    throw new CronError(
      this._expr,
      null,
      `no fire time could be found after ${new Date(this._last).toISOString()} in ${this._zone}`,
    );
  }

  /**
   * The first instant in (from, to] that matches and whose local time is later than the last
   * fire's (so a repeated half hour after a DST change does not fire again).
   */
  private _scan(
    coarse: CronExpression,
    seconds: readonly number[],
    lastWallClock: number,
    from: number,
    to: number,
  ): number | null {
    for (let block = Math.floor(from / BLOCK_MS) * BLOCK_MS; block <= to; block += BLOCK_MS) {
      if (!coarse.includesDate(new Date(block))) {
        continue;
      }
      for (let minute = block; minute < block + BLOCK_MS; minute += MINUTE_MS) {
        for (const second of seconds) {
          const instant = minute + second * 1000;
          if (
            instant > from &&
            instant <= to &&
            this._cron.includesDate(new Date(instant)) &&
            wallClock(instant, this._zone) > lastWallClock
          ) {
            return instant;
          }
        }
      }
    }
    return null;
  }
}

/** The local date and time in `zone` as a comparable number (milliseconds, as if it were UTC). */
function wallClock(instant: number, zone: string): number {
  const local = new CronDate(new Date(instant), zone);
  return Date.UTC(
    local.getFullYear(),
    local.getMonth(),
    local.getDate(),
    local.getHours(),
    local.getMinutes(),
    local.getSeconds(),
  );
}

function isLoopLimit(error: unknown): boolean {
  return error instanceof Error && error.message.includes(LOOP_LIMIT_TEXT);
}

function assertDate(name: string, value: Date): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`${name} must be a valid Date, got ${String(value)}`);
  }
}

function parseChecked(
  checked: Extract<Checked, { ok: true }>,
  tz: string,
  currentDate: Date,
): CronExpression {
  // Seeding `H` with the expression keeps its value stable from one call to the next.
  return CronExpressionParser.parse(checked.sixFields, { tz, currentDate, hashSeed: checked.seed });
}

function precheckOrThrow(expr: string): Extract<Checked, { ok: true }> {
  const checked = precheck(expr);
  if (!checked.ok) {
    throw new CronError(typeof expr === 'string' ? expr : String(expr), checked.field, checked.message);
  }
  return checked;
}

/** Turns what cron-parser throws into our wording; our own checks should leave little for it. */
function mapLibraryError(error: unknown): { field: CronFieldName | null; message: string } {
  const text = error instanceof Error ? error.message : String(error);
  if (text.includes(LOOP_LIMIT_TEXT) || text.includes('Invalid explicit day of month definition')) {
    return { field: null, message: 'the expression never matches (e.g. February 30)' };
  }
  const classes: Record<string, CronFieldName> = {
    CronSecond: 'second',
    CronMinute: 'minute',
    CronHour: 'hour',
    CronDayOfMonth: 'day-of-month',
    CronMonth: 'month',
    CronDayOfWeek: 'day-of-week',
  };
  const field = Object.entries(classes).find(([name]) => text.startsWith(name))?.[1] ?? null;
  const duplicate = /duplicate values found: (\S+)/.exec(text);
  if (duplicate !== null) {
    return {
      field,
      message: `${field ?? 'a field'}: ${duplicate[1]} is listed more than once; list each value once`,
    };
  }
  return { field, message: `${field === null ? '' : `${field}: `}not accepted by cron-parser: ${text}` };
}

// ---------------------------------------------------------------------------------------------
// Our own per-field validation

function precheck(expr: string): Checked {
  if (typeof expr !== 'string') {
    return { ok: false, field: null, message: `a cron expression must be a string, got ${typeof expr}` };
  }
  const text = expr.trim();
  if (text === '') {
    return { ok: false, field: null, message: 'empty expression' };
  }
  if (text.length > MAX_EXPRESSION_LENGTH) {
    return {
      ok: false,
      field: null,
      message: `the expression is too long (${text.length} characters, at most ${MAX_EXPRESSION_LENGTH})`,
    };
  }
  let parts = text.split(/\s+/);
  let fieldCount: 5 | 6;
  if (text.startsWith('@')) {
    const alias = checkAlias(parts);
    if (!alias.ok) {
      return alias;
    }
    parts = alias.expansion.split(' ');
  }
  if (parts.length === 5) {
    fieldCount = 5;
    parts = ['0', ...parts];
  } else if (parts.length === 6) {
    fieldCount = 6;
    if (/^(19|20)\d\d$/.test(parts[5] as string)) {
      return {
        ok: false,
        field: 'day-of-week',
        message: `day-of-week: ${parts[5]} looks like a year; a year field is not supported (6 fields means seconds first)`,
      };
    }
  } else {
    return { ok: false, field: null, message: `${FIELD_COUNT_MESSAGE}, got ${parts.length}` };
  }
  const facts: FieldFacts[] = [];
  for (let index = 0; index < SPECS.length; index++) {
    const spec = SPECS[index] as FieldSpec;
    const raw = parts[index] as string;
    try {
      facts.push(checkField(spec, raw));
    } catch (error) {
      if (error instanceof FieldProblem) {
        return { ok: false, field: spec.name, message: `${spec.name}: ${error.message}` };
      }
      throw error;
    }
  }
  const never = neverMatches(facts);
  if (never !== null) {
    return { ok: false, field: 'day-of-month', message: never };
  }
  return { ok: true, fields: fieldCount, sixFields: parts.join(' '), seed: text };
}

function checkAlias(
  parts: string[],
): { ok: true; expansion: string } | { ok: false; field: null; message: string } {
  const alias = (parts[0] as string).toLowerCase();
  const known = Object.keys(CRON_ALIASES);
  if (alias === '@reboot') {
    return {
      ok: false,
      field: null,
      message: '@reboot is not supported: jobs run on a time schedule; use a cron expression such as @daily',
    };
  }
  if (alias === '@midnight') {
    return {
      ok: false,
      field: null,
      message: '@midnight is not supported: use @daily (0 0 * * *), which means the same',
    };
  }
  const expansion = CRON_ALIASES[alias];
  if (expansion === undefined) {
    return { ok: false, field: null, message: `unknown alias "${parts[0]}": use one of ${known.join(' ')}` };
  }
  if (parts.length > 1) {
    return {
      ok: false,
      field: null,
      message: `${alias} stands alone; remove "${parts.slice(1).join(' ')}" or write all the fields instead`,
    };
  }
  return { ok: true, expansion };
}

function checkField(spec: FieldSpec, raw: string): FieldFacts {
  const isDayField = spec.name === 'day-of-month' || spec.name === 'day-of-week';
  if (raw === '*' || raw === '?') {
    if (raw === '?' && !isDayField) {
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
      spec.name === 'day-of-month' || spec.name === 'day-of-week'
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

/** Day-of-month values no listed month has, with an unrestricted day-of-week, never fire. */
function neverMatches(facts: FieldFacts[]): string | null {
  const [, , , dom, month, dow] = facts;
  if (dom === undefined || month === undefined || dow === undefined) {
    return null;
  }
  if (dom.wildcard || dom.hasLast || dom.hashed || month.hashed || !dow.wildcard || dom.values.size === 0) {
    return null;
  }
  const firstDay = Math.min(...dom.values);
  const months = [...month.values].sort((a, b) => a - b);
  if (months.some((value) => firstDay <= (DAYS_IN_MONTH[value] ?? 31))) {
    return null;
  }
  const names = months.map((value) => MONTHS[value] ?? String(value));
  return `day-of-month: the expression never matches (day ${firstDay} never occurs in ${joinWords(names, 'or')})`;
}

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// ---------------------------------------------------------------------------------------------
// Description

const MONTHS = [
  '',
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const NTH_WORDS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];

function describeFields(fields: CronFieldCollection): string {
  const seconds = numbers(fields.second.values);
  const minutes = numbers(fields.minute.values);
  const hours = numbers(fields.hour.values);
  const months = numbers(fields.month.values);
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
function singleDate(fields: CronFieldCollection, months: number[]): string | null {
  const dom = fields.dayOfMonth;
  if (!fields.dayOfWeek.isWildcard || dom.isWildcard || dom.hasLastChar || months.length !== 1) {
    return null;
  }
  const days = numbers(dom.values);
  return days.length === 1 ? `${MONTHS[months[0] as number]} ${days[0]}` : null;
}

/** The day part after "on", or null for every day. Day-of-month and day-of-week combine with OR. */
function describeDays(fields: CronFieldCollection): string | null {
  const dom = fields.dayOfMonth;
  const dow = fields.dayOfWeek;
  const domText = dom.isWildcard ? null : describeDaysOfMonth(dom.values);
  const dowText = dow.isWildcard ? null : describeDaysOfWeek(dow.values, dow.nthDay);
  if (domText === 'every day' || dowText === 'every day') {
    return null;
  }
  if (domText !== null && dowText !== null) {
    return `${domText} or on ${dowText}`;
  }
  return domText ?? dowText;
}

function describeDaysOfMonth(values: readonly (number | string)[]): string {
  const days = numbers(values);
  const last = values.includes('L');
  if (days.length === 31) {
    return 'every day';
  }
  const parts: string[] = [];
  if (days.length > 0) {
    parts.push(`${days.length === 1 ? 'day' : 'days'} ${formatRuns(days, String)}`);
  }
  if (last) {
    parts.push('the last day');
  }
  return `${joinWords(parts, 'and')} of the month`;
}

function describeDaysOfWeek(values: readonly (number | string)[], nth: number): string {
  const plain = [...new Set(numbers(values).map((value) => value % 7))].sort((a, b) => a - b);
  const lasts = values
    .filter((value): value is string => typeof value === 'string' && value.endsWith('L'))
    .map((value) => Number(value.slice(0, -1)) % 7);
  if (nth > 0 && plain.length === 1) {
    return `the ${NTH_WORDS[nth]} ${WEEKDAYS[plain[0] as number]} of the month`;
  }
  if (plain.length === 7 && lasts.length === 0) {
    return 'every day';
  }
  const parts: string[] = [];
  if (plain.length > 0) {
    // A set that wraps over the weekend (Saturday and Sunday) reads better with Sunday last.
    const ordered =
      plain.includes(0) && plain.includes(6) ? plain.map((value) => (value === 0 ? 7 : value)) : plain;
    parts.push(
      formatRuns(
        ordered.sort((a, b) => a - b),
        (value) => WEEKDAYS[value % 7] as string,
      ),
    );
  }
  for (const day of [...new Set(lasts)].sort((a, b) => a - b)) {
    parts.push(`the last ${WEEKDAYS[day]} of the month`);
  }
  return joinWords(parts, 'and');
}

function numbers(values: readonly (number | string)[]): number[] {
  return [...new Set(values.filter((value): value is number => typeof value === 'number'))].sort(
    (a, b) => a - b,
  );
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

function joinWords(words: string[], conjunction: 'and' | 'or'): string {
  if (words.length <= 1) {
    return words[0] ?? '';
  }
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
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
