// The executor and scheduler with the REAL pinned Claude Code CLI; only the remote API is a fake,
// on 127.0.0.1 (test/fixtures/fakeAnthropicApi.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Run } from '../../src/core/model';
import { lastUserTexts } from '../fixtures/fakeAnthropicApi';
import { tickAndSettle, useRealClaudeHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

const MODEL = 'claude-sonnet-4-5';

describe('executor with the real Claude Code CLI against a fake API', function () {
  this.timeout(90_000);
  const fixture = useRealClaudeHarness('np-real-');
  let h: Harness;

  async function harness(
    auth: 'apiKey' | 'oauth' | 'none',
    start = '2026-11-27T10:00:00.000Z',
    settings = {},
  ) {
    h = await fixture.createReal(auth, start, settings);
    return h;
  }

  const onlyRun = (jobId: string): Run => {
    const runs = h.db.read((tx) => tx.runs.list({ jobId }));
    assert.equal(runs.length, 1, JSON.stringify(runs.map((r) => [r.status, r.error])));
    return runs[0]!;
  };

  it('records a successful run with its session, tokens and the CLI-reported cost', async () => {
    fixture.api.setScenario({ kind: 'success', inputTokens: 1111, outputTokens: 222, text: 'All done.' });
    await harness('apiKey');
    const job = await h.addJob({
      name: 'ok',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { model: MODEL, workingDirectory: fixture.dir },
    });
    await tickAndSettle(h);
    const run = onlyRun(job.id);
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.match(run.sessionId!, /^[0-9a-f-]{36}$/);
    h.db.read((tx) => {
      const [usage] = tx.usage.listByRun(run.id);
      assert.equal(usage!.model, MODEL);
      assert.deepEqual([usage!.inputTokens, usage!.outputTokens], [1111, 222]);
      assert.ok(Math.abs(usage!.costUsd - 0.006663) < 1e-9, String(usage!.costUsd));
      assert.equal(usage!.costSource, 'reported');
      const [execution] = tx.processes.listByRun(run.id);
      assert.equal(execution!.exitCode, 0);
      assert.match(execution!.outputTail!, /All done\./);
      assert.match(fs.readFileSync(execution!.logFile!, 'utf8'), /"type":"system","subtype":"init"/);
    });
  });

  it('waits out the real subscription limit and resumes the same session with --resume', async () => {
    const start = Date.parse('2026-11-27T10:00:00.000Z');
    const resetsAt = Math.floor(start / 1000) + 2 * 3600;
    fixture.api.setScenario([
      { kind: 'subscriptionLimit', resetsAt },
      { kind: 'success', inputTokens: 2000, outputTokens: 300 },
    ]);
    await harness('oauth', '2026-11-27T10:00:00.000Z', { limitMarginSeconds: 30 });
    const job = await h.addJob({
      name: 'limited',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      retry: { maxAttempts: 3 },
      options: { model: MODEL, workingDirectory: fixture.dir },
    });
    await tickAndSettle(h);
    let run = onlyRun(job.id);
    assert.equal(run.status, 'waiting_for_limit');
    assert.equal(run.resumeAt, new Date((resetsAt + 30) * 1000).toISOString());
    assert.match(run.error!, /You've hit your 5-hour limit · resets/);
    assert.equal(h.scheduler.status().hold?.until, run.resumeAt);

    h.clock.set(Date.parse(run.resumeAt!) - 1000);
    await tickAndSettle(h);
    assert.equal(onlyRun(job.id).status, 'waiting_for_limit', 'not a moment early');

    h.clock.set(Date.parse(run.resumeAt!));
    await tickAndSettle(h);
    run = onlyRun(job.id);
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.equal(run.attempt, 1, 'a limit is not a failed attempt');
    const requests = fixture.api.messageRequests();
    assert.equal(requests.length, 2);
    assert.ok(
      lastUserTexts(requests[1]!).some((t) => t.includes('Continue where you left off.')),
      'the continuation prompt went to the resumed session',
    );
    h.db.read((tx) => {
      assert.equal(tx.jobs.require(job.id).failureCount, 0);
      const usage = tx.usage.listByRun(run.id);
      assert.equal(
        usage.reduce((n, u) => n + u.outputTokens, 0),
        300,
        'only this run, not the conversation total twice',
      );
    });
  });

  it('treats an API-key 429 as a limit with an unknown reset: the fallback wait', async () => {
    fixture.api.setScenario({ kind: 'apiKeyRateLimit' });
    await harness('apiKey', '2026-11-27T10:00:00.000Z', { fallbackWaitSeconds: 900 });
    const job = await h.addJob({
      name: 'rate',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { model: MODEL },
    });
    await tickAndSettle(h);
    const run = onlyRun(job.id);
    assert.equal(run.status, 'waiting_for_limit');
    assert.equal(run.resumeAt, '2026-11-27T10:15:00.000Z');
  });

  it('fails a run that is not logged in with a clear message and does not retry it', async () => {
    await harness('none');
    const job = await h.addJob({
      name: 'no auth',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      retry: { maxAttempts: 4, baseDelaySeconds: 1 },
      options: { model: MODEL },
    });
    await tickAndSettle(h);
    h.clock.set('2026-11-27T10:05:00.000Z');
    await tickAndSettle(h);
    const run = onlyRun(job.id);
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /not logged in \(Not logged in · Please run \/login\)/i);
    assert.equal(fixture.api.messageRequests().length, 0);
  });

  it('fails on an API 5xx and retries per policy', async () => {
    fixture.api.setScenario([{ kind: 'serverError', status: 500 }, { kind: 'success' }]);
    await harness('apiKey');
    const job = await h.addJob({
      name: 'flaky api',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      retry: { maxAttempts: 2, strategy: 'fixed', baseDelaySeconds: 60 },
      options: { model: MODEL },
    });
    await tickAndSettle(h);
    h.clock.set('2026-11-27T10:01:00.000Z');
    await tickAndSettle(h);
    const runs = h.db.read((tx) => tx.runs.list({ jobId: job.id })).sort((a, b) => a.attempt - b.attempt);
    assert.deepEqual(
      runs.map((r) => [r.attempt, r.status]),
      [
        [1, 'failed'],
        [2, 'succeeded'],
      ],
    );
    assert.match(runs[0]!.error!, /API Error: 500/);
  });

  it('ends a run whose answer is slower than the job timeout', async () => {
    fixture.api.setScenario({ kind: 'slow', delayMs: 'never' });
    await harness('apiKey');
    const job = await h.addJob({
      name: 'slow',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { model: MODEL, timeoutSeconds: 2 },
    });
    await tickAndSettle(h);
    const run = onlyRun(job.id);
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /timed out after 2 s/);
  });

  it('sends a prompt with shell syntax to Claude byte for byte and runs none of it', async () => {
    const prompt =
      'Check $(touch SOMEFILE) and `touch SOMEFILE` and \'quotes\' "double"\nline two; rm -rf nothing &&\n';
    await harness('apiKey');
    const job = await h.db.write((tx) => {
      const p = tx.prompts.insert({ title: 'tricky', content: prompt });
      return tx.jobs.insert({
        name: 'tricky',
        promptId: p.id,
        cronExpression: '0 10 * * *',
        timezone: 'UTC',
        nextRunTime: '2026-11-27T10:00:00.000Z',
        options: { model: MODEL, workingDirectory: fixture.dir },
      });
    });
    await tickAndSettle(h);
    assert.equal(onlyRun(job.id).status, 'succeeded');
    assert.ok(lastUserTexts(fixture.api.messageRequests()[0]!).includes(prompt));
    assert.ok(!fs.existsSync(path.join(fixture.dir, 'SOMEFILE')));
  });
});
