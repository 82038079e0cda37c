// Transcripts written by the REAL pinned Claude Code CLI (against the fake Messages API, in a
// throwaway HOME) are read by the usage reports and attributed to the Night Pilot job whose run
// used that session.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { JobUsageRow } from '../../src/usage/jobUsage';
import type { SessionRow } from '../../src/usage/reports';
import { CLAUDE_BIN, claudeTestEnv } from '../fixtures/claudeEnv';
import { startFakeAnthropicApi } from '../fixtures/fakeAnthropicApi';
import type { FakeApi } from '../fixtures/fakeAnthropicApi';
import { cli } from './cliHarness';
import { tickAndSettle, useHarness } from './schedulerHarness';

describe('usage: transcripts of the real Claude Code CLI, attributed to jobs by session id', function () {
  this.timeout(120_000);
  const fixture = useHarness('np-usage-real-');
  let api: FakeApi;

  beforeEach(async () => {
    api = await startFakeAnthropicApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it('reports each job with its runs, their sessions and the transcripts tokens and cost', async () => {
    const home = path.join(fixture.dir, 'home');
    const [folderA, folderB] = [path.join(fixture.dir, 'repo-a'), path.join(fixture.dir, 'repo-b')];
    for (const d of [home, folderA, folderB]) fs.mkdirSync(d, { recursive: true });
    const h = await fixture.create('2026-11-27T10:00:00.000Z', {
      claude: { path: CLAUDE_BIN, env: claudeTestEnv(api, { auth: 'apiKey', home }) },
      settings: { concurrency: 1 },
    });
    // Each job's requests get their own token counts, so a mix-up would show.
    api.setScenario((request) => {
      const model = (request.body as { model?: string }).model ?? '';
      return model.includes('haiku')
        ? { kind: 'success', inputTokens: 3000, outputTokens: 500, cacheReadTokens: 10_000 }
        : { kind: 'success', inputTokens: 1111, outputTokens: 222 };
    });
    const jobA = await h.addJob({
      name: 'review A',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { model: 'claude-sonnet-4-5', workingDirectory: folderA },
    });
    const jobB = await h.addJob({
      name: 'review B',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { model: 'claude-haiku-4-5', workingDirectory: folderB },
    });
    await tickAndSettle(h);
    await tickAndSettle(h);
    const runOf = (jobId: string) => {
      const runs = h.db.read((tx) => tx.runs.list({ jobId }));
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.status, 'succeeded', runs[0]!.error ?? '');
      return runs[0]!;
    };
    const [runA, runB] = [runOf(jobA.id), runOf(jobB.id)];
    assert.notEqual(runA.sessionId, runB.sessionId);

    const args = [
      '--json',
      '--transcripts',
      path.join(home, '.claude'),
      '--db',
      h.db.path,
      '--timezone',
      'UTC',
    ];
    const sessions = JSON.parse((await cli(['usage', 'session', ...args])).stdout) as {
      sessions: SessionRow[];
    };
    const sessionA = sessions.sessions.find((s) => s.sessionId === runA.sessionId)!;
    const sessionB = sessions.sessions.find((s) => s.sessionId === runB.sessionId)!;
    assert.ok(
      sessionA && sessionB,
      `both sessions are in the transcripts: ${JSON.stringify(sessions.sessions)}`,
    );
    assert.deepEqual([sessionA.inputTokens, sessionA.outputTokens], [1111, 222]);
    assert.deepEqual(sessionA.modelsUsed, ['claude-sonnet-4-5']);
    assert.deepEqual(
      [sessionB.inputTokens, sessionB.outputTokens, sessionB.cacheReadTokens],
      [3000, 500, 10_000],
    );
    // The project is the run's working folder, as Claude Code names its folder.
    assert.equal(sessionA.projectPath, folderA.replace(/[/.]/g, '-'));

    const result = await cli(['usage', 'jobs', ...args]);
    assert.equal(result.code, 0, result.stderr);
    const { jobs } = JSON.parse(result.stdout) as { jobs: JobUsageRow[] };
    const rowA = jobs.find((j) => j.jobId === jobA.id)!;
    const rowB = jobs.find((j) => j.jobId === jobB.id)!;
    assert.equal(rowA.jobName, 'review A');
    assert.equal(rowA.runs, 1);
    assert.equal(rowA.runDetails[0]!.sessionId, runA.sessionId);
    assert.equal(rowA.runDetails[0]!.transcriptTokens, 1111 + 222);
    // What the run recorded from Claude's result (0.006663) and what its transcript costs agree.
    assert.ok(Math.abs(rowA.totalCost - 0.006663) < 1e-9, String(rowA.totalCost));
    assert.ok(Math.abs(rowA.transcriptCost - 0.006663) < 1e-9, String(rowA.transcriptCost));
    assert.equal(rowB.runDetails[0]!.sessionId, runB.sessionId);
    assert.equal(rowB.runDetails[0]!.transcriptTokens, 3000 + 500 + 10_000);
    assert.ok(
      Math.abs(rowB.transcriptCost - (3000 * 1 + 500 * 5 + 10_000 * 0.1) / 1e6) < 1e-9,
      JSON.stringify(rowB),
    );
  });
});
