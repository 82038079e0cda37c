// Retry backoff maths. Pure: the caller passes the failure time in and schedules the retry itself.

import { DEFAULT_RETRY, RETRY_STRATEGIES } from './model';
import type { RetryConfig, RetryStrategy } from './model';

/** Upper bound on `maxAttempts`: past this a job is failing, not flaky. */
export const MAX_RETRY_ATTEMPTS = 100;

/** Upper bound on `maxDelaySeconds` (30 days), so a retry time is always a real date. */
export const MAX_RETRY_DELAY_SECONDS = 30 * 24 * 3600;

/**
 * Checks a retry configuration. Returns null when it is usable, else a message naming the first
 * bad field, its value and the allowed values.
 */
export function validateRetryConfig(config: RetryConfig): string | null {
  if (typeof config !== 'object' || config === null) {
    return `retry configuration must be an object, got ${config === null ? 'null' : typeof config}`;
  }
  const { maxAttempts, strategy, baseDelaySeconds, multiplier, maxDelaySeconds } = config;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    return `maxAttempts: ${show(maxAttempts)} must be a whole number, 1 or more (1 means no retry)`;
  }
  if (maxAttempts > MAX_RETRY_ATTEMPTS) {
    return `maxAttempts: ${maxAttempts} is too many (at most ${MAX_RETRY_ATTEMPTS})`;
  }
  if (!(RETRY_STRATEGIES as readonly unknown[]).includes(strategy)) {
    return `strategy: ${show(strategy)} must be one of ${RETRY_STRATEGIES.join(', ')}`;
  }
  const base = checkSeconds('baseDelaySeconds', baseDelaySeconds);
  if (base !== null) {
    return base;
  }
  if (typeof multiplier !== 'number' || !Number.isFinite(multiplier) || multiplier < 1) {
    return `multiplier: ${show(multiplier)} must be a number, 1 or more`;
  }
  const max = checkSeconds('maxDelaySeconds', maxDelaySeconds);
  if (max !== null) {
    return max;
  }
  if (maxDelaySeconds < baseDelaySeconds) {
    return `maxDelaySeconds: ${maxDelaySeconds} is less than baseDelaySeconds (${baseDelaySeconds}); raise it or lower the base`;
  }
  return null;
}

/**
 * The delay in seconds before attempt `failedAttempt + 1` (attempts count from 1):
 * `fixed` = base, `linear` = base x failedAttempt, `exponential` = base x multiplier^(failedAttempt-1),
 * all capped at `maxDelaySeconds`. Always a finite number >= 0, whatever the attempt number.
 * A configuration that {@link validateRetryConfig} would reject is read leniently rather than
 * thrown on, so a bad row never stops the scheduler from recording a failure: a field that is not
 * a finite number takes its default, a number is clamped into its range, and an unknown strategy
 * is the default one.
 * Throws a RangeError when `failedAttempt` is not a whole number >= 1.
 */
export function retryDelaySeconds(config: RetryConfig, failedAttempt: number): number {
  assertAttempt(failedAttempt);
  const { strategy, baseDelaySeconds: base, multiplier, maxDelaySeconds: cap } = usable(config);
  // base 0 short-circuits: 0 x Infinity (a huge exponent) would be NaN.
  if (base === 0) {
    return 0;
  }
  let delay: number;
  switch (strategy) {
    case 'fixed':
      delay = base;
      break;
    case 'linear':
      delay = base * failedAttempt;
      break;
    case 'exponential':
      // Overflows to Infinity for huge attempts, which the cap below absorbs.
      delay = base * multiplier ** (failedAttempt - 1);
      break;
  }
  return Math.min(delay, cap);
}

/** Whether another attempt may follow the failed attempt `failedAttempt` (it is below `maxAttempts`). */
export function shouldRetry(config: RetryConfig, failedAttempt: number): boolean {
  assertAttempt(failedAttempt);
  return failedAttempt < usable(config).maxAttempts;
}

/** When attempt `failedAttempt + 1` is due, given that attempt `failedAttempt` failed at `failedAt`. */
export function nextRetryAt(config: RetryConfig, failedAttempt: number, failedAt: Date): Date {
  if (!(failedAt instanceof Date) || Number.isNaN(failedAt.getTime())) {
    throw new RangeError(`failedAt must be a valid Date, got ${String(failedAt)}`);
  }
  return new Date(failedAt.getTime() + Math.round(retryDelaySeconds(config, failedAttempt) * 1000));
}

function assertAttempt(failedAttempt: number): void {
  if (!Number.isInteger(failedAttempt) || failedAttempt < 1) {
    throw new RangeError(`failedAttempt: ${String(failedAttempt)} must be a whole number, 1 or more`);
  }
}

/**
 * The configuration with every field brought into its valid range: a value that is not a finite
 * number takes the default, a number outside the range is clamped, an unknown strategy is the
 * default one.
 */
function usable(config: RetryConfig): RetryConfig {
  const given: Partial<RetryConfig> = typeof config === 'object' && config !== null ? config : {};
  return {
    maxAttempts: Math.floor(clamp(given.maxAttempts, DEFAULT_RETRY.maxAttempts, 1, MAX_RETRY_ATTEMPTS)),
    strategy: RETRY_STRATEGIES.includes(given.strategy as RetryStrategy)
      ? (given.strategy as RetryStrategy)
      : DEFAULT_RETRY.strategy,
    baseDelaySeconds: clamp(
      given.baseDelaySeconds,
      DEFAULT_RETRY.baseDelaySeconds,
      0,
      MAX_RETRY_DELAY_SECONDS,
    ),
    multiplier: clamp(given.multiplier, DEFAULT_RETRY.multiplier, 1, Number.MAX_VALUE),
    maxDelaySeconds: clamp(given.maxDelaySeconds, DEFAULT_RETRY.maxDelaySeconds, 0, MAX_RETRY_DELAY_SECONDS),
  };
}

function clamp(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return fallback;
  }
  return Math.min(Math.max(value, min), max);
}

function checkSeconds(field: string, value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return `${field}: ${show(value)} must be a number of seconds, 0 or more`;
  }
  if (value > MAX_RETRY_DELAY_SECONDS) {
    return `${field}: ${value} is more than 30 days (at most ${MAX_RETRY_DELAY_SECONDS})`;
  }
  return null;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
