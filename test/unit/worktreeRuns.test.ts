// Worktree isolation with real git in temp repositories and the scheduler's real processes: each
// run works in its own worktree and branch, its changes are committed and measured, a run that
// changed nothing leaves nothing, and the user's working tree is never touched.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Job, Run, RunWorktree } from '../../src/core/model';
import type { NewJob } from '../../src/storage/jobRepository';
import { runWorktreePath } from '../../src/storage/paths';
import { GIT_TEST_ENV, commitFiles, gitIn, makeRepo, nightPilotBranches, treeSnapshot } from './gitRepos';
import { runsOf, tickAndSettle, useHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

const FIRE = '2026-11-27T02:00:00.000Z';

describe('worktree runs (real git)', function () {
  this.timeout(60_000);
  const fixture = useHarness('np-worktree-');
  let h: Harness;
  let repo: string;

  beforeEach(async () => {
    repo = makeRepo(path.join(fixture.dir, 'repo'));
    h = await fixture.create(FIRE, { env: GIT_TEST_ENV, settings: { concurrency: 2 } });
  });

  function addWorktreeJob(
    fields: Partial<NewJob> & { options?: Partial<Job['options']> } = {},
  ): Promise<Job> {
    return h.addJob({
      name: 'Nightly Review',
      cron: '0 2 * * *',
      nextRunTime: FIRE,
      ...fields,
      options: { workingDirectory: repo, isolation: 'worktree', ...fields.options },
    } as Partial<NewJob> & { cron: string });
  }

  const onlyRun = (jobId: string): Run => {
    const runs = runsOf(h, jobId);
    assert.equal(runs.length, 1, JSON.stringify(runs.map((r) => [r.status, r.error])));
    return runs[0]!;
  };
  const worktreeOf = (runId: string): RunWorktree | undefined => h.db.read((tx) => tx.worktrees.get(runId));

  it('runs every phase in its own worktree and branch, commits the changes and records the stats', async () => {
    const job = await addWorktreeJob({
      options: {
        setupCommand: "printf 'new\\n' > new.txt && printf 'more\\n' >> a.txt && pwd > ../setup-cwd.txt",
        validationCommand: 'test -f new.txt',
        cleanupCommand: 'printf clean > cleaned.txt',
      },
    });
    const before = treeSnapshot(repo);
    const mainBefore = gitIn(repo, 'rev-parse', 'main');
    await tickAndSettle(h);

    const run = onlyRun(job.id);
    assert.equal(run.status, 'succeeded', run.error ?? '');
    const row = worktreeOf(run.id)!;
    assert.equal(row.state, 'review', row.detail ?? '');
    assert.equal(row.branch, 'night-pilot/nightly-review/20261127-0200');
    assert.equal(row.baseBranch, 'main');
    assert.equal(row.baseCommit, mainBefore);
    assert.equal(row.path, runWorktreePath(h.db.path, run.id));
    assert.deepEqual(row.stats, { commitCount: 1, filesChanged: 3, insertions: 3, deletions: 0 });
    assert.equal(gitIn(repo, 'rev-parse', row.branch), row.headCommit);
    assert.equal(
      gitIn(repo, 'log', '-1', '--format=%s|%an|%ae', row.branch),
      'Night Pilot: Nightly Review 2026-11-27 02:00|Ada Tester|ada@example.com',
    );
    assert.deepEqual(gitIn(repo, 'diff', '--name-only', row.baseCommit, row.branch).split('\n'), [
      'a.txt',
      'cleaned.txt',
      'new.txt',
    ]);
    // Claude and the phase commands ran in the worktree, never in the user's folder.
    const [claude] = h.records() as Array<{ cwd?: string }>;
    assert.equal(fs.realpathSync(claude!.cwd!), fs.realpathSync(row.path));
    assert.equal(
      fs.realpathSync(fs.readFileSync(path.join(path.dirname(row.path), 'setup-cwd.txt'), 'utf8').trim()),
      fs.realpathSync(row.path),
    );
    assert.deepEqual(treeSnapshot(repo), before, "the user's working tree is untouched");
    assert.equal(gitIn(repo, 'rev-parse', 'main'), mainBefore, 'main did not move');
  });

  it('works in the same subfolder of the worktree as the job folder is in the repository', async () => {
    const job = await addWorktreeJob({
      options: { workingDirectory: path.join(repo, 'sub'), setupCommand: "printf 'x\\n' > here.txt" },
    });
    await tickAndSettle(h);
    const run = onlyRun(job.id);
    const row = worktreeOf(run.id)!;
    assert.equal(row.subfolder, 'sub');
    assert.equal(gitIn(repo, 'diff', '--name-only', row.baseCommit, row.branch), 'sub/here.txt');
  });

  it('a run that changed nothing removes its worktree and branch and says "no changes"', async () => {
    const job = await addWorktreeJob();
    await tickAndSettle(h);
    const run = onlyRun(job.id);
    assert.equal(run.status, 'succeeded', run.error ?? '');
    const row = worktreeOf(run.id)!;
    assert.equal(row.state, 'no_changes');
    assert.match(row.detail!, /No changes/);
    assert.equal(fs.existsSync(row.path), false);
    assert.deepEqual(nightPilotBranches(repo), []);
    assert.equal(gitIn(repo, 'worktree', 'list', '--porcelain').split('\n\n').length, 1);
    assert.ok(
      h.log.some((l) => l.includes('worktree no changes')),
      h.log.join('\n'),
    );
  });

  it('a failed run keeps what it changed for review (committed), and is retried in a fresh worktree', async () => {
    const job = await addWorktreeJob({
      retry: { maxAttempts: 2, strategy: 'fixed', baseDelaySeconds: 1, multiplier: 1, maxDelaySeconds: 60 },
      options: { setupCommand: "printf 'half\\n' > half.txt", validationCommand: 'exit 3' },
    });
    await tickAndSettle(h);
    const [first] = runsOf(h, job.id);
    assert.equal(first!.status, 'failed');
    const row = worktreeOf(first!.id)!;
    assert.equal(row.state, 'review');
    assert.equal(gitIn(repo, 'show', `${row.branch}:half.txt`), 'half');
    h.clock.advance(2000);
    await tickAndSettle(h);
    const [, retry] = runsOf(h, job.id);
    const second = worktreeOf(retry!.id)!;
    assert.notEqual(second.path, row.path);
    assert.equal(second.branch, `${row.branch}-2`, 'the same fire, the next free name');
  });

  it("never reuses a branch that exists: the user's own branch of that name is left alone", async () => {
    gitIn(repo, 'branch', 'night-pilot/nightly-review/20261127-0200');
    const userBranch = gitIn(repo, 'rev-parse', 'night-pilot/nightly-review/20261127-0200');
    const job = await addWorktreeJob({ options: { setupCommand: 'echo 1 > one.txt' } });
    await tickAndSettle(h);
    const row = worktreeOf(onlyRun(job.id).id)!;
    assert.equal(row.branch, 'night-pilot/nightly-review/20261127-0200-2');
    assert.equal(gitIn(repo, 'rev-parse', 'night-pilot/nightly-review/20261127-0200'), userBranch);
  });

  it('starts from the configured base branch, not the checked-out one', async () => {
    gitIn(repo, 'branch', 'develop');
    const developHead = commitFiles(repo, { 'main-only.txt': 'm\n' });
    void developHead;
    const job = await addWorktreeJob({
      options: { baseBranch: 'develop', setupCommand: 'ls > listing.txt' },
    });
    await tickAndSettle(h);
    const row = worktreeOf(onlyRun(job.id).id)!;
    assert.equal(row.baseBranch, 'develop');
    assert.equal(row.baseCommit, gitIn(repo, 'rev-parse', 'develop'));
    assert.doesNotMatch(gitIn(repo, 'show', `${row.branch}:listing.txt`), /main-only/);
  });

  it('initialises the submodules in the worktree', async () => {
    const lib = makeRepo(path.join(fixture.dir, 'lib'), { 'lib.txt': 'lib\n' });
    gitIn(repo, 'submodule', 'add', '--quiet', lib, 'lib');
    gitIn(repo, 'commit', '--quiet', '-m', 'add lib');
    const job = await addWorktreeJob({ options: { setupCommand: 'cat lib/lib.txt > seen.txt' } });
    await tickAndSettle(h);
    const run = onlyRun(job.id);
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.equal(gitIn(repo, 'show', `${worktreeOf(run.id)!.branch}:seen.txt`), 'lib');
  });

  describe('failures say what is wrong and leave nothing behind', () => {
    async function failedRun(job: Job): Promise<Run> {
      const before = treeSnapshot(repo);
      await tickAndSettle(h);
      const run = onlyRun(job.id);
      assert.equal(run.status, 'failed');
      assert.equal(worktreeOf(run.id), undefined);
      assert.deepEqual(nightPilotBranches(repo), []);
      assert.deepEqual(treeSnapshot(repo), before);
      assert.equal(h.records().length, 0, 'Claude never ran');
      return run;
    }

    it('a folder that is not in a git repository', async () => {
      const plain = path.join(fixture.dir, 'plain');
      fs.mkdirSync(plain);
      const run = await failedRun(await addWorktreeJob({ options: { workingDirectory: plain } }));
      assert.match(run.error!, /plain is not in a git repository/);
    });

    it('a base branch that is gone', async () => {
      const run = await failedRun(await addWorktreeJob({ options: { baseBranch: 'release' } }));
      assert.match(run.error!, /base branch "release" does not exist/);
    });

    it('a repository on a detached HEAD with no base branch set', async () => {
      gitIn(repo, 'checkout', '--quiet', '--detach');
      const run = await failedRun(await addWorktreeJob());
      assert.match(run.error!, /detached HEAD/);
    });
  });

  it("two jobs on one repository at the same time never touch each other's files nor the user's tree", async () => {
    fs.writeFileSync(path.join(repo, 'a.txt'), 'user edit, not committed\n');
    fs.writeFileSync(path.join(repo, 'untracked.txt'), 'mine\n');
    const before = treeSnapshot(repo);
    const slow = (name: string) =>
      `printf '${name}\\n' > ${name}-made.txt && sleep 1 && ls > ${name}-saw.txt`;
    const a = await addWorktreeJob({ name: 'Job A', options: { setupCommand: slow('a') } });
    const b = await addWorktreeJob({ name: 'Job B', options: { setupCommand: slow('b') } });
    await tickAndSettle(h);
    const rowA = worktreeOf(onlyRun(a.id).id)!;
    const rowB = worktreeOf(onlyRun(b.id).id)!;
    assert.equal(rowA.state, 'review');
    assert.equal(rowB.state, 'review');
    assert.deepEqual(gitIn(repo, 'diff', '--name-only', rowA.baseCommit, rowA.branch).split('\n'), [
      'a-made.txt',
      'a-saw.txt',
    ]);
    assert.deepEqual(gitIn(repo, 'diff', '--name-only', rowB.baseCommit, rowB.branch).split('\n'), [
      'b-made.txt',
      'b-saw.txt',
    ]);
    assert.doesNotMatch(gitIn(repo, 'show', `${rowA.branch}:a-saw.txt`), /b-made|untracked/);
    assert.doesNotMatch(gitIn(repo, 'show', `${rowB.branch}:b-saw.txt`), /a-made|untracked/);
    assert.equal(
      gitIn(repo, 'show', `${rowA.branch}:a.txt`),
      'a',
      "the user's uncommitted edit stayed theirs",
    );
    assert.deepEqual(treeSnapshot(repo), before);
  });
});
