// The unified scheduler inside a real VS Code extension host, running the real pinned Claude Code
// CLI (the `nightPilot.claude.path` setting of the test runner) against the project's fake
// Anthropic API on 127.0.0.1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NightPilotUnderTest } from './nightPilot';
import { openNightPilot } from './nightPilot';
import type { Job, Run } from '../../src/core/model';
import type { NightPilotDatabase } from '../../src/storage/database';
import { useFakeApiForClaude } from './fakeApiHost';

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function runsOf(db: NightPilotDatabase, jobId: string): Run[] {
  return db.read((tx) => tx.runs.list({ jobId }));
}

describe('the scheduler in a real VS Code', function () {
  this.timeout(90_000);
  let api: NightPilotUnderTest;
  let db: NightPilotDatabase;
  const fakeApi = useFakeApiForClaude();

  before(async () => {
    api = await openNightPilot();
    db = api.database!;
  });

  it('starts the scheduler on activation', () => {
    assert.ok(api.scheduler, 'the API exposes the scheduler');
    assert.equal(api.scheduler.started, true);
    assert.equal(api.scheduler.scheduler.running, true);
  });

  it('fires a job created through the Create Job command and records its run', async () => {
    const job = await vscode.commands.executeCommand<Job>('nightPilot.createJob', {
      name: 'every second from the command',
      prompt: 'Say hello from the extension test.',
      cron: '* * * * * *',
      timezone: 'UTC',
    });
    assert.ok(job, 'the command returned the job');
    try {
      const run = await waitFor('a succeeded run', () =>
        runsOf(db, job.id).find((r) => r.status === 'succeeded'),
      );
      assert.equal(run.trigger, 'schedule');
      db.read((tx) => {
        const execution = tx.processes.listByRun(run.id).find((p) => p.processType === 'execution');
        assert.equal(execution?.status, 'completed');
        assert.match(execution?.outputTail ?? '', /Done by the fake API\./);
        assert.ok(tx.usage.listByRun(run.id).length > 0, 'usage recorded');
      });
      assert.ok(
        fakeApi.api
          .messageRequests()
          .some((r) => JSON.stringify(r.body).includes('Say hello from the extension test.')),
        'the prompt reached the API through the real CLI',
      );
    } finally {
      await db.write((tx) => tx.jobs.update(job.id, { status: 'paused' }));
      await api.scheduler!.scheduler.idle();
      await vscode.commands.executeCommand('nightPilot.deleteJob', job.id, { confirm: false });
    }
  });

  it('picks up a job the CLI adds to the same database while the window is open, and fires it once', async () => {
    const cli = path.join(api.extension.extensionPath, 'dist', 'cli.js');
    const added = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          cli,
          '--db',
          api.databasePath,
          '--json',
          'job',
          'add',
          '--name',
          'added by the CLI',
          '--prompt',
          'From the CLI.',
          '--cron',
          '* * * * * *',
          '--tz',
          'UTC',
          '--once',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(added.code, 0, added.stderr);
    const job = JSON.parse(added.stdout) as Job;
    const done = await waitFor('the one-time job to complete', () => {
      const current = db.read((tx) => tx.jobs.get(job.id));
      return current && current.status !== 'active' ? current : undefined;
    });
    assert.equal(done.status, 'completed');
    const runs = runsOf(db, job.id);
    assert.deepEqual(
      runs.map((r) => [r.trigger, r.status]),
      [['schedule', 'succeeded']],
    );
    await vscode.commands.executeCommand('nightPilot.deleteJob', job.id, { confirm: false });
  });

  it('deletes a job whose run is going: the run is cancelled first (Claude stopped), then the job and its logs go (defect 10)', async () => {
    fakeApi.api.setScenario({ kind: 'slow', delayMs: 'never' });
    const job = await vscode.commands.executeCommand<Job>('nightPilot.createJob', {
      name: 'deleted while running',
      prompt: 'Take your time.',
      cron: '* * * * * *',
      timezone: 'UTC',
    });
    try {
      const pgid = await waitFor('Claude to be running', () =>
        db.read((tx) => {
          const run = tx.runs.list({ jobId: job.id, statuses: ['running'] })[0];
          const execution = run && tx.processes.listByRun(run.id).find((p) => p.processType === 'execution');
          return execution?.pgid ?? undefined;
        }),
      );
      const logs = path.join(path.dirname(api.databasePath), 'logs', job.id);
      const deleted = await vscode.commands.executeCommand<boolean>('nightPilot.deleteJob', job.id, {
        confirm: false,
      });
      assert.equal(deleted, true);
      assert.equal(
        db.read((tx) => tx.jobs.get(job.id)),
        undefined,
      );
      assert.equal(
        db.read((tx) => tx.runs.list({ jobId: job.id }).length),
        0,
      );
      let alive = true;
      try {
        process.kill(-pgid, 0);
      } catch {
        alive = false;
      }
      assert.equal(alive, false, "Claude's process group is gone");
      assert.equal(fs.existsSync(logs), false, "the job's logs are gone");
    } finally {
      fakeApi.api.setScenario({ kind: 'success', text: 'Done by the fake API.' });
    }
  });
});
