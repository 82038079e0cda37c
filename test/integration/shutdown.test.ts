// Closing the window: `deactivate` stops the scheduler in order (the run cancelled, its cleanup
// phase run, its outcome saved) and only then closes the database. This file runs last: after it
// the extension is deactivated.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openNightPilot } from './nightPilot';
import type { Job } from '../../src/core/model';
import { NightPilotDatabase } from '../../src/storage/database';
import { useFakeApiForClaude } from './fakeApiHost';

describe('deactivation (closing the window)', function () {
  this.timeout(60_000);
  const fakeApi = useFakeApiForClaude();

  it('cancels the running run, runs its cleanup, saves the outcome, then closes the database (defect 6)', async () => {
    const api = await openNightPilot();
    const db = api.database!;
    fakeApi.api.setScenario({ kind: 'slow', delayMs: 'never' });
    const marker = path.join(path.dirname(api.databasePath), 'cleaned-at-shutdown');
    const job = await vscode.commands.executeCommand<Job>('nightPilot.createJob', {
      name: 'running when the window closes',
      prompt: 'Take your time.',
      cron: '* * * * * *',
      timezone: 'UTC',
    });
    await db.write((tx) => tx.jobs.update(job.id, { options: { cleanupCommand: `touch "${marker}"` } }));
    for (let i = 0; ; i++) {
      const running = db.read((tx) =>
        tx.runs
          .list({ jobId: job.id, statuses: ['running'] })
          .some((r) => tx.processes.listByRun(r.id).some((p) => p.processType === 'execution' && p.pgid)),
      );
      if (running) break;
      if (i > 300) throw new Error('the run did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    // What VS Code calls when the window closes (the module it loaded, from the require cache).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same module instance VS Code holds
    const main = require(path.join(api.extension.extensionPath, 'dist', 'extension.js')) as {
      deactivate(): Promise<void> | undefined;
    };
    const stopping = main.deactivate();
    assert.ok(stopping instanceof Promise, 'deactivate returns the promise of its orderly stop');
    const started = Date.now();
    await stopping;
    assert.ok(Date.now() - started < 5_000, 'within the 5 s VS Code gives it');
    assert.throws(() => db.read((tx) => tx.jobs.list()), /is closed/);

    const reopened = await NightPilotDatabase.open(api.databasePath);
    try {
      const runs = reopened.read((tx) =>
        tx.runs.list({ jobId: job.id }).map((r) => ({ run: r, phases: tx.processes.listByRun(r.id) })),
      );
      const ran = runs.filter((r) => r.run.status !== 'skipped');
      assert.equal(ran.length, 1, JSON.stringify(runs.map((r) => r.run.status)));
      assert.equal(ran[0]!.run.status, 'cancelled');
      assert.deepEqual(
        ran[0]!.phases.map((p) => [p.processType, p.status]),
        [
          ['execution', 'cancelled'],
          ['cleanup', 'completed'],
        ],
      );
      assert.ok(fs.existsSync(marker), 'the cleanup phase ran');
    } finally {
      reopened.close();
    }
  });
});
