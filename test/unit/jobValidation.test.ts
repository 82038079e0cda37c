// The one job validator in src/core, used by the CLI and the extension alike (defect 11).
import assert from 'node:assert/strict';
import {
  MAX_JOB_NAME_LENGTH,
  checkJobName,
  describeNameProblem,
  nextRunTimeFor,
} from '../../src/core/jobValidation';

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
