// `job run`, `run show`, `run log` and `run cancel` against the fake claude: in-process where a
// captured io is enough, as real OS processes of the bundled CLI for signals and for a run owned
// by another process.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunJson } from '../../src/cli/output';
import type { RunDetailJson } from '../../src/cli/runDetail';
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
import { TempDirs, cli, fakeClaudeWorkspace, json, ok } from './cliHarness';

const temp = new TempDirs();

/** A fresh folder and database, and the CLI bound to them with the fake claude. */
function setup() {
  return fakeClaudeWorkspace(temp, 'np-cli-run-');
}

async function runsOf(db: string, dir: string): Promise<RunJson[]> {
  return json<RunJson[]>(ok(await cli(['--db', db, '--json', 'run', 'list'], { cwd: dir })));
}

describe('night-pilot job run / run show / run log / run cancel', function () {
  this.timeout(60_000);
  const bundle = useCliBundle(temp);
  after(() => temp.cleanup());

  it('runs a job now: exit 0, the run printed with its phase, usage and log, the same as run show', async () => {
    const { run, addJob } = setup();
    const job = await addJob('hello');
    const result = await run(['--json', 'job', 'run', 'hello']);
    assert.equal(result.code, 0, result.stderr);
    const printed = json<RunDetailJson>(result);
    assert.equal(printed.jobId, job.id);
    assert.equal(printed.jobName, 'hello');
    assert.equal(printed.status, 'succeeded');
    assert.equal(printed.trigger, 'manual');
    assert.equal(printed.error, null);
    assert.deepEqual(
      printed.processes.map((p) => [p.processType, p.status, p.exitCode]),
      [['execution', 'completed', 0]],
    );
    assert.equal(printed.usage?.inputTokens, 1200);
    assert.equal(printed.usage?.outputTokens, 345);
    assert.equal(printed.usage?.costUsd, 0.0123);
    assert.equal(printed.processes[0]!.outputTail, 'Done.');
    const logFile = printed.processes[0]!.logFile!;
    assert.ok(fs.existsSync(logFile), logFile);

    const shown = json<RunDetailJson>(ok(await run(['--json', 'run', 'show', printed.id.slice(0, 6)])));
    assert.deepEqual(shown, printed);
    const text = ok(await run(['run', 'show', printed.id])).stdout;
    assert.match(text, /^Status: +succeeded$/m);
    assert.ok(text.includes(logFile), text);

    const log = ok(await run(['run', 'log', printed.id]));
    const lines = log.stdout.split('\n');
    assert.equal(lines[0], `== execution (exit 0) ${logFile} ==`);
    const result1 = lines
      .slice(1)
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; result?: string });
    assert.equal(result1.find((e) => e.type === 'result')?.result, 'Done.');
    const raw = ok(await run(['run', 'log', printed.id, '--phase', 'execution']));
    assert.equal(raw.stdout, fs.readFileSync(logFile, 'utf8'));
    const none = ok(await run(['run', 'log', printed.id, '--phase', 'setup']));
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /has no setup phase/);

    const again = await run(['run', 'cancel', printed.id]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already ended with status succeeded/);
  });

  it('exits 1 when the run fails, and says why', async () => {
    const { run, addJob } = setup();
    await addJob('broken', '--env', 'FAKE_CLAUDE_MODE=crash');
    const result = await run(['--json', 'job', 'run', 'broken']);
    assert.equal(result.code, 1, result.stderr);
    const printed = json<RunDetailJson>(result);
    assert.equal(printed.status, 'failed');
    assert.deepEqual(
      printed.processes.map((p) => [p.processType, p.status, p.exitCode]),
      [['execution', 'failed', 3]],
    );
    assert.match(result.stderr, /failed: Claude exited with code 3: fake claude: something went badly wrong/);
  });

  it('exits 1 with how to fix it when claude is not where --claude says', async () => {
    const { db, dir, addJob } = setup();
    await addJob('lost');
    const result = await cli(['--db', db, '--claude', '/nonexistent/claude', 'job', 'run', 'lost'], {
      cwd: dir,
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /Claude Code was not found at \/nonexistent\/claude, the path given by the `--claude` option/,
    );
    assert.match(result.stderr, /Fix the `--claude` value, or leave it out/);
    const [recorded] = await runsOf(db, dir);
    assert.equal(recorded?.status, 'failed');
  });

  it('refuses unknown jobs and runs without touching the database', async () => {
    const { db, run } = setup();
    const job = await run(['job', 'run', 'nope']);
    assert.equal(job.code, 2);
    assert.match(job.stderr, /no job matches "nope"/);
    assert.equal(fs.existsSync(db), false);
    const show = await run(['run', 'show', 'abc']);
    assert.equal(show.code, 2);
    assert.match(show.stderr, /no run matches "abc" \(a prefix needs at least 4 characters\)/);
    const phase = await run(['run', 'log', 'abcd', '--phase', 'exec']);
    assert.equal(phase.code, 2);
    assert.match(phase.stderr, /--phase: "exec" is not one of setup, execution, validation, cleanup/);
  });

  it('run log says which log file is gone and exits 1', async () => {
    const { run, addJob } = setup();
    await addJob('pruned', '--setup', 'echo preparing', '--cleanup', 'echo tidy');
    const printed = json<RunDetailJson>(ok(await run(['--json', 'job', 'run', 'pruned'])));
    assert.deepEqual(
      printed.processes.map((p) => p.processType),
      ['setup', 'execution', 'cleanup'],
    );
    const [setupLog, executionLog, cleanupLog] = printed.processes.map((p) => p.logFile!);
    fs.rmSync(executionLog!);
    const result = await run(['run', 'log', printed.id]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stdout,
      `== setup (exit 0) ${setupLog} ==\npreparing\n== execution (exit 0) ${executionLog} ==\n` +
        `== cleanup (exit 0) ${cleanupLog} ==\ntidy\n`,
    );
    assert.match(result.stderr, new RegExp(`the execution log .*execution\\.log is gone`));
  });

  it('run cancel cancels a queued run at once, and an abandoned running one', async () => {
    const { db, dir, run, addJob } = setup();
    const job = await addJob('idle');
    const database = await NightPilotDatabase.open(db);
    // A pid that cannot belong to a live process: the owner of the "running" run is gone.
    const deadOwner = `${os.hostname()}:2147483646:dead`;
    const [queued, abandoned] = await database.write((tx) => [
      tx.runs.claim({
        jobId: job.id,
        trigger: 'schedule',
        scheduledFor: '2030-01-01T03:00:00.000Z',
        status: 'queued',
      })!,
      tx.runs.claim({
        jobId: job.id,
        trigger: 'schedule',
        scheduledFor: '2030-01-02T03:00:00.000Z',
        status: 'running',
        owner: deadOwner,
        startedAt: new Date().toISOString(),
      })!,
    ]);
    database.close();

    const first = json<RunDetailJson>(ok(await run(['--json', 'run', 'cancel', queued.id.slice(0, 8)])));
    assert.equal(first.status, 'cancelled');
    assert.equal(first.error, 'Cancelled by request.');
    const second = json<RunDetailJson>(ok(await run(['--json', 'run', 'cancel', abandoned.id])));
    assert.equal(second.status, 'cancelled');
    assert.match(second.error!, /the process running it \(.*:2147483646:dead\) is gone/);
    const left = (await runsOf(db, dir)).filter((r) => ['queued', 'running'].includes(r.status));
    assert.deepEqual(left, []);
  });

  it('Ctrl-C cancels the run: recorded cancelled, cleanup run, Claude and its children gone, exit 1', async () => {
    const { dir, db, addJob } = setup();
    const cleaned = path.join(dir, 'cleaned');
    const pidFile = path.join(dir, 'grandchild.pid');
    await addJob(
      'stuck',
      '--env',
      'FAKE_CLAUDE_MODE=hang',
      '--env',
      `FAKE_CLAUDE_PID_FILE=${pidFile}`,
      '--cleanup',
      `touch "${cleaned}"`,
    );
    const proc = startCli(
      bundle(),
      ['--db', db, '--claude', FAKE_CLAUDE, '--json', 'job', 'run', 'stuck'],
      dir,
    );
    const grandchild = await waitForGrandchildPid(pidFile);
    assert.ok(isAlive(grandchild));
    process.kill(proc.pid, 'SIGINT');
    const { code } = await proc.exited;
    assert.equal(code, 1, proc.stderr());
    assert.match(proc.stderr(), /SIGINT: cancelling the run/);
    const printed = JSON.parse(proc.stdout()) as RunDetailJson;
    assert.equal(printed.status, 'cancelled');
    assert.deepEqual(
      printed.processes.map((p) => [p.processType, p.status]),
      [
        ['execution', 'cancelled'],
        ['cleanup', 'completed'],
      ],
    );
    assert.ok(fs.existsSync(cleaned), 'the cleanup phase ran');
    assert.equal(isAlive(grandchild), false, 'the grandchild of claude is gone');
    const [recorded] = await runsOf(db, dir);
    assert.equal(recorded?.status, 'cancelled');
  });

  it('run cancel from another process stops a run that a job run process owns', async () => {
    const { dir, db, addJob } = setup();
    const cleaned = path.join(dir, 'cleaned');
    await addJob('remote', '--env', 'FAKE_CLAUDE_MODE=hang', '--cleanup', `touch "${cleaned}"`);
    const owner = startCli(bundle(), ['--db', db, '--claude', FAKE_CLAUDE, 'job', 'run', 'remote'], dir);
    const running = await waitFor('the run to be running', async () =>
      (await runsOf(db, dir)).find(
        (r) => r.status === 'running' && r.processes.some((p) => p.status === 'running'),
      ),
    );
    const cancel = await runCliProcess(
      bundle(),
      ['--db', db, '--json', 'run', 'cancel', running.id.slice(0, 8)],
      dir,
    );
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stderr, /asked .* to stop run/);
    const printed = JSON.parse(cancel.stdout) as RunDetailJson;
    assert.equal(printed.id, running.id);
    assert.equal(printed.status, 'cancelled');
    assert.deepEqual(
      printed.processes.map((p) => [p.processType, p.status]),
      [
        ['execution', 'cancelled'],
        ['cleanup', 'completed'],
      ],
    );
    const { code } = await owner.exited;
    assert.equal(code, 1, owner.stderr());
    assert.ok(fs.existsSync(cleaned), 'the owner ran the cleanup phase');
    assert.match(owner.stdout(), /^Status: +cancelled$/m);
  });

  it('notes the reset time while waiting for a usage limit, and Ctrl-C cancels the wait', async () => {
    const { dir, db, addJob } = setup();
    const resetsAt = Math.floor(Date.now() / 1000) + 3600;
    await addJob(
      'limited',
      '--env',
      'FAKE_CLAUDE_MODE=limit-event',
      '--env',
      `FAKE_CLAUDE_RESETS_AT=${resetsAt}`,
    );
    const proc = startCli(
      bundle(),
      ['--db', db, '--claude', FAKE_CLAUDE, '--json', 'job', 'run', 'limited'],
      dir,
    );
    await waitFor('the usage-limit note', () =>
      /waiting for a usage limit to reset/.test(proc.stderr()) ? true : undefined,
    );
    const resumeAt = new Date((resetsAt + 60) * 1000).toISOString().slice(0, 16).replace('T', ' ');
    assert.ok(proc.stderr().includes(`resumes at ${resumeAt}`), proc.stderr());
    process.kill(proc.pid, 'SIGINT');
    const { code } = await proc.exited;
    assert.equal(code, 1, proc.stderr());
    const printed = JSON.parse(proc.stdout()) as RunDetailJson;
    assert.equal(printed.status, 'cancelled');
    assert.equal(printed.error, 'Cancelled while waiting for the usage limit to reset.');
  });
});
