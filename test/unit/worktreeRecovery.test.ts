// A worktree run whose process is killed with SIGKILL: the next scheduler stops what it left
// running, fails the run, and settles its worktree as docs/architecture.md says: what the run had
// changed is committed on its branch for review; a worktree still being made is removed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createScheduler } from '../../src/scheduler/createScheduler';
import { NightPilotDatabase } from '../../src/storage/database';
import { runWorktreePath } from '../../src/storage/paths';
import { FAKE_CLAUDE, isAlive, startCli, useCliBundle, waitFor, waitForGrandchildPid } from './cliBundle';
import { TempDirs, cli } from './cliHarness';
import { GIT_TEST_ENV, gitIn, makeRepo, nightPilotBranches, treeSnapshot } from './gitRepos';

const temp = new TempDirs();

describe('worktree runs after kill -9 (real processes, real git)', function () {
  this.timeout(90_000);
  const bundle = useCliBundle(temp);
  after(() => temp.cleanup());

  /** The next scheduler (here, in this process) looks once and finishes what it started; its log. */
  async function nextSchedulerTick(database: NightPilotDatabase): Promise<string[]> {
    const log: string[] = [];
    const next = createScheduler({
      db: database,
      settings: { killGraceMs: 300, claudePath: FAKE_CLAUDE },
      env: { ...process.env, ...GIT_TEST_ENV, FAKE_CLAUDE_MODE: 'success' },
      log: (m) => log.push(m),
    });
    try {
      await next.tick();
      await next.idle();
    } finally {
      await next.stop();
    }
    return log;
  }

  it('commits what the killed run had changed on its branch, for review, and stops its Claude', async () => {
    const dir = temp.make('np-wt-crash-');
    const repo = makeRepo(path.join(dir, 'repo'));
    const db = path.join(dir, 'night-pilot.db');
    const pidFile = path.join(dir, 'grandchild.pid');
    const added = await cli(
      [
        '--db',
        db,
        '--json',
        'job',
        'add',
        '--name',
        'Crash Test',
        '--prompt',
        'Hi',
        '--cron',
        '0 3 * * *',
        '--tz',
        'UTC',
        '--cwd',
        repo,
        '--isolation',
        'worktree',
        '--setup',
        "printf 'partial\\n' > partial.txt",
        '--env',
        'FAKE_CLAUDE_MODE=hang',
        '--env',
        `FAKE_CLAUDE_PID_FILE=${pidFile}`,
      ],
      { env: { PATH: process.env.PATH, ...GIT_TEST_ENV }, cwd: dir },
    );
    assert.equal(added.code, 0, added.stderr);
    const jobId = (JSON.parse(added.stdout) as { id: string }).id;
    const before = treeSnapshot(repo);

    const owner = startCli(
      bundle(),
      ['--db', db, '--claude', FAKE_CLAUDE, 'job', 'run', 'Crash Test'],
      dir,
      GIT_TEST_ENV,
    );
    const grandchild = await waitForGrandchildPid(pidFile).catch((err: Error) => {
      throw new Error(`${err.message}; the CLI said:\n${owner.stderr()}`);
    });
    const database = await NightPilotDatabase.open(db);
    try {
      const run = await waitFor('the run to be running in its worktree', () => {
        database.refresh();
        return database.read((tx) => {
          const r = tx.runs.list({ jobId, statuses: ['running'] })[0];
          return r !== undefined && tx.worktrees.get(r.id)?.state === 'active' ? r : undefined;
        });
      });
      await new Promise((r) => setTimeout(r, 300)); // Claude's process group is recorded just after the spawn
      process.kill(owner.pid, 'SIGKILL');
      await owner.exited;
      const worktree = runWorktreePath(db, run.id);
      assert.equal(fs.readFileSync(path.join(worktree, 'partial.txt'), 'utf8'), 'partial\n');
      assert.ok(isAlive(grandchild), "Claude's child outlived its owner");

      const log = await nextSchedulerTick(database);
      assert.equal(isAlive(grandchild), false, 'what the killed run left running was stopped');
      const failed = database.read((tx) => tx.runs.require(run.id));
      assert.equal(failed.status, 'failed');
      assert.match(failed.error!, /stopped without finishing it/);
      const row = database.read((tx) => tx.worktrees.require(run.id));
      assert.equal(row.state, 'review', `${row.detail}\n${log.join('\n')}`);
      assert.match(row.detail!, /stopped before it finished.*committed on its branch for review/);
      assert.equal(row.owner, null);
      assert.deepEqual(row.stats, { commitCount: 1, filesChanged: 1, insertions: 1, deletions: 0 });
      assert.equal(gitIn(repo, 'show', `${row.branch}:partial.txt`), 'partial');
      assert.match(
        gitIn(repo, 'log', '-1', '--format=%s', row.branch),
        /^Night Pilot: Crash Test .* \(interrupted\)$/,
      );
      assert.deepEqual(treeSnapshot(repo), before, "the user's working tree is untouched");
    } finally {
      database.close();
    }
  });

  it('removes a worktree whose owner died while making it, and its branch', async () => {
    const dir = temp.make('np-wt-creating-');
    const repo = makeRepo(path.join(dir, 'repo'));
    const db = path.join(dir, 'night-pilot.db');
    const database = await NightPilotDatabase.open(db);
    try {
      const runId = await database.write((tx) => {
        const prompt = tx.prompts.insert({ title: 'p', content: 'Hi' });
        const job = tx.jobs.insert({
          name: 'half',
          promptId: prompt.id,
          cronExpression: '0 3 * * *',
          timezone: 'UTC',
        });
        const run = tx.runs.claim({
          jobId: job.id,
          trigger: 'manual',
          scheduledFor: new Date().toISOString(),
          status: 'queued',
        })!;
        tx.runs.update(run.id, { status: 'failed', endedAt: new Date().toISOString() });
        tx.worktrees.insert({
          runId: run.id,
          jobId: job.id,
          jobName: job.name,
          repository: repo,
          path: runWorktreePath(db, run.id),
          subfolder: '',
          branch: 'night-pilot/half/20261127-0300',
          baseBranch: 'main',
          baseCommit: gitIn(repo, 'rev-parse', 'main'),
          state: 'creating',
          // A process of this host that is gone.
          owner: `${os.hostname()}:999999:dead`,
        });
        return run.id;
      });
      // As if git had made the worktree just before its owner was killed.
      gitIn(
        repo,
        'worktree',
        'add',
        '--quiet',
        '-b',
        'night-pilot/half/20261127-0300',
        runWorktreePath(db, runId),
        'main',
      );
      const log = await nextSchedulerTick(database);
      const row = database.read((tx) => tx.worktrees.require(runId));
      assert.equal(row.state, 'no_changes', log.join('\n'));
      assert.match(row.detail!, /stopped while its worktree was being made/);
      assert.equal(fs.existsSync(runWorktreePath(db, runId)), false);
      assert.deepEqual(nightPilotBranches(repo), []);
      assert.equal(gitIn(repo, 'worktree', 'list', '--porcelain').split('\n\n').length, 1);
    } finally {
      database.close();
    }
  });
});
