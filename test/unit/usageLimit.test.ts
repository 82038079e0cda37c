import assert from 'node:assert/strict';
import {
  detectUsageLimit,
  limitResumeAt,
  parseLimitResetTime,
  zonedWallClockToInstant,
} from '../../src/core/usageLimit';
import type { UsageLimitInput } from '../../src/core/usageLimit';

// Friday 2025-10-03 12:00 UTC: 14:00 in Warsaw, 08:00 in Toronto, 21:00 in Tokyo, 05:00 in Los Angeles.
const FRIDAY_NOON_UTC = new Date('2025-10-03T12:00:00Z');

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

function input(overrides: Partial<UsageLimitInput>): UsageLimitInput {
  return {
    rateLimitRejectedResetsAt: null,
    isError: true,
    apiErrorStatus: null,
    resultText: null,
    stderr: null,
    now: FRIDAY_NOON_UTC,
    defaultZone: 'UTC',
    ...overrides,
  };
}

describe('parseLimitResetTime', () => {
  const cases: Array<[text: string, defaultZone: string, expected: string]> = [
    ['Claude AI usage limit reached|1760000000', 'Europe/Warsaw', '2025-10-09T08:53:20.000Z'],
    // The zone in parentheses wins over the machine's zone (here New York).
    [
      'Claude usage limit reached. Your limit will reset at 5pm (Europe/Warsaw).',
      'America/New_York',
      '2025-10-03T15:00:00.000Z',
    ],
    [
      'Claude usage limit reached. Your limit will reset at Oct 6, 6pm.',
      'Europe/Warsaw',
      '2025-10-06T16:00:00.000Z',
    ],
    // 1am in Tokyo is already tomorrow's date there.
    ['5-hour limit reached ∙ resets 1am', 'Asia/Tokyo', '2025-10-03T16:00:00.000Z'],
    ["You've hit your limit · resets 2pm (America/Toronto)", 'Europe/Warsaw', '2025-10-03T18:00:00.000Z'],
    ["You've hit your session limit · resets 3:45pm", 'UTC', '2025-10-03T15:45:00.000Z'],
    ["You've hit your weekly limit · resets Mon 12:00am", 'America/Los_Angeles', '2025-10-06T07:00:00.000Z'],
    ["You've hit your Opus limit · resets 3:45pm", 'Europe/Warsaw', '2025-10-03T13:45:00.000Z'],
    ["You've hit your 5-hour limit · resets 9:41pm (UTC)", 'Australia/Sydney', '2025-10-03T21:41:00.000Z'],
    // What the pinned CLI printed for a reset three days away (see test/fixtures/README.md).
    ["You've hit your weekly limit · resets Dec 1, 6:07am (Asia/Tokyo)", 'UTC', '2025-11-30T21:07:00.000Z'],
    ["You've hit your weekly limit. It resets 21:30 (Europe/Berlin).", 'UTC', '2025-10-03T19:30:00.000Z'],
  ];
  for (const [text, zone, expected] of cases) {
    it(`reads "${text}" with machine zone ${zone}`, () => {
      assert.equal(iso(parseLimitResetTime(text, FRIDAY_NOON_UTC, zone)), expected);
    });
  }

  it('takes the next day when the time has passed today', () => {
    const afterFourPm = new Date('2025-10-03T16:00:00Z');
    assert.equal(iso(parseLimitResetTime('resets 3:45pm', afterFourPm, 'UTC')), '2025-10-04T15:45:00.000Z');
  });

  it('takes next year for a month and day already past', () => {
    const oct7 = new Date('2025-10-07T00:00:00Z');
    assert.equal(
      iso(parseLimitResetTime('reset at Oct 6, 6pm', oct7, 'Europe/Warsaw')),
      '2026-10-06T16:00:00.000Z',
    );
  });

  it('takes today for a weekday that is today when the time is still ahead, else next week', () => {
    const mondayTen = new Date('2025-10-06T10:00:00Z');
    assert.equal(
      iso(parseLimitResetTime('resets Mon 11:00am (UTC)', mondayTen, 'UTC')),
      '2025-10-06T11:00:00.000Z',
    );
    assert.equal(
      iso(parseLimitResetTime('resets Mon 9:00am (UTC)', mondayTen, 'UTC')),
      '2025-10-13T09:00:00.000Z',
    );
  });

  it('uses the zone offset of the reset day, not of today, across a DST change', () => {
    // Friday in London is BST (UTC+1); Monday 27 October is GMT again.
    const friday = new Date('2025-10-24T12:00:00Z');
    assert.equal(
      iso(parseLimitResetTime('resets Mon 9:00am (Europe/London)', friday, 'UTC')),
      '2025-10-27T09:00:00.000Z',
    );
  });

  it('moves a reset in the skipped spring-forward hour to after the jump', () => {
    const midnightEst = new Date('2025-03-09T05:00:00Z');
    // 02:30 does not exist in New York that night; the clocks show 03:30 EDT at 07:30Z.
    assert.equal(
      iso(parseLimitResetTime('resets 2:30am', midnightEst, 'America/New_York')),
      '2025-03-09T07:30:00.000Z',
    );
  });

  it('takes the first of the two 1:30am in the repeated autumn hour', () => {
    const midnightEdt = new Date('2025-11-02T04:00:00Z');
    assert.equal(
      iso(parseLimitResetTime('resets 1:30am', midnightEdt, 'America/New_York')),
      '2025-11-02T05:30:00.000Z',
    );
  });

  it('falls back to the machine zone for a zone it does not know', () => {
    assert.equal(
      iso(parseLimitResetTime('resets 3pm (Mars/Olympus_Mons)', FRIDAY_NOON_UTC, 'Europe/Warsaw')),
      '2025-10-03T13:00:00.000Z',
    );
  });

  it('does not roll a date that does not exist into the next month (Feb 29 within a year)', () => {
    assert.equal(parseLimitResetTime('resets Feb 29, 9am', FRIDAY_NOON_UTC, 'UTC'), null);
    const in2027 = new Date('2027-10-01T00:00:00Z');
    assert.equal(iso(parseLimitResetTime('resets Feb 29, 9am', in2027, 'UTC')), '2028-02-29T09:00:00.000Z');
  });

  it('returns null when there is no time to read', () => {
    assert.equal(parseLimitResetTime("You've hit your limit", FRIDAY_NOON_UTC, 'UTC'), null);
    assert.equal(parseLimitResetTime('the counter resets 5 times a day', FRIDAY_NOON_UTC, 'UTC'), null);
    assert.equal(parseLimitResetTime('resets 13pm', FRIDAY_NOON_UTC, 'UTC'), null);
  });

  it('rejects a machine zone that is not an IANA zone, naming it', () => {
    assert.throws(
      () => parseLimitResetTime('resets 1am', FRIDAY_NOON_UTC, 'Mars/Base'),
      /defaultZone: "Mars\/Base"/,
    );
  });
});

describe('zonedWallClockToInstant', () => {
  it('converts a wall-clock time in a zone to UTC', () => {
    const warsawSummer = zonedWallClockToInstant(
      { year: 2025, month: 7, day: 1, hour: 9, minute: 0 },
      'Europe/Warsaw',
    );
    const warsawWinter = zonedWallClockToInstant(
      { year: 2025, month: 1, day: 1, hour: 9, minute: 0 },
      'Europe/Warsaw',
    );
    const kolkata = zonedWallClockToInstant(
      { year: 2025, month: 1, day: 1, hour: 9, minute: 0 },
      'Asia/Kolkata',
    );
    assert.equal(warsawSummer.toISOString(), '2025-07-01T07:00:00.000Z');
    assert.equal(warsawWinter.toISOString(), '2025-01-01T08:00:00.000Z');
    assert.equal(kolkata.toISOString(), '2025-01-01T03:30:00.000Z');
  });
});

describe('detectUsageLimit', () => {
  it('trusts a rejected rate_limit_event first, with its exact reset', () => {
    const detection = detectUsageLimit(
      input({
        rateLimitRejectedResetsAt: 1760000000,
        apiErrorStatus: 429,
        resultText: "You've hit your 5-hour limit · resets 9:41pm (UTC)",
      }),
    );
    assert.deepEqual(detection, {
      resetAt: new Date(1760000000 * 1000),
      source: 'rate_limit_event',
      message: "You've hit your 5-hour limit · resets 9:41pm (UTC)",
    });
  });

  it('reads the reset from the text of a subscription 429 without a rate_limit_event', () => {
    const detection = detectUsageLimit(
      input({ apiErrorStatus: 429, resultText: "You've hit your limit · resets 2pm (America/Toronto)" }),
    );
    assert.equal(detection?.source, 'text');
    assert.equal(iso(detection?.resetAt ?? null), '2025-10-03T18:00:00.000Z');
  });

  it('treats an API-key 429 as a limit with an unknown reset', () => {
    const text = 'API Error: Request rejected (429) · Number of request tokens has exceeded your rate limit.';
    assert.deepEqual(detectUsageLimit(input({ apiErrorStatus: 429, resultText: text })), {
      resetAt: null,
      source: 'api_429',
      message: text,
    });
  });

  it('treats the OAuth server throttle ("not your usage limit") as a 429 with an unknown reset', () => {
    const text =
      'API Error: Server is temporarily limiting requests (not your usage limit) · Number of request tokens has exceeded your rate limit.';
    const detection = detectUsageLimit(input({ apiErrorStatus: 429, resultText: text }));
    assert.equal(detection?.source, 'api_429');
    assert.equal(detection?.resetAt, null);
  });

  it('finds the legacy epoch wording on stderr', () => {
    const detection = detectUsageLimit(
      input({ isError: false, stderr: 'Claude AI usage limit reached|1760000000\n' }),
    );
    assert.equal(detection?.source, 'text');
    assert.equal(iso(detection?.resetAt ?? null), '2025-10-09T08:53:20.000Z');
  });

  it('finds a limit printed as a non-error result by older CLIs', () => {
    const detection = detectUsageLimit(
      input({
        isError: false,
        resultText: 'Claude usage limit reached. Your limit will reset at 5pm (Europe/Warsaw).',
      }),
    );
    assert.equal(iso(detection?.resetAt ?? null), '2025-10-03T15:00:00.000Z');
  });

  it('detects a limit wording without a time, leaving the reset unknown', () => {
    const detection = detectUsageLimit(input({ resultText: "You've hit your session limit" }));
    assert.deepEqual(detection, { resetAt: null, source: 'text', message: "You've hit your session limit" });
  });

  describe('does not mistake other failures for a limit', () => {
    const notLimits: Array<[string, Partial<UsageLimitInput>]> = [
      ['no credentials', { resultText: 'Not logged in · Please run /login' }],
      ['a bad API key', { apiErrorStatus: 401, resultText: 'Invalid API key · Fix external API key' }],
      [
        'a 500',
        {
          apiErrorStatus: 500,
          resultText: 'API Error: 500 Internal server error. This is a server-side issue, usually temporary.',
        },
      ],
      ['a 529', { apiErrorStatus: 529, resultText: 'API Error: 529 Overloaded.' }],
      ['error_max_turns', { resultText: null, stderr: '' }],
      [
        'a timeout',
        { resultText: 'Request timed out. If the API is slow to answer, set API_TIMEOUT_MS above 1500.' },
      ],
      ['an error about some other limit', { resultText: 'Error: the limit parameter must be positive' }],
      [
        'an answer that talks about limits',
        {
          isError: false,
          resultText:
            "Done. You've hit your limit of test retries in the config; the usage limit reached warning resets at 5pm is gone.",
        },
      ],
      [
        'a short answer opening with a limit phrase but no reset',
        { isError: false, resultText: "You've hit your limit of 3 retries." },
      ],
    ];
    for (const [name, overrides] of notLimits) {
      it(name, () => assert.equal(detectUsageLimit(input(overrides)), null));
    }
  });

  it('does not hold a run that answered despite a rejected window (overage took over)', () => {
    const answered = input({
      rateLimitRejectedResetsAt: 1760000000,
      isError: false,
      resultText: 'All done.',
    });
    assert.equal(detectUsageLimit(answered), null);
  });

  it('counts a rejected rate_limit_event when the run ended without any result', () => {
    const detection = detectUsageLimit(input({ rateLimitRejectedResetsAt: 1760000000, isError: false }));
    assert.equal(detection?.source, 'rate_limit_event');
    assert.equal(detection?.message, 'Claude usage limit reached; resets at 2025-10-09T08:53:20.000Z');
  });

  it('ignores a rejected rate_limit_event without a reset and falls back to the 429', () => {
    const detection = detectUsageLimit(
      input({ rateLimitRejectedResetsAt: null, apiErrorStatus: 429, resultText: 'x' }),
    );
    assert.equal(detection?.source, 'api_429');
  });

  it('rejects an invalid now and names the field', () => {
    assert.throws(() => detectUsageLimit(input({ now: new Date('nope') })), /now: expected a valid Date/);
  });
});

describe('limitResumeAt', () => {
  const now = FRIDAY_NOON_UTC;

  it('resumes at the reset plus the margin', () => {
    const resetAt = new Date('2025-10-03T15:00:00Z');
    assert.equal(
      limitResumeAt({ resetAt, source: 'rate_limit_event', message: '' }, now, 90, 3600).toISOString(),
      '2025-10-03T15:01:30.000Z',
    );
  });

  it('waits the fallback when the reset is unknown', () => {
    assert.equal(
      limitResumeAt({ resetAt: null, source: 'api_429', message: '' }, now, 90, 1800).toISOString(),
      '2025-10-03T12:30:00.000Z',
    );
  });

  it('never answers a time in the past', () => {
    const stale = new Date('2025-10-03T10:00:00Z');
    assert.equal(
      limitResumeAt({ resetAt: stale, source: 'text', message: '' }, now, 60, 1800).toISOString(),
      now.toISOString(),
    );
  });

  it('rejects a negative margin, naming it', () => {
    assert.throws(
      () => limitResumeAt({ resetAt: null, source: 'api_429', message: '' }, now, -1, 60),
      /marginSeconds: expected a number of seconds >= 0, got -1/,
    );
  });
});
