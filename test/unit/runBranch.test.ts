// The names a worktree run gives to git, the isolation option wherever a job is described (front
// matter, the validator of imported jobs), and the Create Job suggestion.
import assert from 'node:assert/strict';
import { readPromptSettings, splitFrontMatter } from '../../src/core/frontMatter';
import { checkJobDraft, parseBranchName } from '../../src/core/jobValidation';
import { DEFAULT_EXECUTION_OPTIONS, DEFAULT_RETRY } from '../../src/core/model';
import { applyPromptDefaults } from '../../src/core/promptGrants';
import {
  branchNameProblem,
  describeWorktreeStats,
  freeBranchName,
  letsClaudeEdit,
  runBranchName,
  runCommitMessage,
} from '../../src/core/runBranch';

describe('core: worktree run names and the isolation option', () => {
  it("names the branch as the GitHub Actions export does, in the job's zone", () => {
    const job = { name: 'Nightly Review (API)', id: 'abcdef12-0000', timezone: 'Europe/Berlin' };
    assert.equal(
      runBranchName(job, '2026-11-27T01:05:00.000Z'),
      'night-pilot/nightly-review-api/20261127-0205',
    );
    assert.equal(
      runBranchName({ ...job, name: '日本' }, '2026-11-27T01:05:00.000Z'),
      'night-pilot/job-abcdef12/20261127-0205',
    );
    assert.equal(
      runCommitMessage(job, '2026-11-27T01:05:00.000Z'),
      'Night Pilot: Nightly Review (API) 2026-11-27 02:05',
    );
  });

  it('takes the next free name and never an existing branch', () => {
    assert.equal(freeBranchName('a/b', new Set()), 'a/b');
    assert.equal(freeBranchName('a/b', new Set(['a/b', 'a/b-2'])), 'a/b-3');
  });

  it('accepts what git accepts as a branch name and says why it refuses the rest', () => {
    for (const good of ['main', 'release/2026.1', 'feature/x-y_z'])
      assert.equal(branchNameProblem(good), null, good);
    for (const [bad, why] of [
      ['', /empty/],
      ['-x', /starts with "-"/],
      ['a b', /space/],
      ['a..b', /\.\./],
      ['a/.hidden', /starts with "\."/],
      ['x.lock', /\.lock/],
      ['a/', /ends with "\/"/],
      ['HEAD', /not a branch name/],
    ] as const)
      assert.match(branchNameProblem(bad) ?? '', why, bad);
    assert.deepEqual(parseBranchName(' main '), { ok: true, value: 'main' });
    assert.equal(parseBranchName('a..b').ok, false);
  });

  it('reads isolation from front matter as a default the job may override', () => {
    const { data } = splitFrontMatter('---\nisolation: worktree\n---\nBody');
    const { settings, problems } = readPromptSettings(data);
    assert.equal(settings.isolation, 'worktree');
    assert.deepEqual(problems, []);
    assert.match(
      readPromptSettings(splitFrontMatter('---\nisolation: sandbox\n---\nB').data).problems[0]!,
      /"isolation": .* one of none, worktree/,
    );
    assert.equal(applyPromptDefaults(DEFAULT_EXECUTION_OPTIONS, settings).isolation, 'worktree');
    assert.equal(
      applyPromptDefaults({ ...DEFAULT_EXECUTION_OPTIONS, isolation: 'none' }, settings).isolation,
      'none',
    );
  });

  it('the validator of imported jobs names a bad isolation or base branch', () => {
    const job = {
      name: 'n',
      cronExpression: '0 2 * * *',
      timezone: 'UTC',
      jobType: 'scheduled' as const,
      priority: 5,
      parentJobId: null,
      retry: { ...DEFAULT_RETRY },
      missedRunPolicy: 'run_once' as const,
    };
    assert.deepEqual(
      checkJobDraft({
        ...job,
        options: { ...DEFAULT_EXECUTION_OPTIONS, isolation: 'worktree', baseBranch: 'main' },
      }),
      [],
    );
    const problems = checkJobDraft({
      ...job,
      options: { ...DEFAULT_EXECUTION_OPTIONS, isolation: 'sandbox' as never, baseBranch: 'a b' },
    });
    assert.deepEqual(
      problems.map((p) => p.field),
      ['options.isolation', 'options.baseBranch'],
    );
  });

  it('suggests a worktree when the permissions let Claude edit files', () => {
    const o = DEFAULT_EXECUTION_OPTIONS;
    assert.equal(letsClaudeEdit(o), false);
    assert.equal(letsClaudeEdit({ ...o, permissionMode: 'plan' }), false);
    assert.equal(letsClaudeEdit({ ...o, permissionMode: 'acceptEdits' }), true);
    assert.equal(letsClaudeEdit({ ...o, allowedTools: ['Read', 'Edit'] }), true);
    assert.equal(letsClaudeEdit({ ...o, allowedTools: ['Bash(npm test:*)'] }), true);
    assert.equal(letsClaudeEdit({ ...o, allowedTools: ['Read', 'Grep'] }), false);
  });

  it('says "3 files +120 -14"', () => {
    assert.equal(
      describeWorktreeStats({ commitCount: 2, filesChanged: 3, insertions: 120, deletions: 14 }),
      '3 files +120 -14',
    );
    assert.equal(
      describeWorktreeStats({ commitCount: 1, filesChanged: 1, insertions: 0, deletions: 2 }),
      '1 file +0 -2',
    );
  });
});
