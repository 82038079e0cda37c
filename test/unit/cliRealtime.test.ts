// From the issue: "a 6-field every-second job run by two `night-pilot scheduler` processes on one
// database for about 10 s: every fire exactly once, each run recorded with its processes and
// usage". Real time, real processes, the real storage claim deciding every race.

import assert from 'node:assert/strict';
import path from 'node:path';
import type { JobJson, RunJson } from '../../src/cli/output';
import type { SchedulerSummaryJson } from '../../src/cli/schedulerCommand';
import { FAKE_CLAUDE, buildCliBundle, startCli } from './cliBundle';
import { TempDirs, cli, json, ok } from './cliHarness';

const temp = new TempDirs();
const SECONDS = 10;

describe('night-pilot scheduler in real time, two processes on one database', function () {
  this.timeout(60_000);
  after(() => temp.cleanup());

  it('runs every fire of an every-second job exactly once, each with its process and usage', async () => {
    const bundle = await buildCliBundle(temp.make('np-cli-bundle-'));
    const dir = temp.make('np-cli-realtime-');
    const db = path.join(dir, 'night-pilot.db');
    const job = json<JobJson>(
      ok(
        await cli(
          [
            '--db',
            db,
            '--json',
            'job',
            'add',
            '--name',
            'every-second',
            '--prompt',
            'p',
            '--cron',
            '* * * * * *',
            '--cwd',
            dir,
          ],
          { cwd: dir },
        ),
      ),
    );

    const argv = ['--db', db, '--claude', FAKE_CLAUDE, '--json', 'scheduler', '--for', String(SECONDS)];
    const schedulers = [startCli(bundle, argv, dir), startCli(bundle, argv, dir)];
    const exits = await Promise.all(schedulers.map((p) => p.exited));
    exits.forEach(({ code }, i) => assert.equal(code, 0, schedulers[i]!.stderr()));
    const summaries = schedulers.map((p) => JSON.parse(p.stdout()) as SchedulerSummaryJson);
    for (const [i, p] of schedulers.entries()) {
      assert.match(p.stderr(), /scheduler started \(for 10 s\)/, `scheduler ${i + 1} ran`);
      assert.equal(summaries[i]!.stoppedBy, 'time');
    }

    const runs = json<RunJson[]>(
      ok(await cli(['--db', db, '--json', 'run', 'list', '--limit', '10000'], { cwd: dir })),
    );
    assert.ok(runs.every((r) => r.jobId === job.id && r.trigger === 'schedule'));
    const bySecond = new Map<number, RunJson[]>();
    for (const run of runs) {
      const at = Date.parse(run.scheduledFor);
      assert.equal(at % 1000, 0, `${run.scheduledFor} is a whole second`);
      bySecond.set(at, [...(bySecond.get(at) ?? []), run]);
    }
    const seconds = [...bySecond.keys()].sort((a, b) => a - b);
    const first = seconds[0]!;
    const last = seconds[seconds.length - 1]!;
    assert.ok(last - first >= (SECONDS - 3) * 1000, `fires recorded from ${first} to ${last}`);
    for (let at = first; at <= last; at += 1000) {
      const rows = bySecond.get(at) ?? [];
      assert.equal(rows.length, 1, `exactly one run for ${new Date(at).toISOString()}, got ${rows.length}`);
    }

    const owners = new Map(summaries.map((s) => [s.owner, s]));
    for (const run of runs) {
      if (run.status === 'skipped') {
        assert.match(run.error ?? '', /previous run of this job was still going \(overlap\)/);
        continue;
      }
      const summary = owners.get(run.owner ?? '');
      assert.ok(summary, `run ${run.id} (${run.status}) was run by one of the two schedulers`);
      if (run.status === 'cancelled') {
        // Only the end of --for cancels: a run still going when its scheduler's time was up.
        const deadline = Date.parse(summary.startedAt) + SECONDS * 1000;
        assert.ok(
          Date.parse(run.endedAt!) >= deadline,
          `run ${run.id} was cancelled before its scheduler's time was up`,
        );
        continue;
      }
      assert.equal(run.status, 'succeeded', `run ${run.id}: ${run.error}`);
      assert.deepEqual(
        run.processes.map((p) => [p.processType, p.status, p.exitCode]),
        [['execution', 'completed', 0]],
      );
      assert.equal(run.usage?.inputTokens, 1200);
      assert.equal(run.usage?.costUsd, 0.0123);
    }
    const succeeded = runs.filter((r) => r.status === 'succeeded');
    assert.ok(succeeded.length >= 3, `${succeeded.length} runs succeeded`);
    assert.ok(
      runs.filter((r) => r.status === 'cancelled').length <= 2,
      'at most one cancelled per scheduler',
    );
    assert.deepEqual(
      runs.filter((r) => ['queued', 'running', 'waiting_for_limit'].includes(r.status)),
      [],
      'nothing left unfinished',
    );
    // Each scheduler reported exactly the runs it owned.
    for (const summary of summaries) {
      assert.deepEqual(
        summary.runs.map((r) => r.id).sort(),
        runs
          .filter((r) => r.owner === summary.owner && r.status !== 'skipped')
          .map((r) => r.id)
          .sort(),
      );
    }
  });
});
