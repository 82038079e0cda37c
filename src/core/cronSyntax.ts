// Whole-expression reading of a cron expression: field count, aliases, each field (cronFields.ts)
// and the days that never occur. The result, a ParsedCron, is what the fire times (cronIterate.ts)
// and the description (cronDescribe.ts) are computed from; no library is involved.

import { FIELD_SPECS, FieldProblem, parseField } from './cronFields';
import type { CronFieldName, FieldSpec, ParsedField } from './cronFields';
import { hashDraws } from './cronHash';
import { MONTHS, joinWords } from './cronWords';

/** The aliases, with their 5-field (or, for `@secondly`, 6-field) meaning. */
export const CRON_ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
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

/** A valid expression, read: its six fields (seconds first; 0 for a 5-field expression). */
export interface ParsedCron {
  fields: 5 | 6;
  second: ParsedField;
  minute: ParsedField;
  hour: ParsedField;
  dayOfMonth: ParsedField;
  month: ParsedField;
  dayOfWeek: ParsedField;
  /** Legal but probably not meant, in words, e.g. `minute: *\/60 only matches minute 0 (...)`. */
  notes: string[];
}

type Parsed = { ok: true; cron: ParsedCron } | { ok: false; field: CronFieldName | null; message: string };

const MAX_EXPRESSION_LENGTH = 1024;
const FIELD_COUNT_MESSAGE =
  'expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first';

/**
 * Validates a cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 with
 * seconds first, or an alias (`@daily`, ...). Names (`JAN`, `MON`), `L`, `#`, `H` and `?` (in the
 * day fields) work; `W` does not. On failure the message names the field and why.
 */
export function validateCron(expr: string): CronValidation {
  const parsed = readCron(expr);
  return parsed.ok ? { ok: true, fields: parsed.cron.fields } : parsed;
}

/**
 * What is legal in `expr` but probably not meant (`*\/60` is just minute 0), in words; empty for
 * an expression without surprises. Throws a {@link CronError} for an invalid expression.
 */
export function cronWarnings(expr: string): string[] {
  return parseCron(expr).notes;
}

/** Reads `expr`; throws a {@link CronError} naming the field and the reason when it is invalid. */
export function parseCron(expr: string): ParsedCron {
  const parsed = readCron(expr);
  if (!parsed.ok) {
    throw new CronError(typeof expr === 'string' ? expr : String(expr), parsed.field, parsed.message);
  }
  return parsed.cron;
}

function readCron(expr: string): Parsed {
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
  // Seeding `H` with the text as written keeps its value stable from one call to the next.
  const draws = hashDraws(text);
  const fields: ParsedField[] = [];
  for (let index = 0; index < FIELD_SPECS.length; index++) {
    const spec = FIELD_SPECS[index] as FieldSpec;
    try {
      fields.push(parseField(spec, parts[index] as string, draws[index] as number));
    } catch (error) {
      if (error instanceof FieldProblem) {
        return { ok: false, field: spec.name, message: `${spec.name}: ${error.message}` };
      }
      throw error;
    }
  }
  const [second, minute, hour, dayOfMonth, month, dayOfWeek] = fields as [
    ParsedField,
    ParsedField,
    ParsedField,
    ParsedField,
    ParsedField,
    ParsedField,
  ];
  const cron: ParsedCron = {
    fields: fieldCount,
    second,
    minute,
    hour,
    dayOfMonth,
    month,
    dayOfWeek,
    notes: fields.flatMap((field) => field.notes),
  };
  const never = neverMatches(cron);
  if (never !== null) {
    return { ok: false, field: 'day-of-month', message: never };
  }
  return { ok: true, cron };
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
function neverMatches(cron: ParsedCron): string | null {
  const { dayOfMonth: dom, month, dayOfWeek: dow } = cron;
  if (dom.wildcard || dom.lastDay || !dow.wildcard || dom.values.length === 0) {
    return null;
  }
  const firstDay = dom.values[0] as number;
  if (month.values.some((value) => firstDay <= (DAYS_IN_MONTH[value] ?? 31))) {
    return null;
  }
  const names = month.values.map((value) => MONTHS[value] ?? String(value));
  return `day-of-month: the expression never matches (day ${firstDay} never occurs in ${joinWords(names, 'or')})`;
}

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
