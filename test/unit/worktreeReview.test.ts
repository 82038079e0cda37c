// The morning review from the CLI, on real git: run list --to-review, run diff, run merge
// (fast-forward, merge commit, conflict, refused by the user's own changes), run discard, and the
// check that refuses worktree isolation where it cannot work when the job is saved.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Job, RunWorktree } from '../../src/core/model';
import { cli } from './cliHarness';
import type { CliResult } from './cliHarness';
import { GIT_TEST_ENV, commitFiles, gitIn, makeRepo, nightPilotBranches, treeSnapshot } from './gitRepos';
import { runsOf, tickAndSettle, useHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

const FIRE = '2026-11-27T02:00:00.000Z';

describe('morning review from the CLI (real git)', function () {
  this.timeout(60_000);
  const fixture = useHarness('np-review-');
  let h: Harness;
  let repo: string;

  beforeEach(async () => {
    repo = makeRepo(path.join(fixture.dir, 'repo'));
    h = await fixture.create(FIRE, { env: GIT_TEST_ENV });
  });

  const run = (...argv: string[]): Promise<CliResult> =>
    cli(['--db', h.db.path, ...argv], { env: { PATH: process.env.PATH, ...GIT_TEST_ENV }, cwd: fixture.dir });

  /** A worktree run whose setup command made `script`'s changes, settled and waiting for review. */
  async function reviewedRun(script: string, name = 'Nightly Review'): Promise<RunWorktree> {
    const job: Job = await h.addJob({
      name,
      cron: '0 2 * * *',
      nextRunTime: FIRE,
      options: { workingDirectory: repo, isolation: 'worktree', setupCommand: script },
    } as Parameters<Harness['addJob']>[0]);
    await tickAndSettle(h);
    const [r] = runsOf(h, job.id);
    const row = h.db.read((tx) => tx.worktrees.get(r!.id))!;
    assert.equal(row.state, 'review', row.detail ?? r!.error ?? '');
    return row;
  }
  const rowOf = (runId: string) => {
    h.db.refresh();
    return h.db.read((tx) => tx.worktrees.get(runId))!;
  };

  it('lists, diffs and fast-forwards a run into main, then removes its worktree and branch', async () => {
    const row = await reviewedRun("printf 'new\\n' > new.txt && printf 'more\\n' >> a.txt");
    const listed = await run('run', 'list', '--to-review');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      new RegExp(`${row.runId.slice(0, 8)}.*Nightly Review.*${row.branch}.*2 files \\+2 -0`),
    );

    const shown = await run('run', 'show', row.runId);
    assert.match(
      shown.stdout,
      /Worktree: +night-pilot\/nightly-review\/20261127-0200 from main: 2 files \+2 -0, to review/,
    );
    const stat = await run('run', 'diff', row.runId, '--stat');
    assert.equal(stat.code, 0, stat.stderr);
    assert.match(stat.stdout, /a\.txt +\| 1 \+/);
    assert.match(stat.stdout, /2 files changed, 2 insertions/);
    const patch = await run('run', 'diff', row.runId.slice(0, 6));
    assert.match(patch.stdout, /^\+more$/m);
    assert.match(patch.stdout, /^\+\+\+ b\/new\.txt$/m);
    const json = JSON.parse((await run('--json', 'run', 'diff', row.runId)).stdout) as { files: unknown[] };
    assert.deepEqual(json.files, [
      { status: 'M', path: 'a.txt', oldPath: null },
      { status: 'A', path: 'new.txt', oldPath: null },
    ]);

    const merged = await run('run', 'merge', row.runId);
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stdout, /Fast-forwarded main to [0-9a-f]{12}/);
    assert.equal(gitIn(repo, 'rev-parse', 'main'), row.headCommit);
    assert.equal(
      fs.readFileSync(path.join(repo, 'new.txt'), 'utf8'),
      'new\n',
      "the user's tree has the run's work",
    );
    assert.equal(gitIn(repo, 'status', '--porcelain'), '');
    assert.equal(fs.existsSync(row.path), false);
    assert.deepEqual(nightPilotBranches(repo), []);
    assert.equal(rowOf(row.runId).state, 'merged');
    assert.equal((await run('run', 'list', '--to-review')).stdout.trim(), 'No runs to review.');
    const again = await run('run', 'merge', row.runId);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /worktree is merged: there is nothing to review/);
  });

  it('makes a merge commit when main moved since the run', async () => {
    const row = await reviewedRun("printf 'new\\n' > new.txt");
    const moved = commitFiles(repo, { 'other.txt': 'other\n' });
    const merged = await run('run', 'merge', row.runId);
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stdout, /Merged into main with merge commit/);
    const parents = gitIn(repo, 'log', '-1', '--format=%P', 'main').split(' ');
    assert.deepEqual(parents, [moved, row.headCommit]);
    assert.equal(
      gitIn(repo, 'log', '-1', '--format=%s|%an', 'main'),
      `Merge branch '${row.branch}' into main|Ada Tester`,
    );
    assert.equal(gitIn(repo, 'status', '--porcelain'), '');
    assert.ok(fs.existsSync(path.join(repo, 'new.txt')) && fs.existsSync(path.join(repo, 'other.txt')));
  });

  it("stops on a conflict without touching the user's tree or main, and keeps the worktree", async () => {
    const row = await reviewedRun("printf 'run\\n' > a.txt");
    const moved = commitFiles(repo, { 'a.txt': 'user\n' });
    fs.writeFileSync(path.join(repo, 'scratch.txt'), 'uncommitted\n');
    const before = treeSnapshot(repo);
    const merged = await run('run', 'merge', row.runId);
    assert.equal(merged.code, 1);
    assert.match(merged.stderr, /conflicts in a\.txt; nothing was changed/);
    assert.match(merged.stdout, new RegExp(`Worktree: ${row.path}`));
    assert.deepEqual(treeSnapshot(repo), before);
    assert.equal(gitIn(repo, 'rev-parse', 'main'), moved);
    assert.ok(fs.existsSync(row.path));
    const after = rowOf(row.runId);
    assert.equal(after.state, 'review');
    assert.match(after.detail!, /stopped on conflicts in a\.txt/);
  });

  it("refuses a fast-forward that would overwrite the user's uncommitted changes, changing nothing", async () => {
    const row = await reviewedRun("printf 'run\\n' > a.txt");
    fs.writeFileSync(path.join(repo, 'a.txt'), 'user, not committed\n');
    const before = treeSnapshot(repo);
    const merged = await run('run', 'merge', row.runId);
    assert.equal(merged.code, 1);
    assert.match(merged.stderr, /uncommitted changes in .* touch files the run changed/);
    assert.deepEqual(treeSnapshot(repo), before);
    assert.equal(rowOf(row.runId).state, 'review');
  });

  it('moves only the branch when main is not checked out anywhere', async () => {
    const row = await reviewedRun("printf 'new\\n' > new.txt");
    gitIn(repo, 'checkout', '--quiet', '-b', 'feature');
    const before = treeSnapshot(repo);
    const merged = await run('run', 'merge', row.runId);
    assert.equal(merged.code, 0, merged.stderr);
    assert.equal(gitIn(repo, 'rev-parse', 'main'), row.headCommit);
    assert.deepEqual(treeSnapshot(repo), before);
  });

  it('discards only with --yes, removing the worktree and branch', async () => {
    const row = await reviewedRun("printf 'new\\n' > new.txt");
    const unconfirmed = await run('run', 'discard', row.runId);
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /add --yes to confirm/);
    assert.ok(fs.existsSync(row.path));
    const before = treeSnapshot(repo);
    const discarded = await run('run', 'discard', row.runId, '--yes');
    assert.equal(discarded.code, 0, discarded.stderr);
    assert.equal(fs.existsSync(row.path), false);
    assert.deepEqual(nightPilotBranches(repo), []);
    assert.equal(rowOf(row.runId).state, 'discarded');
    assert.deepEqual(treeSnapshot(repo), before);
  });

  it("keeps a pruned run's worktree for review: listed, and discarded by its run id", async () => {
    const row = await reviewedRun("printf 'new\\n' > new.txt");
    // What retention does to an old run: its row goes, its worktree and branch stay.
    await h.db.write((tx) => tx.sql.run('DELETE FROM job_runs WHERE id = ?', [row.runId]));
    assert.ok(fs.existsSync(row.path));
    const listed = await run('run', 'list', '--to-review');
    assert.match(listed.stdout, new RegExp(row.runId.slice(0, 8)));
    const discarded = await run('run', 'discard', row.runId.slice(0, 8), '--yes');
    assert.equal(discarded.code, 0, discarded.stderr);
    assert.equal(fs.existsSync(row.path), false);
    assert.deepEqual(nightPilotBranches(repo), []);
  });

  it('says which run did not work in a worktree', async () => {
    const job = await h.addJob({
      name: 'plain',
      cron: '0 2 * * *',
      nextRunTime: FIRE,
      options: { workingDirectory: repo },
    } as Parameters<Harness['addJob']>[0]);
    await tickAndSettle(h);
    const [r] = runsOf(h, job.id);
    const diff = await run('run', 'diff', r!.id);
    assert.equal(diff.code, 2);
    assert.match(diff.stderr, /did not run in a worktree/);
  });

  describe('job add / edit refuse worktree isolation where it cannot work', () => {
    const add = (...extra: string[]) =>
      run('job', 'add', '--name', 'iso', '--prompt', 'Hi', '--cron', '0 3 * * *', '--tz', 'UTC', ...extra);

    it('a folder outside any git repository, a missing base branch, no folder at all', async () => {
      const plain = path.join(fixture.dir, 'plain');
      fs.mkdirSync(plain);
      let result = await add('--cwd', plain, '--isolation', 'worktree');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /--isolation worktree: .*plain is not in a git repository/);
      result = await add('--cwd', repo, '--isolation', 'worktree', '--base-branch', 'release');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /--base-branch: .* has no branch "release"/);
      result = await add('--isolation', 'worktree');
      assert.match(result.stderr, /needs --cwd/);
      result = await add('--cwd', repo, '--isolation', 'sandbox');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /--isolation/);
      result = await add('--cwd', repo, '--isolation', 'worktree', '--base-branch', 'bad..name');
      assert.match(result.stderr, /--base-branch: "bad\.\.name" contains "\.\."/);
      h.db.refresh();
      assert.equal(
        h.db.read((tx) => tx.jobs.list().length),
        0,
        'nothing was saved',
      );
    });

    it("a prompt file's isolation: worktree, and an edit that moves the job out of its repository", async () => {
      const plain = path.join(fixture.dir, 'plain');
      fs.mkdirSync(plain);
      const prompt = path.join(fixture.dir, 'nightly.md');
      fs.writeFileSync(prompt, '---\nisolation: worktree\n---\nFix the flaky tests.\n');
      const refused = await run(
        'job',
        'add',
        '--name',
        'f',
        '--prompt-file',
        prompt,
        '--cron',
        '0 3 * * *',
        '--cwd',
        plain,
      );
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /the prompt file's isolation: worktree: .*not in a git repository/);
      const added = await add('--cwd', repo, '--isolation', 'worktree', '--base-branch', 'main');
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, /Isolation: +worktree \(from main\)/);
      const moved = await run('job', 'edit', 'iso', '--cwd', plain);
      assert.equal(moved.code, 2);
      assert.match(moved.stderr, /not in a git repository/);
      const off = await run('job', 'edit', 'iso', '--isolation', 'none', '--cwd', plain);
      assert.equal(off.code, 0, off.stderr);
    });
  });
});
