import assert from 'node:assert/strict';
import { DEFAULT_RETRY } from '../../src/core/model';
import type { RetryConfig } from '../../src/core/model';
import {
  MAX_RETRY_ATTEMPTS,
  MAX_RETRY_DELAY_SECONDS,
  nextRetryAt,
  retryDelaySeconds,
  shouldRetry,
  validateRetryConfig,
} from '../../src/core/retry';

function config(overrides: Partial<RetryConfig>): RetryConfig {
  return {
    maxAttempts: 5,
    strategy: 'exponential',
    baseDelaySeconds: 10,
    multiplier: 2,
    maxDelaySeconds: 3600,
    ...overrides,
  };
}

/** Lets a test hand in what a corrupt database row or a JSON file could hold. */
function loose(value: Record<string, unknown>): RetryConfig {
  return { ...config({}), ...value } as unknown as RetryConfig;
}

describe('retryDelaySeconds', () => {
  it('fixed: the base delay every time', () => {
    const fixed = config({ strategy: 'fixed', baseDelaySeconds: 30 });
    assert.deepEqual(
      [1, 2, 3, 10].map((attempt) => retryDelaySeconds(fixed, attempt)),
      [30, 30, 30, 30],
    );
  });

  it('linear: base times the failed attempt number', () => {
    const linear = config({ strategy: 'linear', baseDelaySeconds: 30 });
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => retryDelaySeconds(linear, attempt)),
      [30, 60, 90, 120],
    );
  });

  it('exponential: base times multiplier to the power (failed attempt - 1)', () => {
    const exponential = config({ strategy: 'exponential', baseDelaySeconds: 10, multiplier: 3 });
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => retryDelaySeconds(exponential, attempt)),
      [10, 30, 90, 270],
    );
  });

  it('caps every strategy at maxDelaySeconds', () => {
    assert.equal(retryDelaySeconds(config({ strategy: 'exponential', maxDelaySeconds: 100 }), 5), 100);
    assert.equal(retryDelaySeconds(config({ strategy: 'linear', maxDelaySeconds: 100 }), 50), 100);
    assert.equal(
      retryDelaySeconds(config({ strategy: 'fixed', baseDelaySeconds: 100, maxDelaySeconds: 100 }), 3),
      100,
    );
  });

  it('uses the default configuration as documented: 60 s, doubling, at most an hour', () => {
    assert.deepEqual(
      [1, 2, 3, 6, 7, 8].map((attempt) => retryDelaySeconds(DEFAULT_RETRY, attempt)),
      [60, 120, 240, 1920, 3600, 3600],
    );
  });

  it('stays finite and capped for huge attempt numbers', () => {
    for (const attempt of [1000, 1e9, Number.MAX_SAFE_INTEGER]) {
      for (const strategy of ['fixed', 'linear', 'exponential'] as const) {
        const delay = retryDelaySeconds(config({ strategy, multiplier: 10 }), attempt);
        assert.ok(Number.isFinite(delay), `${strategy} at ${attempt} gave ${delay}`);
        assert.ok(delay >= 0 && delay <= 3600, `${strategy} at ${attempt} gave ${delay}`);
      }
    }
    assert.equal(retryDelaySeconds(config({ strategy: 'exponential', multiplier: 10 }), 1e9), 3600);
  });

  it('is 0, not NaN, for a zero base with a huge exponent', () => {
    assert.equal(retryDelaySeconds(config({ baseDelaySeconds: 0, multiplier: 10 }), 1e6), 0);
  });

  it('keeps fractional delays', () => {
    assert.equal(retryDelaySeconds(config({ baseDelaySeconds: 1.5, multiplier: 1.5 }), 2), 2.25);
  });

  it('reads an invalid configuration leniently instead of throwing', () => {
    assert.equal(retryDelaySeconds(loose({ baseDelaySeconds: -5 }), 1), 0);
    assert.equal(retryDelaySeconds(loose({ baseDelaySeconds: Number.NaN, strategy: 'fixed' }), 1), 60);
    assert.equal(retryDelaySeconds(loose({ strategy: 'random', baseDelaySeconds: 10 }), 3), 40);
    assert.equal(retryDelaySeconds(loose({ multiplier: 0.5, baseDelaySeconds: 10 }), 4), 10);
    assert.equal(
      retryDelaySeconds(loose({ maxDelaySeconds: 1e300, baseDelaySeconds: 10 }), 200),
      MAX_RETRY_DELAY_SECONDS,
    );
    assert.equal(retryDelaySeconds(loose({ maxDelaySeconds: -1 }), 2), 0);
  });

  it('rejects an attempt number that is not a whole number from 1', () => {
    for (const attempt of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => retryDelaySeconds(config({}), attempt),
        (error: Error) =>
          error instanceof RangeError &&
          /failedAttempt: .* must be a whole number, 1 or more/.test(error.message),
      );
    }
  });
});

describe('shouldRetry', () => {
  it('retries while the failed attempt is below maxAttempts', () => {
    const three = config({ maxAttempts: 3 });
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => shouldRetry(three, attempt)),
      [true, true, false, false],
    );
  });

  it('never retries with maxAttempts 1 (the default)', () => {
    assert.equal(shouldRetry(DEFAULT_RETRY, 1), false);
  });

  it('treats a broken maxAttempts as no retry rather than endless retries', () => {
    assert.equal(shouldRetry(loose({ maxAttempts: Number.NaN }), 1), false);
    assert.equal(shouldRetry(loose({ maxAttempts: 0 }), 1), false);
    assert.equal(shouldRetry(loose({ maxAttempts: 1e9 }), MAX_RETRY_ATTEMPTS), false);
    assert.equal(shouldRetry(loose({ maxAttempts: 1e9 }), MAX_RETRY_ATTEMPTS - 1), true);
  });
});

describe('nextRetryAt', () => {
  it('adds the delay to the failure time', () => {
    const failedAt = new Date('2026-03-01T10:00:00Z');
    assert.equal(nextRetryAt(config({}), 3, failedAt).toISOString(), '2026-03-01T10:00:40.000Z');
    assert.equal(
      nextRetryAt(config({ strategy: 'fixed', baseDelaySeconds: 0.25 }), 1, failedAt).toISOString(),
      '2026-03-01T10:00:00.250Z',
    );
  });

  it('does not change the Date it is given', () => {
    const failedAt = new Date('2026-03-01T10:00:00Z');
    nextRetryAt(config({}), 2, failedAt);
    assert.equal(failedAt.toISOString(), '2026-03-01T10:00:00.000Z');
  });

  it('gives a real date even for a huge attempt number', () => {
    const at = nextRetryAt(
      config({ maxDelaySeconds: MAX_RETRY_DELAY_SECONDS }),
      1e12,
      new Date('2026-01-01T00:00:00Z'),
    );
    assert.equal(at.toISOString(), '2026-01-31T00:00:00.000Z');
  });

  it('rejects an invalid failure time with a clear message', () => {
    assert.throws(() => nextRetryAt(config({}), 1, new Date('nope')), /failedAt must be a valid Date/);
  });
});

describe('validateRetryConfig', () => {
  it('accepts the default and typical configurations', () => {
    assert.equal(validateRetryConfig(DEFAULT_RETRY), null);
    assert.equal(validateRetryConfig(config({})), null);
    assert.equal(
      validateRetryConfig(config({ strategy: 'fixed', baseDelaySeconds: 0, maxDelaySeconds: 0 })),
      null,
    );
    assert.equal(validateRetryConfig(config({ maxAttempts: MAX_RETRY_ATTEMPTS })), null);
    assert.equal(validateRetryConfig(config({ maxDelaySeconds: MAX_RETRY_DELAY_SECONDS })), null);
  });

  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'zero attempts',
      { maxAttempts: 0 },
      /^maxAttempts: 0 must be a whole number, 1 or more \(1 means no retry\)$/,
    ],
    ['negative attempts', { maxAttempts: -1 }, /^maxAttempts: -1 must be/],
    ['fractional attempts', { maxAttempts: 2.5 }, /^maxAttempts: 2\.5 must be a whole number/],
    ['attempts as a string', { maxAttempts: '3' }, /^maxAttempts: "3" must be a whole number/],
    ['too many attempts', { maxAttempts: 101 }, /^maxAttempts: 101 is too many \(at most 100\)$/],
    [
      'unknown strategy',
      { strategy: 'random' },
      /^strategy: "random" must be one of fixed, linear, exponential$/,
    ],
    [
      'negative base',
      { baseDelaySeconds: -1 },
      /^baseDelaySeconds: -1 must be a number of seconds, 0 or more$/,
    ],
    ['NaN base', { baseDelaySeconds: Number.NaN }, /^baseDelaySeconds: NaN must be/],
    ['infinite base', { baseDelaySeconds: Number.POSITIVE_INFINITY }, /^baseDelaySeconds: Infinity must be/],
    [
      'base over 30 days',
      { baseDelaySeconds: 3e6, maxDelaySeconds: 3e6 },
      /^baseDelaySeconds: 3000000 is more than 30 days/,
    ],
    ['multiplier below 1', { multiplier: 0.5 }, /^multiplier: 0\.5 must be a number, 1 or more$/],
    ['missing multiplier', { multiplier: undefined }, /^multiplier: undefined must be/],
    ['negative cap', { maxDelaySeconds: -10 }, /^maxDelaySeconds: -10 must be a number of seconds/],
    [
      'cap over 30 days',
      { maxDelaySeconds: 1e9 },
      /^maxDelaySeconds: 1000000000 is more than 30 days \(at most 2592000\)$/,
    ],
    [
      'cap below base',
      { baseDelaySeconds: 600, maxDelaySeconds: 60 },
      /^maxDelaySeconds: 60 is less than baseDelaySeconds \(600\)/,
    ],
  ];
  for (const [name, overrides, expected] of cases) {
    it(`rejects ${name}, naming the field`, () => {
      const problem = validateRetryConfig(loose(overrides));
      assert.ok(problem !== null, 'expected a problem');
      assert.match(problem, expected);
    });
  }

  it('rejects something that is not an object', () => {
    assert.match(validateRetryConfig(null as unknown as RetryConfig) ?? '', /must be an object, got null/);
  });
});
