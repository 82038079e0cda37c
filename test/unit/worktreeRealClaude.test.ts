// A worktree run end to end with the REAL pinned Claude Code CLI: the fake Messages API answers
// with a `Write` tool use, the real CLI writes the file in the run's worktree, and Night Pilot
// commits it on the run's branch, records the stats and shows the diff; the user's tree is untouched.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_EXECUTION_OPTIONS } from '../../src/core/model';
import { buildClaudeArgs } from '../../src/scheduler/claudeArgs';
import { CLAUDE_BIN, claudeTestEnv } from '../fixtures/claudeEnv';
import { startFakeAnthropicApi, workingDirectoryOf, writeFileTurns } from '../fixtures/fakeAnthropicApi';
import type { FakeApi } from '../fixtures/fakeAnthropicApi';
import { cli } from './cliHarness';
import { GIT_TEST_ENV, gitIn, makeRepo, treeSnapshot } from './gitRepos';
import { runsOf, tickAndSettle, useHarness } from './schedulerHarness';

const FIRE = '2026-11-27T02:00:00.000Z';

describe('a worktree run with the real Claude Code CLI (fake API, real git)', function () {
  this.timeout(90_000);
  const fixture = useHarness('np-wt-real-');
  let api: FakeApi;

  beforeEach(async () => {
    api = await startFakeAnthropicApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it("Claude's Write lands in the worktree, is committed on the run's branch, and the diff shows it", async () => {
    const repo = makeRepo(path.join(fixture.dir, 'repo'));
    const home = path.join(fixture.dir, 'home');
    fs.mkdirSync(home, { recursive: true });
    const h = await fixture.create(FIRE, {
      claude: { path: CLAUDE_BIN, env: { ...claudeTestEnv(api, { auth: 'apiKey', home }), ...GIT_TEST_ENV } },
    });
    api.setScenario(
      writeFileTurns('notes/overnight.md', '# Overnight\n\nAll tests green.\n', 'Wrote the notes.'),
    );
    const job = await h.addJob({
      name: 'Overnight Notes',
      cron: '0 2 * * *',
      nextRunTime: FIRE,
      options: {
        model: 'claude-sonnet-4-5',
        workingDirectory: repo,
        isolation: 'worktree',
        permissionMode: 'acceptEdits',
      },
    } as Parameters<typeof h.addJob>[0]);
    const before = treeSnapshot(repo);
    await tickAndSettle(h);

    const [run] = runsOf(h, job.id);
    assert.equal(run!.status, 'succeeded', run!.error ?? '');
    const row = h.db.read((tx) => tx.worktrees.require(run!.id));
    assert.equal(row.state, 'review', row.detail ?? '');
    assert.equal(row.branch, 'night-pilot/overnight-notes/20261127-0200');
    assert.deepEqual(row.stats, { commitCount: 1, filesChanged: 1, insertions: 3, deletions: 0 });
    assert.equal(gitIn(repo, 'show', `${row.branch}:notes/overnight.md`), '# Overnight\n\nAll tests green.');
    // The real CLI worked in the worktree: it told the model so, and its init event says so.
    const [first] = api.messageRequests();
    assert.equal(fs.realpathSync(workingDirectoryOf(first!)!), fs.realpathSync(row.path));
    const execution = h.db.read((tx) =>
      tx.processes.listByRun(run!.id).find((p) => p.processType === 'execution'),
    )!;
    const init = fs
      .readFileSync(execution.logFile!, 'utf8')
      .split('\n')
      .map((l) => {
        try {
          return JSON.parse(l) as { type?: string; subtype?: string; cwd?: string };
        } catch {
          return {};
        }
      })
      .find((e) => e.type === 'system' && e.subtype === 'init');
    assert.equal(fs.realpathSync(init!.cwd!), fs.realpathSync(row.path));
    assert.deepEqual(treeSnapshot(repo), before, "the user's working tree is untouched");

    const diff = await cli(['--db', h.db.path, 'run', 'diff', run!.id], {
      env: { PATH: process.env.PATH, ...GIT_TEST_ENV },
    });
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^\+All tests green\.$/m);
  });

  it("never passes the Claude CLI's own -w/--worktree: Night Pilot owns the worktree", () => {
    const args = buildClaudeArgs(
      { ...DEFAULT_EXECUTION_OPTIONS, isolation: 'worktree', workingDirectory: '/tmp/x' },
      { promptViaStdin: true },
    );
    assert.ok(!args.includes('-w') && !args.includes('--worktree'), args.join(' '));
  });
});
