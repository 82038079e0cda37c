// What a killed (kill -9) or deleted owner leaves behind: its Claude is stopped by whoever next
// looks at the run (recovery, `run cancel`, job deletion), never left running unsupervised; a
// deleted database stops a scheduler; a killed CLI leaves nothing in the temp folder. Real OS
// processes of the bundled CLI and the fake claude.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunDetailJson } from '../../src/cli/runDetail';
import type { Run } from '../../src/core/model';
import { createScheduler } from '../../src/scheduler/createScheduler';
import { NightPilotDatabase } from '../../src/storage/database';
import {
  FAKE_CLAUDE,
  isAlive,
  runCliProcess,
  startCli,
  useCliBundle,
  waitFor,
  waitForGrandchildPid,
} from './cliBundle';
import { TempDirs, cli, fakeClaudeWorkspace } from './cliHarness';

const temp = new TempDirs();

/** A fresh folder and database, and the CLI bound to them with the fake claude. */
function setup() {
  return fakeClaudeWorkspace(temp, 'np-orphans-');
}

/** The running run of `jobId` and the pid of its Claude (from the fake's FAKE_CLAUDE_RECORD file). */
async function runningClaude(
  dbPath: string,
  jobId: string,
  record: string,
): Promise<{ run: Run; claude: number }> {
  const claude = await waitFor('the fake claude to record itself', () =>
    fs.existsSync(record) && fs.readFileSync(record, 'utf8').includes('\n')
      ? (JSON.parse(fs.readFileSync(record, 'utf8').split('\n')[0]!) as { pid: number }).pid
      : undefined,
  );
  const db = await NightPilotDatabase.open(dbPath);
  try {
    const run = await waitFor('the run to be running', () =>
      db.read((tx) => tx.runs.list({ jobId, statuses: ['running'] })[0]),
    );
    return { run, claude };
  } finally {
    db.close();
  }
}

describe('orphans: what a killed owner leaves is stopped, not left running', function () {
  this.timeout(90_000);
  const bundle = useCliBundle(temp);
  after(() => temp.cleanup());

  it('run cancel stops the Claude of a `job run` killed with SIGKILL (defect 3)', async () => {
    const { dir, db, addJob } = setup();
    const pidFile = path.join(dir, 'grandchild.pid');
    const record = path.join(dir, 'claude.jsonl');
    const job = await addJob(
      'killed',
      '--env',
      'FAKE_CLAUDE_MODE=hang',
      '--env',
      `FAKE_CLAUDE_PID_FILE=${pidFile}`,
      '--env',
      `FAKE_CLAUDE_RECORD=${record}`,
    );
    const owner = startCli(bundle(), ['--db', db, '--claude', FAKE_CLAUDE, 'job', 'run', 'killed'], dir);
    const grandchild = await waitForGrandchildPid(pidFile);
    const { run, claude } = await runningClaude(db, job.id, record);
    await new Promise((r) => setTimeout(r, 300)); // its process group is recorded just after the spawn
    process.kill(owner.pid, 'SIGKILL');
    await owner.exited;
    assert.ok(isAlive(claude), 'Claude outlived its owner');

    const cancel = await runCliProcess(bundle(), ['--db', db, '--json', 'run', 'cancel', run.id], dir);
    assert.equal(cancel.code, 0, cancel.stderr);
    const printed = JSON.parse(cancel.stdout) as RunDetailJson;
    assert.equal(printed.status, 'cancelled');
    assert.match(printed.error!, /is gone, so its cleanup phase did not run/);
    assert.equal(isAlive(claude), false, 'Claude was stopped');
    assert.equal(isAlive(grandchild), false, 'and its children with it');
  });

  it('recovery stops the Claude of a killed scheduler before its retry can run (defect 3)', async () => {
    const { dir, db, addJob } = setup();
    const pidFile = path.join(dir, 'grandchild.pid');
    const record = path.join(dir, 'claude.jsonl');
    const job = await addJob(
      'crash-recovered',
      '--env',
      'FAKE_CLAUDE_MODE=hang',
      '--env',
      `FAKE_CLAUDE_PID_FILE=${pidFile}`,
      '--env',
      `FAKE_CLAUDE_RECORD=${record}`,
      '--retries',
      '1',
      '--retry-delay',
      '1',
    );
    // Due within the second, for the scheduler process to take it.
    const database = await NightPilotDatabase.open(db);
    await database.write((tx) =>
      tx.jobs.update(job.id, {
        cronExpression: '* * * * * *',
        jobType: 'one_time',
        nextRunTime: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
      }),
    );
    const first = startCli(bundle(), ['--db', db, '--claude', FAKE_CLAUDE, 'scheduler', '--for', '120'], dir);
    const grandchild = await waitForGrandchildPid(pidFile).catch((err: Error) => {
      throw new Error(`${err.message}; the scheduler said:\n${first.stderr()}`);
    });
    const { run, claude } = await runningClaude(db, job.id, record);
    await new Promise((r) => setTimeout(r, 300)); // its process group is recorded just after the spawn
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    assert.ok(isAlive(claude), 'Claude outlived the scheduler');

    // The next scheduler (here, in this process) finds the run abandoned.
    await database.write((tx) =>
      tx.jobs.update(job.id, { options: { env: { FAKE_CLAUDE_MODE: 'success' } } }),
    );
    const log: string[] = [];
    const next = createScheduler({
      db: database,
      settings: { killGraceMs: 300, claudePath: FAKE_CLAUDE },
      log: (m) => log.push(m),
    });
    try {
      await next.tick();
      assert.equal(isAlive(claude), false, 'the orphan was stopped during recovery');
      assert.equal(isAlive(grandchild), false);
      const failed = database.read((tx) => tx.runs.require(run.id));
      assert.equal(failed.status, 'failed');
      assert.match(failed.error!, /stopped without finishing it/);
      const retry = database.read((tx) =>
        tx.runs.list({ jobId: job.id }).find((r) => r.scheduledFor === run.scheduledFor && r.attempt === 2),
      );
      assert.equal(retry?.status, 'queued', 'retried once, after the orphan was stopped');
      await new Promise((r) => setTimeout(r, 1100));
      await next.tick();
      await next.idle();
      assert.equal(
        database.read((tx) => tx.runs.require(retry!.id).status),
        'succeeded',
      );
    } finally {
      await next.stop();
      database.close();
    }
  });

  it('job remove --force during a `job run`: cancelled first (cleanup runs), then removed with its logs (defect 10)', async () => {
    const { dir, db, addJob, run } = setup();
    const cleaned = path.join(dir, 'cleaned');
    const pidFile = path.join(dir, 'grandchild.pid');
    const job = await addJob(
      'removed',
      '--env',
      'FAKE_CLAUDE_MODE=hang',
      '--env',
      `FAKE_CLAUDE_PID_FILE=${pidFile}`,
      '--cleanup',
      `touch "${cleaned}"`,
    );
    const owner = startCli(
      bundle(),
      ['--db', db, '--claude', FAKE_CLAUDE, '--json', 'job', 'run', 'removed'],
      dir,
    );
    const grandchild = await waitForGrandchildPid(pidFile);
    const logs = path.join(dir, 'logs', job.id);
    assert.ok(fs.existsSync(logs));

    const removed = await run(['--json', 'job', 'remove', 'removed', '--force']);
    assert.equal(removed.code, 0, removed.stderr);
    const result = JSON.parse(removed.stdout) as { runsCancelled: number; logsRemoved: boolean };
    assert.deepEqual([result.runsCancelled, result.logsRemoved], [1, true]);
    assert.match(removed.stderr, /waiting for 1 cancelled run\(s\) of "removed" to stop/);
    assert.ok(fs.existsSync(cleaned), 'the cleanup phase ran before the job was removed');
    assert.equal(isAlive(grandchild), false);
    assert.equal(fs.existsSync(logs), false, 'its log folder is gone');

    const { code } = await owner.exited;
    assert.equal(code, 1, owner.stderr());
    assert.doesNotMatch(owner.stderr(), /No run with id/);
    // Printed as it ended, or (when the row went before it looked again) as removed.
    const printed = JSON.parse(owner.stdout()) as RunDetailJson & { removed?: boolean };
    assert.ok(printed.status === 'cancelled' || printed.removed === true, owner.stdout());
  });

  it('a scheduler whose database is deleted says so and exits 3 (defect 15)', async () => {
    const { dir, db, addJob } = setup();
    await addJob('idle');
    const proc = startCli(bundle(), ['--db', db, '--claude', FAKE_CLAUDE, 'scheduler', '--for', '60'], dir);
    await waitFor('the scheduler to start', () =>
      /scheduler started/.test(proc.stderr()) ? true : undefined,
    );
    fs.rmSync(db);
    const started = Date.now();
    const { code } = await proc.exited;
    assert.equal(code, 3, proc.stderr());
    assert.ok(Date.now() - started < 35_000, 'noticed by the watcher or its 30-s look');
    assert.match(proc.stderr(), /was deleted or moved away while Night Pilot was using it/);
    assert.equal(fs.existsSync(db), false, 'not silently replaced by an empty database');
  });

  it('a CLI killed while it rehearses a write leaves no scratch folder in the temp folder (defect 16)', async () => {
    const { dir } = setup();
    const db = path.join(dir, 'not-yet.db');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'np-scratch-'));
    // A live process holds the lock of the missing database: the write waits, its rehearsal done.
    const holder = spawn('sleep', ['30']);
    fs.writeFileSync(
      `${db}.lock`,
      JSON.stringify({
        pid: holder.pid,
        host: os.hostname(),
        token: 'x',
        acquiredAt: Date.now(),
        label: 'test',
      }),
    );
    try {
      const proc = startCli(
        bundle(),
        ['--db', db, 'job', 'add', '--name', 'n', '--prompt', 'p', '--cron', '@daily'],
        dir,
        {
          TMPDIR: tmp,
          NIGHT_PILOT_LOCK_TIMEOUT_MS: '20000',
        },
      );
      await new Promise((r) => setTimeout(r, 1500));
      process.kill(proc.pid, 'SIGKILL');
      await proc.exited;
      assert.deepEqual(
        fs.readdirSync(tmp).filter((name) => name.startsWith('night-pilot-cli-')),
        [],
      );
    } finally {
      holder.kill('SIGKILL');
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    // The rehearsal still refuses invalid input without creating the file.
    const refused = await cli(['--db', db, 'job', 'add', '--name', 'n', '--prompt', 'p', '--parent', 'nope']);
    assert.equal(refused.code, 2);
    assert.equal(fs.existsSync(db), false);
  });
});
