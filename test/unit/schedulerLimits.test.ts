import assert from 'node:assert/strict';
import { runsOf, tickAndSettle, useHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

describe('scheduler: usage limits, retries and recovery', function () {
  this.timeout(60_000);
  const fixture = useHarness();
  let h: Harness;

  it('waits out a limit whose reset is printed in another zone, holds the queue, then resumes the session', async () => {
    // 17:00 UTC is 12:00 in Toronto (EST, UTC-5): "resets 2pm (America/Toronto)" is 19:00 UTC.
    h = await fixture.create('2026-11-27T16:59:59.000Z', { settings: { limitMarginSeconds: 60 } });
    const limited = await h.addJob({
      name: 'limited',
      cron: '0 17 * * *',
      priority: 1,
      options: {
        env: {
          FAKE_CLAUDE_MODE: 'limit',
          FAKE_CLAUDE_LIMIT_TEXT: "You've hit your limit · resets 2pm (America/Toronto)",
        },
      },
    });
    const other = await h.addJob({ name: 'other', cron: '30 17 * * *', priority: 5 });
    h.clock.set('2026-11-27T17:00:00.010Z');
    await tickAndSettle(h);
    let run = runsOf(h, limited.id)[0]!;
    assert.equal(run.status, 'waiting_for_limit');
    assert.equal(run.resumeAt, '2026-11-27T19:01:00.000Z', 'reset 14:00 Toronto + 60 s margin');
    assert.match(run.error!, /You've hit your limit/);
    const status = h.scheduler.status();
    assert.equal(status.hold?.until, '2026-11-27T19:01:00.000Z');

    // The other job's fire is claimed on time but does not start while the limit holds.
    h.clock.set('2026-11-27T17:30:00.010Z');
    await tickAndSettle(h);
    assert.deepEqual(
      runsOf(h, other.id).map((r) => r.status),
      ['queued'],
    );

    // The limit is over: the limited run resumes its session; it is not counted as a failure.
    await h.db.write((tx) =>
      tx.jobs.update(limited.id, { options: { env: { FAKE_CLAUDE_MODE: 'success' } } }),
    );
    h.clock.set('2026-11-27T19:01:00.000Z');
    await tickAndSettle(h);
    await tickAndSettle(h);
    run = runsOf(h, limited.id)[0]!;
    assert.equal(run.status, 'succeeded');
    assert.equal(run.attempt, 1);
    const calls = h.records().filter((c) => c.mode !== undefined);
    const resumed = calls[calls.length - 2]!.argv.includes('--resume')
      ? calls[calls.length - 2]!
      : calls[calls.length - 1]!;
    assert.ok(resumed.argv.includes('--resume'), JSON.stringify(calls.map((c) => c.argv)));
    assert.equal(resumed.argv[resumed.argv.indexOf('--resume') + 1], run.sessionId);
    assert.equal(resumed.stdin, 'Continue where you left off.');
    h.db.read((tx) => {
      assert.equal(tx.jobs.require(limited.id).failureCount, 0);
      assert.deepEqual(
        tx.processes.listByRun(run.id).map((p) => [p.processType, p.status]),
        [
          ['execution', 'failed'],
          ['execution', 'completed'],
        ],
      );
    });
    assert.deepEqual(
      runsOf(h, other.id).map((r) => r.status),
      ['succeeded'],
    );
  });

  it('with an unknown reset time waits the fallback, and restarts when resume is turned off', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z', {
      settings: { fallbackWaitSeconds: 600, resumeSession: false },
    });
    const job = await h.addJob({
      name: 'stderr-limit',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: {
        env: { FAKE_CLAUDE_MODE: 'limit-stderr', FAKE_CLAUDE_LIMIT_TEXT: 'Claude usage limit reached.' },
      },
    });
    await tickAndSettle(h);
    let run = runsOf(h, job.id)[0]!;
    assert.equal(run.status, 'waiting_for_limit');
    assert.equal(run.resumeAt, '2026-11-27T10:10:00.000Z');
    await h.db.write((tx) => tx.jobs.update(job.id, { options: { env: { FAKE_CLAUDE_MODE: 'success' } } }));
    h.clock.set('2026-11-27T10:10:00.001Z');
    await tickAndSettle(h);
    run = runsOf(h, job.id)[0]!;
    assert.equal(run.status, 'succeeded');
    const last = h.records().pop()!;
    assert.ok(!last.argv.includes('--resume'));
    assert.equal(last.stdin, 'Prompt for stderr-limit');
  });

  it('retries a failed run with backoff and visible attempt numbers', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'crashy',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      retry: {
        maxAttempts: 3,
        strategy: 'exponential',
        baseDelaySeconds: 30,
        multiplier: 2,
        maxDelaySeconds: 3600,
      },
      options: { env: { FAKE_CLAUDE_MODE: 'crash' } },
    });
    await tickAndSettle(h);
    let runs = runsOf(h, job.id);
    assert.deepEqual(
      runs.map((r) => [r.attempt, r.trigger, r.status]),
      [
        [1, 'schedule', 'failed'],
        [2, 'retry', 'queued'],
      ],
    );
    assert.match(runs[0]!.error!, /Claude exited with code 3/);
    assert.equal(runs[1]!.resumeAt, '2026-11-27T10:00:30.000Z');
    h.clock.set('2026-11-27T10:00:29.000Z');
    await tickAndSettle(h);
    assert.equal(runsOf(h, job.id)[1]!.status, 'queued', 'not before its delay');
    h.clock.set('2026-11-27T10:00:30.000Z');
    await tickAndSettle(h);
    runs = runsOf(h, job.id);
    assert.equal(runs[2]!.resumeAt, '2026-11-27T10:01:30.000Z', 'exponential: 60 s after the second failure');
    h.clock.set('2026-11-27T10:01:30.000Z');
    await tickAndSettle(h);
    runs = runsOf(h, job.id);
    assert.deepEqual(
      runs.map((r) => [r.attempt, r.status]),
      [
        [1, 'failed'],
        [2, 'failed'],
        [3, 'failed'],
      ],
    );
    assert.equal(
      h.db.read((tx) => tx.jobs.require(job.id).failureCount),
      3,
    );
  });

  it('marks a run whose owner died as failed and retries it', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'orphaned',
      cron: '0 11 * * *',
      retry: { maxAttempts: 2, baseDelaySeconds: 1 },
    });
    const { spawn } = await import('node:child_process');
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('close', r));
    const os = await import('node:os');
    await h.db.write((tx) => {
      const run = tx.runs.claim({
        jobId: job.id,
        trigger: 'schedule',
        scheduledFor: '2026-11-27T09:00:00.000Z',
        status: 'running',
        owner: `${os.hostname()}:${dead.pid}:dead`,
        heartbeatAt: '2026-11-27T09:59:59.000Z',
        startedAt: '2026-11-27T09:00:00.000Z',
      })!;
      tx.processes.insert({ runId: run.id, jobId: job.id, processType: 'execution', status: 'running' });
    });
    await tickAndSettle(h);
    h.clock.set('2026-11-27T10:00:01.000Z');
    await tickAndSettle(h);
    const runs = runsOf(h, job.id);
    assert.deepEqual(
      runs.map((r) => [r.attempt, r.trigger, r.status]),
      [
        [1, 'schedule', 'failed'],
        [2, 'retry', 'succeeded'],
      ],
    );
    assert.match(runs[0]!.error!, /stopped without finishing/);
    assert.equal(
      h.db.read((tx) => tx.processes.listByRun(runs[0]!.id)[0]!.status),
      'failed',
    );
  });

  it('does not retry a run that failed because Claude is not logged in', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'no-auth',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      retry: { maxAttempts: 5 },
      options: {
        // The fake's `limit` mode prints any text as an error result: here the real CLI's wording.
        env: { FAKE_CLAUDE_MODE: 'limit', FAKE_CLAUDE_LIMIT_TEXT: 'Not logged in · Please run /login' },
      },
    });
    await tickAndSettle(h);
    const runs = runsOf(h, job.id);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.status, 'failed');
    assert.match(runs[0]!.error!, /not logged in.*\/login/i);
  });
});
