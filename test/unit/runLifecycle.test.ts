// The run lifecycle has one driver (the queue) and every status change is a fenced transition:
// what "Run Job Now", cancellation, usage limits, recovery and job deletion do to a run, with a
// real database file and real processes (the fake claude), and a clock the tests move.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Run } from '../../src/core/model';
import { deleteJob } from '../../src/scheduler/jobDeletion';
import { runSupervisedProcess } from '../../src/scheduler/processSupervisor';
import { cancelRun } from '../../src/scheduler/runCancel';
import { Scheduler } from '../../src/scheduler/scheduler';
import { DEFAULT_SCHEDULER_SETTINGS } from '../../src/scheduler/settings';
import { NightPilotDatabase } from '../../src/storage/database';
import { processStartToken } from '../../src/storage/processIdentity';
import { isAlive, waitFor } from './cliBundle';
import type { Harness } from './schedulerHarness';
import { FAKE_CLAUDE, runsOf, useHarness } from './schedulerHarness';

const CANCEL = { staleAfterMs: 90_000, killGraceMs: 300, now: () => new Date() };

/** A second scheduler (another window or CLI process) on the harness's database file. */
async function secondScheduler(h: Harness): Promise<{ scheduler: Scheduler; db: NightPilotDatabase }> {
  const db = await NightPilotDatabase.open(h.db.path, { clock: () => h.clock.now() });
  const scheduler = new Scheduler({
    db,
    clock: h.clock,
    runner: runSupervisedProcess,
    settings: { ...DEFAULT_SCHEDULER_SETTINGS, killGraceMs: 300 },
    locateClaude: () => Promise.resolve({ found: true, path: FAKE_CLAUDE, source: 'flag' }),
    baseEnv: { ...process.env, FAKE_CLAUDE_RECORD: h.record },
    defaultZone: 'UTC',
    log: () => undefined,
  });
  return { scheduler, db };
}

function processesOf(h: Harness, runId: string): Array<[string, string]> {
  return h.db.read((tx) => tx.processes.listByRun(runId).map((p) => [p.processType, p.status]));
}

/** Whether the fake claude has recorded a call (a whole line: it may be writing one right now). */
function claudeStarted(h: Harness): boolean {
  return fs.existsSync(h.record) && fs.readFileSync(h.record, 'utf8').includes('\n');
}

/** A job whose Claude hits a usage limit that resets at `resetsAt` (the fake's rate_limit_event). */
function limitedJob(h: Harness, name: string, resetsAt: string) {
  const epochSeconds = String(Math.floor(Date.parse(resetsAt) / 1000));
  return h.addJob({
    name,
    cron: '0 3 * * *',
    options: { env: { FAKE_CLAUDE_MODE: 'limit-event', FAKE_CLAUDE_RESETS_AT: epochSeconds } },
  });
}

describe('run lifecycle: one driver, fenced transitions', function () {
  this.timeout(60_000);
  const fixture = useHarness('np-lifecycle-');
  let h: Harness;

  it('Run Job Now meeting a usage limit resumes Claude once, even with the queue running too (defect 1)', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z', { settings: { limitMarginSeconds: 0 } });
    const job = await limitedJob(h, 'limited now', '2026-11-27T10:05:00Z');
    h.scheduler.start();
    const statuses: string[] = [];
    const pending = h.scheduler.runNow(job.id, new AbortController().signal, (r) => statuses.push(r.status));
    const waiting = await waitFor('the manual run to wait for the limit', () =>
      runsOf(h, job.id).find((r) => r.status === 'waiting_for_limit'),
    );
    assert.equal(waiting.resumeAt, '2026-11-27T10:05:00.000Z');
    await waitFor('the follower to report the wait', () =>
      statuses.includes('waiting_for_limit') ? true : undefined,
    );
    await h.db.write((tx) => tx.jobs.update(job.id, { options: { env: { FAKE_CLAUDE_MODE: 'success' } } }));
    // The reset comes: the scheduler's timer and the follower both see the run due at once.
    h.clock.set('2026-11-27T10:05:00.000Z');
    h.clock.advance(0);
    const { run } = await pending;
    await h.scheduler.idle();
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(processesOf(h, run.id), [
      ['execution', 'failed'],
      ['execution', 'completed'],
    ]);
    assert.equal(h.records().length, 2, 'Claude ran twice: the first try and one resume');
    assert.ok(h.records()[1]!.argv.includes('--resume'));
    assert.deepEqual(
      runsOf(h, job.id).map((r) => r.status),
      ['succeeded'],
    );
  });

  it("leaves a live owner's run alone after an 8-hour sleep without heartbeats (defect 2)", async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'sleepy',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      retry: { maxAttempts: 3, baseDelaySeconds: 1 },
      options: { env: { FAKE_CLAUDE_DELAY_MS: '1500' } },
    });
    await h.scheduler.tick();
    const running = runsOf(h, job.id)[0]!;
    assert.equal(running.status, 'running');
    // The laptop slept: its heartbeat is 8 hours old when another window's scheduler looks.
    h.clock.set('2026-11-27T18:00:00.000Z');
    const other = await secondScheduler(h);
    try {
      await other.scheduler.tick();
      await h.scheduler.idle();
    } finally {
      await other.scheduler.stop();
      other.db.close();
    }
    assert.deepEqual(
      runsOf(h, job.id).map((r) => [r.attempt, r.status, r.owner === h.scheduler.owner]),
      [[1, 'succeeded', true]],
    );
    assert.equal(h.records().length, 1, 'Claude ran once');
  });

  it('records a cancelled manual run once: cancel from the tree while it waits, then the abort (defects 4, 5)', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await limitedJob(h, 'wait then cancel', '2026-11-27T15:00:00Z');
    const abort = new AbortController();
    const pending = h.scheduler.runNow(job.id, abort.signal);
    const waiting = await waitFor('the manual run to wait', () =>
      runsOf(h, job.id).find((r) => r.status === 'waiting_for_limit'),
    );
    // Cancel Run from the tree (another path than the notification's cancel button).
    const started = Date.now();
    const cancelled = await h.scheduler.cancelRun(waiting.id);
    assert.equal(cancelled.status, 'cancelled');
    // The notification's own cancel comes too; the follower must not record anything again.
    abort.abort();
    const { run } = await pending;
    assert.ok(Date.now() - started < 5_000, 'the follower ends at once, not at the reset five hours later');
    assert.equal(run.status, 'cancelled');
    assert.equal(
      h.db.read((tx) => tx.jobs.require(job.id).executionCount),
      1,
      'counted once',
    );
  });

  it('follows a run that waits hours for a limit without adding a listener per step (defect 8)', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await limitedJob(h, 'long wait', '2026-11-27T15:00:00Z');
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const abort = new AbortController();
    try {
      const pending = h.scheduler.runNow(job.id, abort.signal);
      await waitFor('the wait', () => runsOf(h, job.id).find((r) => r.status === 'waiting_for_limit'));
      let most = 0;
      for (let second = 0; second < 40; second++) {
        h.clock.advance(1000);
        await new Promise((r) => setTimeout(r, 30));
        most = Math.max(most, getEventListeners(abort.signal, 'abort').length);
      }
      assert.ok(most <= 1, `at most one abort listener at a time, saw ${most}`);
      abort.abort();
      assert.equal((await pending).run.status, 'cancelled');
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.filter((w) => w.name === 'MaxListenersExceededWarning'),
      [],
    );
  });

  it('Run Job Now twice starts one run: the second says the job is busy (defect 9)', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'twice',
      cron: '0 3 * * *',
      options: { env: { FAKE_CLAUDE_DELAY_MS: '800' } },
    });
    const signal = new AbortController().signal;
    const [first, second] = await Promise.all([
      h.scheduler.runNow(job.id, signal),
      h.scheduler.runNow(job.id, signal),
    ]);
    const kinds = [first.kind, second.kind].sort();
    assert.deepEqual(kinds, ['busy', 'ended']);
    const ended = first.kind === 'ended' ? first : second;
    const busy = first.kind === 'busy' ? first : second;
    assert.equal(busy.run.id, ended.run.id, 'the busy answer names the run in progress');
    assert.deepEqual(
      runsOf(h, job.id).map((r) => [r.trigger, r.status]),
      [['manual', 'succeeded']],
    );
    assert.equal(h.records().length, 1);
  });

  it('Run Job Now still runs after the scheduler loop was stopped (the setting turned off)', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({ name: 'loop off', cron: '0 3 * * *' });
    h.scheduler.start();
    await h.scheduler.stop();
    const { run } = await h.scheduler.runNow(job.id, new AbortController().signal);
    assert.equal(run.status, 'succeeded');
  });

  it('a manual run obeys the concurrency limit: it waits queued for a free slot', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const busy = await h.addJob({
      name: 'first',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { env: { FAKE_CLAUDE_DELAY_MS: '1200' } },
    });
    const manual = await h.addJob({ name: 'manual', cron: '0 3 * * *' });
    await h.scheduler.tick();
    assert.equal(runsOf(h, busy.id)[0]!.status, 'running');
    const seen: string[] = [];
    const { run } = await h.scheduler.runNow(manual.id, new AbortController().signal, (r) =>
      seen.push(r.status),
    );
    assert.equal(seen[0], 'queued', 'it waited queued while the other run held the only slot');
    assert.equal(run.status, 'succeeded');
    const first = runsOf(h, busy.id)[0]!;
    assert.ok(
      first.endedAt! <= run.startedAt!,
      'the manual run started after the other ended (concurrency 1)',
    );
  });

  it('deleting a job mid-run cancels the run first (cleanup runs, Claude stops), then removes it and its logs (defect 10)', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const cleaned = path.join(fixture.dir, 'cleaned');
    const pidFile = path.join(fixture.dir, 'grandchild.pid');
    const job = await h.addJob({
      name: 'doomed',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: {
        cleanupCommand: `touch "${cleaned}"`,
        env: { FAKE_CLAUDE_MODE: 'hang', FAKE_CLAUDE_PID_FILE: pidFile },
      },
    });
    await h.scheduler.tick();
    const grandchild = Number(
      await waitFor('claude to start', () =>
        fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8') : undefined,
      ),
    );
    const logs = path.join(path.dirname(h.db.path), 'logs', job.id);
    assert.ok(fs.existsSync(logs));
    const other = await NightPilotDatabase.open(h.db.path);
    const waitedFor: Run[][] = [];
    try {
      const result = await deleteJob(other, job.id, { ...CANCEL, onWaiting: (runs) => waitedFor.push(runs) });
      assert.equal(result.runsCancelled, 1);
      assert.equal(result.runsRemoved, 1);
      assert.equal(result.logsRemoved, true);
    } finally {
      other.close();
    }
    assert.ok(waitedFor.length > 0, 'it waited for the owner to stop the run');
    assert.ok(fs.existsSync(cleaned), 'the cleanup phase ran before the job went');
    assert.equal(isAlive(grandchild), false, "Claude's processes are gone");
    assert.equal(fs.existsSync(logs), false, "the job's log folder is gone");
    assert.equal(
      h.db.read((tx) => tx.jobs.get(job.id)),
      undefined,
    );
    await h.scheduler.idle();
  });

  it('an owner that finds its run taken over stops its Claude at once and records nothing', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const pidFile = path.join(fixture.dir, 'grandchild.pid');
    const job = await h.addJob({
      name: 'taken',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { env: { FAKE_CLAUDE_MODE: 'hang', FAKE_CLAUDE_PID_FILE: pidFile } },
    });
    await h.scheduler.tick();
    const grandchild = Number(
      await waitFor('claude to start', () =>
        fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8') : undefined,
      ),
    );
    const run = runsOf(h, job.id)[0]!;
    // Another host judged this owner dead (its heartbeat stopped) and recovered the run.
    await h.db.write((tx) =>
      tx.runs.update(run.id, { status: 'failed', owner: 'elsewhere:1:x', endedAt: tx.now() }),
    );
    await h.scheduler.idle();
    assert.equal(isAlive(grandchild), false, 'its processes were stopped');
    const after = runsOf(h, job.id)[0]!;
    assert.deepEqual([after.status, after.owner], ['failed', 'elsewhere:1:x'], 'nothing was written over it');
    assert.equal(
      h.db.read((tx) => tx.jobs.require(job.id).executionCount),
      0,
    );
  });

  it('stop with a deadline cancels runs in order, cleanup included, and leaves nothing running (defect 6)', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const cleaned = path.join(fixture.dir, 'cleaned');
    const job = await h.addJob({
      name: 'window closes',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { cleanupCommand: `touch "${cleaned}"`, env: { FAKE_CLAUDE_DELAY_MS: '30000' } },
    });
    await h.scheduler.tick();
    await waitFor('claude to run', () => (claudeStarted(h) ? true : undefined));
    await h.scheduler.stop({ deadlineMs: 3_000 });
    const run = runsOf(h, job.id)[0]!;
    assert.equal(run.status, 'cancelled');
    assert.ok(fs.existsSync(cleaned), 'cleanup ran');
    assert.deepEqual(processesOf(h, run.id), [
      ['execution', 'cancelled'],
      ['cleanup', 'completed'],
    ]);
  });

  it('a deadline that passes leaves the run for the next scheduler, which records it cancelled at once', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'slow cleanup',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      retry: { maxAttempts: 3, baseDelaySeconds: 1 },
      options: { cleanupCommand: 'sleep 30', env: { FAKE_CLAUDE_DELAY_MS: '30000' } },
    });
    await h.scheduler.tick();
    await waitFor('claude to run', () => (claudeStarted(h) ? true : undefined));
    await h.scheduler.stop({ deadlineMs: 1_000 });
    // As deactivate does: the database is closed at once; what the executor would still write fails.
    h.db.close();
    const db = await NightPilotDatabase.open(h.db.path);
    try {
      const left = db.read((tx) => tx.runs.list({ jobId: job.id })[0]!);
      assert.equal(left.cancelRequested, true);
      assert.equal(left.heartbeatAt, '1970-01-01T00:00:00.000Z', 'given up: recover at once');
      const cleanup = db.read((tx) =>
        tx.processes.listByRun(left.id).find((p) => p.processType === 'cleanup'),
      );
      assert.ok(cleanup?.pgid, 'the cleanup command was recorded with its process group');
      await waitFor('the cleanup to be killed at the deadline', () =>
        isAlive(cleanup.pgid!) ? undefined : true,
      );
      // Its executor may have saved the outcome in the last moment; if not, the window's process
      // exits now, and a scheduler on another machine sharing the file, seeing an owner it cannot
      // check and a heartbeat from 1970, recovers the run at once, as cancelled.
      if (left.status === 'running') {
        await db.write((tx) => tx.runs.update(left.id, { owner: 'another-machine:4242:gone' }));
        const next = await secondScheduler(h);
        try {
          await next.scheduler.tick();
        } finally {
          await next.scheduler.stop();
          next.db.close();
        }
      }
      assert.deepEqual(
        db.read((tx) => tx.runs.list({ jobId: job.id }).map((r) => [r.attempt, r.status])),
        [[1, 'cancelled']],
        'cancelled, not failed and retried: the user closed the window',
      );
      assert.deepEqual(
        db.read((tx) => tx.processes.listByRun(left.id).filter((p) => p.status === 'running')),
        [],
        'no phase left running',
      );
    } finally {
      db.close();
    }
  });

  it('cancelling a run whose owner died stops what it left running, then records it cancelled', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({ name: 'orphaned', cron: '0 3 * * *' });
    const { spawn } = await import('node:child_process');
    // A process group left by a dead owner: a shell in its own group that would run for a minute.
    const orphan = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('close', r));
    const os = await import('node:os');
    const run = await h.db.write((tx) => {
      const r = tx.runs.claim({
        jobId: job.id,
        trigger: 'manual',
        scheduledFor: '2026-11-27T09:00:00.000Z',
        status: 'running',
        owner: `${os.hostname()}:${dead.pid}:gone`,
        heartbeatAt: tx.now(),
      })!;
      const p = tx.processes.insert({
        runId: r.id,
        jobId: job.id,
        processType: 'execution',
        status: 'running',
      });
      tx.processes.update(p.id, {
        pgid: orphan.pid!,
        pgidStart: processStartToken(orphan.pid!),
        pgidHost: os.hostname(),
      });
      return r;
    });
    const cancelled = await cancelRun(h.db, run.id, CANCEL);
    assert.equal(cancelled.status, 'cancelled');
    assert.match(cancelled.error!, /is gone, so its cleanup phase did not run/);
    assert.equal(isAlive(orphan.pid!), false, 'the orphan was stopped first');
    assert.deepEqual(processesOf(h, run.id), [['execution', 'cancelled']]);
  });

  it('never signals an unrelated process that reused a recorded process group id', async () => {
    h = await fixture.create('2026-11-27T10:00:00.000Z');
    const job = await h.addJob({ name: 'reused', cron: '0 3 * * *' });
    const { spawn } = await import('node:child_process');
    const unrelated = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    const os = await import('node:os');
    try {
      const run = await h.db.write((tx) => {
        const r = tx.runs.claim({
          jobId: job.id,
          trigger: 'manual',
          scheduledFor: '2026-11-27T09:00:00.000Z',
          status: 'running',
          owner: `${os.hostname()}:2147483646:gone`,
          heartbeatAt: tx.now(),
        })!;
        const p = tx.processes.insert({
          runId: r.id,
          jobId: job.id,
          processType: 'execution',
          status: 'running',
        });
        // Recorded with another start time: the id now belongs to someone else.
        tx.processes.update(p.id, { pgid: unrelated.pid!, pgidStart: 'boot-1', pgidHost: os.hostname() });
        return r;
      });
      const cancelled = await cancelRun(h.db, run.id, CANCEL);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(isAlive(unrelated.pid!), true, 'the unrelated process was left alone');
    } finally {
      unrelated.kill('SIGKILL');
    }
  });
});
