import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NightPilotDatabase } from '../../src/storage/database';
import { setQuietMode } from '../../src/scheduler/limitHold';
import { cancelRun } from '../../src/scheduler/runCancel';
import { runsOf, tickAndSettle, useHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('scheduler: phases, queue and control', function () {
  this.timeout(60_000);
  const fixture = useHarness();
  let h: Harness;

  it('runs setup, Claude, validation and cleanup in order, each recorded with its log file', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const marker = path.join(fixture.dir, 'order.txt');
    const job = await h.addJob({
      name: 'phased',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: {
        workingDirectory: fixture.dir,
        setupCommand: `echo setup >> "${marker}"`,
        validationCommand: `echo validation >> "${marker}" && test -s "${marker}"`,
        cleanupCommand: `echo cleanup >> "${marker}"`,
      },
    });
    await tickAndSettle(h);
    const run = runsOf(h, job.id)[0]!;
    assert.equal(run.status, 'succeeded');
    assert.equal(fs.readFileSync(marker, 'utf8'), 'setup\nvalidation\ncleanup\n');
    const processes = h.db.read((tx) => tx.processes.listByRun(run.id));
    assert.deepEqual(
      processes.map((p) => [p.processType, p.status, p.exitCode]),
      [
        ['setup', 'completed', 0],
        ['execution', 'completed', 0],
        ['validation', 'completed', 0],
        ['cleanup', 'completed', 0],
      ],
    );
    for (const p of processes) assert.ok(fs.existsSync(p.logFile!), `${p.processType} log exists`);
    assert.match(fs.readFileSync(processes[1]!.logFile!, 'utf8'), /"type":"result"/);
  });

  it('fails the run when validation exits non-zero, and still runs cleanup', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'invalid',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { validationCommand: 'echo "tests failed" >&2; exit 4', cleanupCommand: 'true' },
    });
    await tickAndSettle(h);
    const run = runsOf(h, job.id)[0]!;
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /validation command exited with code 4/);
    const processes = h.db.read((tx) => tx.processes.listByRun(run.id));
    assert.deepEqual(
      processes.map((p) => [p.processType, p.status]),
      [
        ['execution', 'completed'],
        ['validation', 'failed'],
        ['cleanup', 'completed'],
      ],
    );
    assert.match(processes[1]!.outputTail!, /tests failed/);
  });

  it('kills the whole process group at the timeout, leaves no orphan, and runs cleanup', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const pidFile = path.join(fixture.dir, 'grandchild.pid');
    const job = await h.addJob({
      name: 'hangs',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: {
        timeoutSeconds: 1,
        cleanupCommand: 'true',
        env: { FAKE_CLAUDE_MODE: 'hang', FAKE_CLAUDE_PID_FILE: pidFile },
      },
    });
    await tickAndSettle(h);
    const run = runsOf(h, job.id)[0]!;
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /timed out after 1 s/);
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.ok(!isAlive(grandchild), 'the grandchild sleep is gone too');
    assert.deepEqual(
      h.db.read((tx) => tx.processes.listByRun(run.id).map((p) => [p.processType, p.status])),
      [
        ['execution', 'failed'],
        ['cleanup', 'completed'],
      ],
    );
  });

  it('records a fire that finds the previous run still going as skipped (overlap)', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'slow',
      cron: '* * * * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { env: { FAKE_CLAUDE_MODE: 'success', FAKE_CLAUDE_DELAY_MS: '1500' } },
    });
    await h.scheduler.tick();
    h.clock.set('2026-11-27T10:00:01.000Z');
    await h.scheduler.tick();
    await h.scheduler.idle();
    const runs = runsOf(h, job.id);
    assert.deepEqual(
      runs.map((r) => [r.scheduledFor.slice(17, 19), r.status]),
      [
        ['00', 'succeeded'],
        ['01', 'skipped'],
      ],
    );
    assert.match(runs[1]!.error!, /previous run of this job was still going/);
  });

  it('starts by priority within the concurrency limit, then in scheduled order', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z', { settings: { concurrency: 1 } });
    const low = await h.addJob({
      name: 'low',
      cron: '0 10 * * *',
      priority: 9,
      nextRunTime: '2026-11-27T10:00:00.000Z',
    });
    const high = await h.addJob({
      name: 'high',
      cron: '0 10 * * *',
      priority: 1,
      nextRunTime: '2026-11-27T10:00:00.000Z',
    });
    await h.scheduler.tick();
    assert.deepEqual(
      runsOf(h, high.id).map((r) => r.status),
      ['running'],
    );
    assert.deepEqual(
      runsOf(h, low.id).map((r) => r.status),
      ['queued'],
    );
    await h.scheduler.idle();
    await tickAndSettle(h);
    const started = (id: string) => runsOf(h, id)[0]!.startedAt!;
    assert.equal(runsOf(h, low.id)[0]!.status, 'succeeded');
    assert.ok(started(high.id) <= started(low.id));
    const calls = h.records().map((c) => c.stdin);
    assert.deepEqual(calls, ['Prompt for high', 'Prompt for low']);
  });

  it('fires child jobs when the parent succeeds, and completes a one-time job after its run', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const parent = await h.addJob({
      name: 'parent',
      cron: '0 10 * * *',
      jobType: 'one_time',
      nextRunTime: '2026-11-27T10:00:00.000Z',
    });
    const child = await h.addJob({
      name: 'child',
      cron: '',
      jobType: 'triggered',
      parentJobId: parent.id,
      nextRunTime: null,
    });
    await tickAndSettle(h);
    await tickAndSettle(h);
    assert.deepEqual(
      runsOf(h, child.id).map((r) => [r.trigger, r.status]),
      [['parent', 'succeeded']],
    );
    h.db.read((tx) => {
      const p = tx.jobs.require(parent.id);
      assert.equal(p.status, 'completed');
      assert.equal(p.nextRunTime, null);
    });
  });

  it('claims and starts nothing in quiet mode; the missed fire is handled when it ends', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'quiet',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
    });
    await h.db.write((tx) => setQuietMode(tx, true));
    await tickAndSettle(h);
    assert.equal(runsOf(h, job.id).length, 0);
    await h.db.write((tx) => setQuietMode(tx, false));
    h.clock.set('2026-11-27T12:00:00.000Z');
    await tickAndSettle(h);
    assert.deepEqual(
      runsOf(h, job.id).map((r) => [r.trigger, r.status]),
      [['catch_up', 'succeeded']],
    );
  });

  it('stops a run when another process asks to cancel it, and runs cleanup', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const pidFile = path.join(fixture.dir, 'grandchild.pid');
    const marker = path.join(fixture.dir, 'cleaned');
    const job = await h.addJob({
      name: 'cancel me',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: {
        cleanupCommand: `touch "${marker}"`,
        env: { FAKE_CLAUDE_MODE: 'hang', FAKE_CLAUDE_PID_FILE: pidFile },
      },
    });
    await h.scheduler.tick();
    for (let i = 0; i < 100 && !fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    const other = await NightPilotDatabase.open(h.db.path);
    const run = runsOf(h, job.id)[0]!;
    const requested = await cancelRun(other, run.id, {
      staleAfterMs: 90_000,
      killGraceMs: 300,
      now: () => new Date(),
    });
    assert.equal(requested.cancelRequested, true);
    other.close();
    await h.scheduler.idle();
    const after = runsOf(h, job.id)[0]!;
    assert.equal(after.status, 'cancelled');
    assert.ok(fs.existsSync(marker), 'cleanup ran');
    assert.ok(!isAlive(Number(fs.readFileSync(pidFile, 'utf8'))));
  });

  it('cancels a run that a tick in flight started after stop() was called', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'late start',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { env: { FAKE_CLAUDE_MODE: 'hang' } },
    });
    const ticking = h.scheduler.tick();
    await h.scheduler.stop();
    await ticking;
    assert.deepEqual(
      runsOf(h, job.id).map((r) => r.status),
      ['cancelled'],
    );
  });

  it('runNow runs a job manually through the same executor, and a stop cancels it cleanly', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({ name: 'manual', cron: '0 3 * * *' });
    const { run } = await h.scheduler.runNow(job.id, new AbortController().signal);
    assert.deepEqual([run.trigger, run.status], ['manual', 'succeeded']);
    await h.db.write((tx) =>
      tx.jobs.update(job.id, { options: { env: { FAKE_CLAUDE_MODE: 'hang' }, cleanupCommand: 'true' } }),
    );
    const abort = new AbortController();
    h.clock.set('2026-11-27T10:00:01.000Z');
    const pending = h.scheduler.runNow(job.id, abort.signal);
    setTimeout(() => abort.abort(), 700);
    const { run: cancelled } = await pending;
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(
      h.db.read((tx) => tx.processes.listByRun(cancelled.id).map((p) => [p.processType, p.status])),
      [
        ['execution', 'cancelled'],
        ['cleanup', 'completed'],
      ],
    );
  });
});
