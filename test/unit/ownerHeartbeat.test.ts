// Heartbeats left the database: a running run's owner touches its heartbeat file (its time is the
// heartbeat), so a long run writes nothing to the database between its phases, and an owner on
// another host is judged by that file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ABANDONED_HEARTBEAT } from '../../src/scheduler/owner';
import { logPathOf } from '../../src/storage/pageLog';
import { waitFor } from './cliBundle';
import type { Harness } from './schedulerHarness';
import { runsOf, useHarness } from './schedulerHarness';

/** Bytes the database's files hold: what a write of the database would grow. */
function databaseBytes(h: Harness): number {
  const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
  return size(h.db.path) + size(logPathOf(h.db.path));
}

describe('owner heartbeats: a file beside the database, not a write of it', function () {
  this.timeout(60_000);
  const fixture = useHarness('np-heartbeat-');

  it('beats while Claude runs without writing the database, and forgets the file when stopped', async () => {
    const h = await fixture.create('2026-11-27T10:00:00.000Z', { settings: { heartbeatMs: 50 } });
    const job = await h.addJob({
      name: 'long',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { env: { FAKE_CLAUDE_DELAY_MS: '1500' } },
    });
    await h.scheduler.tick();
    const file = h.db.heartbeats.fileOf(h.scheduler.owner);
    // Claude is running: the execution phase is recorded (its process group too).
    await waitFor('Claude to run', () =>
      h.db.read((tx) => tx.processes.listByRun(runsOf(h, job.id)[0]!.id)).find((p) => p.pgid !== null),
    );
    const bytes = databaseBytes(h);
    const beats: number[] = [];
    for (let i = 0; i < 8; i++) {
      h.clock.set(Date.parse('2026-11-27T10:00:00.000Z') + (i + 1) * 15_000);
      await new Promise((r) => setTimeout(r, 60));
      beats.push(fs.statSync(file).mtimeMs);
    }
    assert.equal(databaseBytes(h), bytes, 'no heartbeat was written to the database');
    assert.ok(
      beats.filter((t, i) => i > 0 && t > beats[i - 1]!).length >= 4,
      `the heartbeat file's time moved with the clock: ${beats.map((t) => new Date(t).toISOString()).join(', ')}`,
    );
    assert.equal(fs.readFileSync(file, 'utf8').trim(), h.scheduler.owner, 'the file says whose it is');
    await h.scheduler.idle();
    assert.equal(runsOf(h, job.id)[0]!.status, 'succeeded');
    await h.scheduler.stop();
    assert.equal(fs.existsSync(file), false, 'a stopped scheduler leaves no heartbeat behind');
  });

  it("recovers another host's run once its heartbeat file is stale, not while it beats", async () => {
    const h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'remote',
      cron: '0 3 * * *',
      retry: { maxAttempts: 2, baseDelaySeconds: 1 },
    });
    const owner = 'another-host.example:4242:beef:boot-1';
    const run = await h.db.write((tx) =>
      tx.runs.claim({
        jobId: job.id,
        trigger: 'manual',
        scheduledFor: '2026-11-27T09:00:00.000Z',
        status: 'running',
        owner,
        startedAt: '2026-11-27T09:00:00.000Z',
        heartbeatAt: '2026-11-27T09:00:00.000Z',
      })!,
    );
    // An hour after it started, its owner still beats (10 s ago).
    h.db.heartbeats.beat(owner, new Date('2026-11-27T09:59:50.000Z'));
    await h.scheduler.tick();
    assert.equal(
      runsOf(h, job.id).find((r) => r.id === run.id)!.status,
      'running',
      'a live remote owner keeps its run',
    );

    // It stopped beating: 90 s later it is gone.
    h.clock.set('2026-11-27T10:01:30.000Z');
    await h.scheduler.tick();
    await h.scheduler.idle();
    const ended = runsOf(h, job.id).find((r) => r.id === run.id)!;
    assert.equal(ended.status, 'failed');
    assert.match(ended.error!, /another-host\.example:4242.*stopped without finishing/);
  });

  it('recovers at once a run whose owner gave up on it, however fresh its heartbeat file', async () => {
    const h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({ name: 'given up', cron: '0 3 * * *' });
    const owner = 'another-host.example:4243:cafe:boot-1';
    // Closing, it asked for its run to be cancelled, and its cleanup did not end in time.
    await h.db.write((tx) => {
      const run = tx.runs.claim({
        jobId: job.id,
        trigger: 'manual',
        scheduledFor: '2026-11-27T09:00:00.000Z',
        status: 'running',
        owner,
      })!;
      tx.runs.update(run.id, { cancelRequested: true, heartbeatAt: ABANDONED_HEARTBEAT });
    });
    h.db.heartbeats.beat(owner, h.clock.now());
    await h.scheduler.tick();
    await h.scheduler.idle();
    assert.equal(runsOf(h, job.id)[0]!.status, 'cancelled');
  });
});
