// `night-pilot scheduler`: --once, --for, and a graceful SIGTERM, with the fake claude.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { JobJson, RunJson } from '../../src/cli/output';
import type { SchedulerSummaryJson } from '../../src/cli/schedulerCommand';
import { FAKE_CLAUDE, isAlive, startCli, useCliBundle, waitForGrandchildPid } from './cliBundle';
import { TempDirs, fakeClaudeWorkspace, json, ok } from './cliHarness';

const temp = new TempDirs();

function setup() {
  const { dir, db, run } = fakeClaudeWorkspace(temp, 'np-cli-sched-');
  const runs = async () => json<RunJson[]>(ok(await run(['--json', 'run', 'list', '--limit', '1000'])));
  return { dir, db, run, runs };
}

const DAY_MS = 86_400_000;

describe('night-pilot scheduler', function () {
  this.timeout(60_000);
  const bundle = useCliBundle(temp);
  after(() => temp.cleanup());

  it('--once runs what is due (and the child job it triggers), then exits 0', async () => {
    const { run, runs } = setup();
    // Added "yesterday": its daily fire has come since, so it is due now.
    const yesterday = new Date(Date.now() - DAY_MS);
    const parent = json<JobJson>(
      ok(
        await run(
          ['--json', 'job', 'add', '--name', 'daily', '--prompt', 'p', '--cron', '0 0 * * *', '--tz', 'UTC'],
          yesterday,
        ),
      ),
    );
    ok(await run(['job', 'add', '--name', 'after', '--prompt', 'p', '--parent', 'daily']));
    ok(await run(['job', 'add', '--name', 'later', '--prompt', 'p', '--cron', '0 0 1 1 *', '--tz', 'UTC']));

    const result = await run(['--json', 'scheduler', '--once']);
    assert.equal(result.code, 0, result.stderr);
    const summary = json<SchedulerSummaryJson>(result);
    assert.equal(summary.mode, 'once');
    assert.equal(summary.stoppedBy, 'done');
    assert.deepEqual(
      summary.runs.map((r) => [r.jobName, r.status]),
      [
        ['daily', 'succeeded'],
        ['after', 'succeeded'],
      ],
    );
    assert.ok(['schedule', 'catch_up'].includes(summary.runs[0]!.trigger));
    assert.equal(summary.runs[1]!.trigger, 'parent');
    assert.deepEqual(summary.runCounts, { succeeded: 2 });
    assert.ok(summary.runs.every((r) => r.owner === summary.owner && r.usage !== null));
    assert.match(result.stderr, /scheduler started \(once\)/);
    assert.match(result.stderr, /run [0-9a-f]{8} of "daily" started/);
    assert.match(result.stderr, /run [0-9a-f]{8} of "after" ended: succeeded/);

    const all = await runs();
    assert.equal(all.length, 2, 'nothing else ran or was queued');
    const job = json<JobJson>(ok(await run(['--json', 'job', 'show', parent.id])));
    assert.ok(Date.parse(job.nextRunTime!) > Date.now(), 'the next fire is in the future');

    const again = await run(['--json', 'scheduler', '--once']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(json<SchedulerSummaryJson>(again).runs, [], 'a second --once finds nothing due');
  });

  it('--once exits 1 when a run it started failed', async () => {
    const { run, runs } = setup();
    const yesterday = new Date(Date.now() - DAY_MS);
    ok(
      await run(
        [
          'job',
          'add',
          '--name',
          'crashing',
          '--prompt',
          'p',
          '--cron',
          '0 0 * * *',
          '--tz',
          'UTC',
          '--env',
          'FAKE_CLAUDE_MODE=crash',
        ],
        yesterday,
      ),
    );
    const result = await run(['scheduler', '--once']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /1 run\(s\) started: 1 failed/);
    assert.match(result.stderr, /of "crashing" ended: failed after .* \(Claude exited with code 3/);
    assert.deepEqual(
      (await runs()).map((r) => r.status),
      ['failed'],
    );
  });

  it('--for stops by itself and exits 0', async () => {
    const { db, run } = setup();
    const result = await run(['--json', 'scheduler', '--for', '2']);
    assert.equal(result.code, 0, result.stderr);
    const summary = json<SchedulerSummaryJson>(result);
    assert.equal(summary.stoppedBy, 'time');
    assert.equal(summary.forSeconds, 2);
    assert.deepEqual(summary.runs, []);
    assert.equal(summary.database, db);
    assert.match(result.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z scheduler started \(for 2 s\)/);
    assert.match(result.stderr, /did not exist: created it, empty/);
    assert.match(result.stderr, /scheduler stopped \(time is up\)/);
  });

  it('refuses bad options before touching the database', async () => {
    const { db, run } = setup();
    for (const [argv, message] of [
      [['--for', '0'], '--for: 0 is not an integer from 1 to 31536000'],
      [['--for', '3', '--once'], '--for and --once cannot be combined'],
      [['--concurrency', 'two'], '--concurrency: "two" is not an integer from 1 to 100'],
    ] as const) {
      const result = await run(['scheduler', ...argv]);
      assert.equal(result.code, 2, argv.join(' '));
      assert.ok(result.stderr.includes(message), result.stderr);
    }
    assert.equal(fs.existsSync(db), false);
  });

  it('SIGTERM stops it gracefully: the running run cancelled, its cleanup run, exit 0', async () => {
    const { dir, db, run, runs } = setup();
    const cleaned = path.join(dir, 'cleaned');
    const pidFile = path.join(dir, 'grandchild.pid');
    ok(
      await run([
        'job',
        'add',
        '--name',
        'stuck',
        '--prompt',
        'p',
        '--cron',
        '* * * * * *',
        '--env',
        'FAKE_CLAUDE_MODE=hang',
        '--env',
        `FAKE_CLAUDE_PID_FILE=${pidFile}`,
        '--cleanup',
        `touch "${cleaned}"`,
      ]),
    );
    const proc = startCli(bundle(), ['--db', db, '--claude', FAKE_CLAUDE, '--json', 'scheduler'], dir);
    const grandchild = await waitForGrandchildPid(pidFile);
    process.kill(proc.pid, 'SIGTERM');
    const { code } = await proc.exited;
    assert.equal(code, 0, proc.stderr());
    assert.match(proc.stderr(), /SIGTERM: stopping; runs in progress are cancelled/);
    const summary = JSON.parse(proc.stdout()) as SchedulerSummaryJson;
    assert.equal(summary.stoppedBy, 'SIGTERM');
    assert.deepEqual(
      summary.runs.map((r) => [r.status, r.processes.map((p) => `${p.processType} ${p.status}`)]),
      [['cancelled', ['execution cancelled', 'cleanup completed']]],
    );
    assert.ok(fs.existsSync(cleaned), 'the cleanup phase ran');
    assert.equal(isAlive(grandchild), false, 'the grandchild of claude is gone');
    const all = await runs();
    assert.deepEqual(
      all.filter((r) => !['cancelled', 'skipped'].includes(r.status)),
      [],
      'every other fire was skipped (overlap), none left running or queued',
    );
  });
});
