// Failures reach the log as warnings or errors, never as information: the extension writes each
// line the scheduler and the executor report at the level they give (services/logger.ts).
import assert from 'node:assert/strict';
import { tickAndSettle, useHarness } from './schedulerHarness';

describe('log levels of the scheduler and the executor', function () {
  this.timeout(30_000);
  const fixture = useHarness('np-log-');

  it('reports lines Claude printed that are not stream-json as warnings', async () => {
    const h = await fixture.create('2026-11-27T10:00:00.000Z', { env: { FAKE_CLAUDE_MODE: 'garbage' } });
    await h.addJob({ name: 'garbled', cron: '0 10 * * *', nextRunTime: '2026-11-27T10:00:00.000Z' });
    await tickAndSettle(h);
    const diagnostics = h.log.filter((l) => /non-JSON line on Claude's stdout/.test(l));
    assert.ok(diagnostics.length > 0, h.log.join('\n'));
    for (const line of diagnostics) assert.match(line, /^\[warn\] run /);
  });

  it('reports a recovered run of a dead owner as a warning', async () => {
    const h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({ name: 'orphaned', cron: '0 12 * * *', status: 'paused' });
    await h.db.write((tx) => {
      const run = tx.runs.claim({
        jobId: job.id,
        trigger: 'schedule',
        scheduledFor: '2026-11-27T09:00:00.000Z',
      })!;
      // An owner on this host whose process does not exist.
      tx.runs.update(run.id, {
        status: 'running',
        owner: 'localhost:999999:dead:0',
        startedAt: '2026-11-27T09:00:00.000Z',
      });
    });
    await tickAndSettle(h);
    assert.ok(
      h.log.some((l) => /^\[warn\] scheduler: recovering run /.test(l)),
      h.log.join('\n'),
    );
  });
});
