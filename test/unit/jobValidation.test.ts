// The one job validator in src/core, used by the CLI and the extension alike (defect 11).
import assert from 'node:assert/strict';
import {
  MAX_JOB_NAME_LENGTH,
  checkJobDraft,
  checkJobName,
  checkModelName,
  describeNameProblem,
  describeValueProblem,
  nextRunTimeFor,
  parseDollars,
  parseEnvEntry,
  parseToolRules,
  parseWholeNumber,
  planJobSchedule,
} from '../../src/core/jobValidation';
import { DEFAULT_EXECUTION_OPTIONS, DEFAULT_RETRY } from '../../src/core/model';

describe('core: the job validator', () => {
  it('trims a name and takes up to 200 characters on one line', () => {
    assert.deepEqual(checkJobName('  Nightly review  '), { ok: true, name: 'Nightly review' });
    assert.equal(checkJobName('n'.repeat(MAX_JOB_NAME_LENGTH)).ok, true);
    assert.equal(MAX_JOB_NAME_LENGTH, 200);
  });

  it('names what is wrong with a name', () => {
    const cases: Array<[string, string]> = [
      ['   ', 'the name is empty'],
      ['two\nlines', 'the name must be one line without control characters'],
      ['tab\there', 'the name must be one line without control characters'],
      ['n'.repeat(201), 'the name is 201 characters long (at most 200)'],
    ];
    for (const [raw, message] of cases) {
      const check = checkJobName(raw);
      assert.equal(check.ok, false, raw);
      if (!check.ok) assert.equal(describeNameProblem(check), message);
    }
  });

  it('gives a triggered job (no schedule of its own) no next fire instead of an error', () => {
    const now = new Date('2026-11-27T10:00:00.000Z');
    assert.equal(nextRunTimeFor({ cronExpression: '', timezone: 'UTC', jobType: 'triggered' }, now), null);
    assert.equal(nextRunTimeFor({ cronExpression: '', timezone: 'UTC' }, now), null);
    assert.equal(
      nextRunTimeFor({ cronExpression: '0 2 * * *', timezone: 'UTC', jobType: 'scheduled' }, now),
      '2026-11-28T02:00:00.000Z',
    );
    assert.throws(() => nextRunTimeFor({ cronExpression: '61 * * * *', timezone: 'UTC' }, now), /minute/);
  });
});

describe('core: job fields and whole jobs', () => {
  it('parses typed values with the limits the CLI and the extension share', () => {
    assert.deepEqual(parseWholeNumber(' 5 ', 1, 10), { ok: true, value: 5 });
    assert.deepEqual(parseWholeNumber('1.5', 1, 10), { ok: false, problem: 'notWhole', min: 1, max: 10 });
    assert.equal(
      describeValueProblem({ problem: 'notWhole', min: 1, max: 10 }, 'high'),
      '"high" is not an integer from 1 to 10',
    );
    assert.deepEqual(parseToolRules('Read, Bash(git log:*, x)'), {
      ok: true,
      value: ['Read', 'Bash(git log:*, x)'],
    });
    assert.equal(parseToolRules('Bash(git').ok, false);
    assert.deepEqual(parseEnvEntry('A=b=c'), { ok: true, value: ['A', 'b=c'] });
    assert.deepEqual(parseEnvEntry('1A=b'), { ok: false, problem: 'envName', name: '1A' });
    assert.equal(checkModelName('claude sonnet').ok, false);
    assert.deepEqual(parseDollars('$2.50'), { ok: true, value: 2.5 });
  });

  it('checks a whole job, naming each field that is wrong (an imported file)', () => {
    const good = {
      name: 'Nightly',
      cronExpression: '0 2 * * *',
      timezone: 'UTC',
      jobType: 'scheduled' as const,
      priority: 5,
      parentJobId: null,
      options: { ...DEFAULT_EXECUTION_OPTIONS },
      retry: { ...DEFAULT_RETRY },
      missedRunPolicy: 'run_once' as const,
    };
    assert.deepEqual(checkJobDraft(good), []);
    const bad = checkJobDraft({
      ...good,
      cronExpression: '61 * * * *',
      priority: 11,
      options: { ...good.options, maxTurns: 0, permissionMode: 'bypassPermissions', env: { '1A': 'x' } },
      retry: { ...good.retry, maxAttempts: 0 },
    });
    assert.deepEqual(
      bad.map((p) => p.field),
      ['cronExpression', 'priority', 'retry', 'options.maxTurns', 'options.permissionMode', 'options.env'],
    );
    assert.deepEqual(
      checkJobDraft({ ...good, jobType: 'triggered' }).map((p) => p.message),
      ['a triggered job needs a parent job', 'a triggered job has no cron expression of its own'],
    );
  });

  it('plans a schedule: triggered without a cron and with a parent, never-firing refused', () => {
    const now = new Date('2026-11-27T10:00:00.000Z');
    assert.deepEqual(
      planJobSchedule({ cronExpression: '', timezone: 'UTC', once: false, hasParent: true }, now),
      {
        ok: true,
        jobType: 'triggered',
        nextRunTime: null,
      },
    );
    assert.deepEqual(
      planJobSchedule({ cronExpression: '', timezone: 'UTC', once: false, hasParent: false }, now),
      {
        ok: false,
        problem: 'noSchedule',
      },
    );
    assert.equal(
      planJobSchedule({ cronExpression: '0 0 30 2 *', timezone: 'UTC', once: false, hasParent: false }, now)
        .ok,
      false,
    );
  });
});
