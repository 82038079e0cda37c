// Budgets and smart start: a per-run budget passed to the real Claude Code CLI, daily and monthly
// budgets per job and over all jobs, and smart start on the active 5-hour block. A held run waits
// queued, says why, and starts when the period (or the block) ends.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { writeBudgets } from '../../src/scheduler/budgetState';
import type { SmartStartSettings } from '../../src/scheduler/startGate';
import { CLAUDE_BIN, claudeTestEnv } from '../fixtures/claudeEnv';
import { startFakeAnthropicApi } from '../fixtures/fakeAnthropicApi';
import type { Harness } from './schedulerHarness';
import { runsOf, tickAndSettle, useHarness } from './schedulerHarness';

const START = '2026-11-27T10:00:00.000Z';

/** Records what a job already spent, as a run's usage would. */
function spend(h: Harness, jobId: string, usd: number, at = START): Promise<unknown> {
  return h.db.write((tx) =>
    tx.usage.insert({
      runId: null,
      jobId,
      sessionId: null,
      model: 'claude-sonnet-4-5',
      inputTokens: 1,
      outputTokens: 1,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
      costUsd: usd,
      costSource: 'reported',
      recordedAt: at,
    }),
  );
}

describe('budgets and smart start', function () {
  this.timeout(60_000);
  const fixture = useHarness('np-budget-');

  it('stops a run at its per-run budget with the real CLI (--max-budget-usd) and does not retry it', async () => {
    const api = await startFakeAnthropicApi({
      scenario: [
        {
          kind: 'toolUse',
          name: 'Bash',
          input: { command: 'true' },
          inputTokens: 100_000,
          outputTokens: 1000,
        },
        { kind: 'success' },
      ],
    });
    try {
      const home = path.join(fixture.dir, 'home');
      fs.mkdirSync(home, { recursive: true });
      const h = await fixture.create(START, {
        claude: { path: CLAUDE_BIN, env: claudeTestEnv(api, { auth: 'apiKey', home }) },
      });
      const job = await h.addJob({
        name: 'capped',
        cron: '0 10 * * *',
        nextRunTime: START,
        options: {
          model: 'claude-sonnet-4-5',
          workingDirectory: fixture.dir,
          maxBudgetUsd: 0.05,
          allowedTools: ['Bash'],
        },
        retry: { maxAttempts: 3 },
      });
      await tickAndSettle(h);
      const runs = runsOf(h, job.id);
      assert.equal(runs.length, 1, 'no retry of a run stopped by its budget');
      assert.equal(runs[0]!.status, 'failed');
      assert.match(
        runs[0]!.error!,
        /per-run budget of \$0\.05 \(Reached maximum budget \(\$0\.05\)\); spent \$0\.32/,
      );
      // What it spent is recorded all the same.
      const usage = h.db.read((tx) => tx.usage.listByRun(runs[0]!.id));
      assert.ok(Math.abs(usage[0]!.costUsd - 0.315) < 1e-9);
    } finally {
      await api.close();
    }
  });

  it('holds a job whose daily budget is spent until the next local day, and not the other jobs', async () => {
    const h = await fixture.create(START, {
      gateContext: async () => ({ timeZone: 'Europe/Berlin', smartStart: NO_SMART, block: null }),
    });
    const capped = await h.addJob({
      name: 'capped',
      cron: '0 10 * * *',
      nextRunTime: START,
      options: { dailyBudgetUsd: 5 },
    });
    const free = await h.addJob({ name: 'free', cron: '0 10 * * *', nextRunTime: START });
    await spend(h, capped.id, 5.2);
    // Concurrency 1: whichever run the queue takes first, the next tick looks at the other.
    await tickAndSettle(h);
    await tickAndSettle(h);
    const [held] = runsOf(h, capped.id);
    assert.equal(held!.status, 'queued');
    assert.equal(held!.waitReason, "Waiting: the job's daily budget of $5.00 is spent ($5.20 today).");
    // Midnight in Berlin.
    assert.equal(held!.resumeAt, '2026-11-27T23:00:00.000Z');
    assert.equal(runsOf(h, free.id)[0]!.status, 'succeeded', 'another job is not held');

    h.clock.set(Date.parse('2026-11-27T22:59:00.000Z'));
    await tickAndSettle(h);
    assert.equal(runsOf(h, capped.id)[0]!.status, 'queued');
    h.clock.set(Date.parse('2026-11-27T23:00:00.000Z'));
    await tickAndSettle(h);
    const [released] = runsOf(h, capped.id);
    assert.equal(released!.status, 'succeeded', released!.error ?? '');
    assert.equal(released!.waitReason, null, 'the reason is cleared once it starts');
  });

  it('holds every job when the overall monthly budget is spent, until the first of the next month', async () => {
    const h = await fixture.create(START, {
      gateContext: async () => ({ timeZone: 'UTC', smartStart: NO_SMART, block: null }),
    });
    const a = await h.addJob({ name: 'a', cron: '0 10 * * *', nextRunTime: START });
    const b = await h.addJob({ name: 'b', cron: '0 10 * * *', nextRunTime: START });
    await h.db.write((tx) => writeBudgets(tx, { dailyUsd: null, monthlyUsd: 20 }));
    // Spent earlier this month by a run that retention already rolled up counts too.
    await spend(h, a.id, 12, '2026-11-03T08:00:00.000Z');
    await h.db.write((tx) =>
      tx.sql.run(
        `INSERT INTO usage_daily (day, job_id, job_name, model, cost_usd, runs) VALUES ('2026-11-02', ?, 'b', 'claude-sonnet-4-5', 8.5, 1)`,
        [b.id],
      ),
    );
    await tickAndSettle(h);
    for (const job of [a, b]) {
      const [run] = runsOf(h, job.id);
      assert.equal(run!.status, 'queued');
      assert.equal(run!.resumeAt, '2026-12-01T00:00:00.000Z');
      assert.match(
        run!.waitReason!,
        /monthly budget of \$20\.00 over all jobs is spent \(\$20\.50 this month\)/,
      );
    }
    h.clock.set(Date.parse('2026-12-01T00:00:00.000Z'));
    await tickAndSettle(h);
    await tickAndSettle(h);
    assert.deepEqual(
      [a, b].map((j) => runsOf(h, j.id)[0]!.status),
      ['succeeded', 'succeeded'],
    );
  });

  it('smart start: waits for the block to reset when too few minutes remain or the projection is too high', async () => {
    let smart: SmartStartSettings = { maxProjectedCostUsd: null, minMinutesBeforeReset: 30 };
    const block = { endTime: '2026-11-27T10:20:00.000Z', costUsd: 6, projectedCostUsd: 12 };
    const h = await fixture.create(START, {
      gateContext: async (now) => ({
        timeZone: 'UTC',
        smartStart: smart,
        block: now.getTime() < Date.parse(block.endTime) ? block : null,
      }),
    });
    const job = await h.addJob({ name: 'nightly', cron: '0 10 * * *', nextRunTime: START });
    await tickAndSettle(h);
    let [run] = runsOf(h, job.id);
    assert.equal(run!.status, 'queued');
    assert.equal(run!.resumeAt, block.endTime);
    assert.equal(
      run!.waitReason,
      'Waiting: smart start: only 20 min remain before the 5-hour block resets (at least 30 wanted).',
    );

    smart = { maxProjectedCostUsd: 10, minMinutesBeforeReset: null };
    h.clock.set(Date.parse('2026-11-27T10:20:00.000Z') - 1);
    await h.db.write((tx) => tx.runs.update(run!.id, { resumeAt: null }));
    await tickAndSettle(h);
    [run] = runsOf(h, job.id);
    assert.equal(
      run!.waitReason,
      'Waiting: smart start: the 5-hour block is projected at $12.00, above $10.00.',
    );

    h.clock.set(Date.parse(block.endTime));
    await tickAndSettle(h);
    [run] = runsOf(h, job.id);
    assert.equal(run!.status, 'succeeded');
  });

  it('Run Now waiting for a usage limit does not run it a second time when the scheduler resumed it first', async () => {
    const h = await fixture.create('2026-11-27T17:00:00.000Z');
    const job = await h.addJob({
      name: 'limited',
      cron: '0 3 * * *',
      nextRunTime: null,
      options: {
        env: {
          FAKE_CLAUDE_MODE: 'limit',
          FAKE_CLAUDE_LIMIT_TEXT: "You've hit your limit · resets 6pm (UTC)",
        },
      },
    });
    const done = h.scheduler.runNow(job.id, new AbortController().signal);
    for (let i = 0; i < 200 && runsOf(h, job.id)[0]?.status !== 'waiting_for_limit'; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const [waiting] = runsOf(h, job.id);
    assert.equal(waiting!.status, 'waiting_for_limit');
    assert.equal(waiting!.resumeAt, '2026-11-27T18:01:00.000Z');
    // The limit is over; the resumed turn takes a moment.
    await h.db.write((tx) =>
      tx.jobs.update(job.id, {
        options: { env: { FAKE_CLAUDE_MODE: 'success', FAKE_CLAUDE_DELAY_MS: '1500' } },
      }),
    );
    h.clock.set(waiting!.resumeAt!);
    // The scheduler's own tick resumes the run first...
    await h.scheduler.tick();
    assert.equal(runsOf(h, job.id)[0]!.status, 'running');
    // ...then Run Now wakes up from its wait while that run is going: it must follow it, not run it.
    h.clock.advance(1000);
    const result = await done;
    assert.equal(result.kind, 'ended');
    const { run } = result;
    await h.scheduler.idle();
    assert.equal(run.status, 'succeeded');
    const executions = h.db
      .read((tx) => tx.processes.listByRun(run.id))
      .filter((p) => p.processType === 'execution');
    assert.equal(executions.length, 2, 'the limited attempt and one resumed turn');
    assert.equal(h.records().filter((c) => c.argv.includes('--resume')).length, 1);
  });

  it('Run Now with the budget spent waits with the reason, and can be cancelled while it waits', async () => {
    const h = await fixture.create(START, {
      gateContext: async () => ({ timeZone: 'UTC', smartStart: NO_SMART, block: null }),
    });
    const job = await h.addJob({
      name: 'capped',
      cron: '0 10 * * *',
      nextRunTime: null,
      options: { dailyBudgetUsd: 1 },
    });
    await spend(h, job.id, 1);
    const abort = new AbortController();
    const done = h.scheduler.runNow(job.id, abort.signal);
    for (let i = 0; i < 100 && runsOf(h, job.id)[0]?.waitReason == null; i++)
      await new Promise((r) => setTimeout(r, 20));
    const [waiting] = runsOf(h, job.id);
    assert.equal(waiting!.status, 'queued');
    assert.match(waiting!.waitReason!, /daily budget of \$1\.00 is spent/);
    abort.abort();
    const result = await done;
    assert.equal(result.kind, 'ended');
    assert.equal(result.run.status, 'cancelled');
  });
});

const NO_SMART: SmartStartSettings = { maxProjectedCostUsd: null, minMinutesBeforeReset: null };
