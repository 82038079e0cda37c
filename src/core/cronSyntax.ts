// Whole-expression checks of a cron expression and the bridge to cron-parser.
//
// cron-parser's own errors are vague ("Invalid characters, got value: x") and it is lenient where
// a scheduler should not be (it fills in missing fields, accepts `?` in any field, folds `*/90`
// into `0`), so every expression first goes through our own check (field count, aliases, each
// field in cronFields.ts, days that never occur); cron-parser then computes the times.

import { CronExpressionParser } from 'cron-parser';
import type { CronExpression } from 'cron-parser';
import { FIELD_SPECS, FieldProblem, checkField } from './cronFields';
import type { CronFieldName, FieldFacts, FieldSpec } from './cronFields';
import { MONTHS, joinWords } from './cronWords';

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

/** What {@link validateCron} found: the field count, or the field at fault (null: all of it) and why. */
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

/** An expression that passed our own check, in 6-field form, with the seed for `H`. */
export interface CheckedCron {
  ok: true;
  fields: 5 | 6;
  sixFields: string;
  seed: string;
}

type Checked = CheckedCron | { ok: false; field: CronFieldName | null; message: string };

const MAX_EXPRESSION_LENGTH = 1024;
const FIELD_COUNT_MESSAGE =
  'expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first';
const LOOP_LIMIT_TEXT = 'loop limit exceeded';

/** Any fixed start works for the "does it ever match" probe; a fixed one keeps results reproducible. */
export const PROBE_START = new Date('2000-01-01T00:00:00Z');

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
 * Checks `expr` and hands it to cron-parser, reading it in `tz` from `currentDate`. Throws a
 * {@link CronError} for an invalid expression; the zone must already have been checked.
 */
export function parseCron(
  expr: string,
  tz: string,
  currentDate: Date,
): { checked: CheckedCron; cron: CronExpression } {
  const checked = precheckOrThrow(expr);
  try {
    return { checked, cron: parseChecked(checked, tz, currentDate) };
  } catch (error) {
    const mapped = mapLibraryError(error);
    throw new CronError(expr, mapped.field, mapped.message);
  }
}

/** True for cron-parser's "gave up looking" error, which DST changes can cause for a valid expression. */
export function isLoopLimit(error: unknown): boolean {
  return error instanceof Error && error.message.includes(LOOP_LIMIT_TEXT);
}

function parseChecked(checked: CheckedCron, tz: string, currentDate: Date): CronExpression {
  // Seeding `H` with the expression keeps its value stable from one call to the next.
  return CronExpressionParser.parse(checked.sixFields, { tz, currentDate, hashSeed: checked.seed });
}

function precheckOrThrow(expr: string): CheckedCron {
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
  for (let index = 0; index < FIELD_SPECS.length; index++) {
    const spec = FIELD_SPECS[index] as FieldSpec;
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
