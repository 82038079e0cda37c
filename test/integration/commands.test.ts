// The commands a caller passes arguments to (a tree node, an id, options), each checked by what it
// changed. Commands with files of their own: runs.test.ts (runs), jobsTree.test.ts (sort, filter,
// paging, quiet mode), exportJob, migration and usage tests.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND } from '../../src/commands/commandIds';
import type { Job, Run } from '../../src/core/model';
import type { NightPilotDatabase } from '../../src/storage/database';
import type { JobsTreeNode } from '../../src/views/treeItems';
import type { NightPilotUnderTest } from './nightPilot';
import { openNightPilot } from './nightPilot';
import { insertJob } from './testJobs';

describe('commands with arguments', () => {
  let np: NightPilotUnderTest;
  let db: NightPilotDatabase;

  before(async () => {
    np = await openNightPilot();
    db = np.database!;
  });

  const jobNode = async (id: string) =>
    (await np.jobsTree.getChildren()).find((n) => n.kind === 'job' && n.job.id === id) as
      Extract<JobsTreeNode, { kind: 'job' }> | undefined;

  it('refresh, show log and open database folder answer (the folder is named, in a remote window)', async () => {
    await vscode.commands.executeCommand(COMMAND.refresh);
    await vscode.commands.executeCommand(COMMAND.showLog);
    const folder = await vscode.commands.executeCommand<string>(COMMAND.openDatabaseFolder);
    assert.equal(folder, path.dirname(np.databasePath));
  });

  it('creates a job from its arguments, storing its prompt and next fire', async () => {
    const job = await vscode.commands.executeCommand<Job>(COMMAND.createJob, {
      name: 'Created by command',
      prompt: 'Summarise the open TODOs.',
      cron: '30 1 * * *',
      timezone: 'UTC',
    });
    const stored = db.read((tx) => {
      const j = tx.jobs.require(job.id);
      return { job: j, prompt: tx.prompts.require(j.promptId) };
    });
    assert.equal(stored.job.cronExpression, '30 1 * * *');
    assert.equal(stored.prompt.content, 'Summarise the open TODOs.');
    assert.match(stored.job.nextRunTime!, /T01:30:00\.000Z$/);
    assert.ok(await jobNode(job.id), 'the job is in the tree');
    await vscode.commands.executeCommand(COMMAND.deleteJob, job.id, { confirm: false });
  });

  it('pauses a job from its tree node and resumes it by id', async () => {
    const job = await insertJob(db, 'Pause me');
    await vscode.commands.executeCommand(COMMAND.pauseJob, await jobNode(job.id));
    const paused = await jobNode(job.id);
    assert.equal(paused?.job.status, 'paused');
    assert.equal(np.jobsTree.getTreeItem(paused!).contextValue, 'job+paused');
    const resumed = await vscode.commands.executeCommand<Job>(COMMAND.resumeJob, job.id);
    assert.equal(resumed.status, 'active');
    assert.ok(new Date(resumed.nextRunTime!).getTime() > Date.now());
    await vscode.commands.executeCommand(COMMAND.deleteJob, job.id, { confirm: false });
  });

  it("deletes the job selected in the view, as the view's Delete key does", async () => {
    const job = await insertJob(db, 'Delete me with the key');
    await vscode.commands.executeCommand('nightPilot.jobs.focus');
    const node = await jobNode(job.id);
    await np.jobsTree.view!.reveal(node!, { select: true, focus: true });
    assert.equal(np.jobsTree.view!.selection[0]?.kind, 'job');
    // The keybinding passes { fromSelection: true } (package.json); confirm: false skips the dialog.
    assert.equal(
      await vscode.commands.executeCommand(COMMAND.deleteJob, { fromSelection: true }, { confirm: false }),
      true,
    );
    assert.equal(
      db.read((tx) => tx.jobs.get(job.id)),
      undefined,
    );
    assert.equal(await jobNode(job.id), undefined);
  });

  it('cancels a queued run by id', async () => {
    const job = await insertJob(db, 'Queued', { status: 'paused' });
    const run = await db.write((tx) =>
      tx.runs.claim({ jobId: job.id, trigger: 'manual', scheduledFor: '2024-03-01T00:00:00.000Z' }),
    );
    const cancelled = await vscode.commands.executeCommand<Run>(COMMAND.cancelRun, run!.id);
    assert.equal(cancelled.status, 'cancelled');
    await vscode.commands.executeCommand(COMMAND.deleteJob, job.id, { confirm: false });
  });

  it('restore says there is no copy yet (and changes nothing) before the idle check made one', async () => {
    assert.equal(await vscode.commands.executeCommand(COMMAND.restoreDatabase), false);
  });

  it('counts the failures since the user last looked, and none once they looked', async () => {
    const job = await insertJob(db, 'Failing while away', { status: 'paused' });
    const seenAt = new Date(Date.now() - 1000).toISOString();
    await np.internals.seenFailures.markSeen();
    const pause = () => new Promise((r) => setTimeout(r, 20));
    await pause();
    await db.write((tx) => {
      const r = tx.runs.claim({
        jobId: job.id,
        trigger: 'schedule',
        scheduledFor: new Date().toISOString(),
        status: 'failed',
      })!;
      tx.runs.update(r.id, { endedAt: new Date().toISOString(), error: 'boom' });
    });
    await pause();
    await vscode.commands.executeCommand(COMMAND.refresh);
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(np.internals.seenFailures.seenAt >= seenAt);
    assert.match(np.internals.statusBar.text, /\$\(error\) 1 failed/);
    assert.match(np.internals.statusBar.tooltip, /1 run\(s\) failed since you last looked at the Jobs view/);
    await np.internals.seenFailures.markSeen();
    await new Promise((r) => setTimeout(r, 100));
    assert.doesNotMatch(np.internals.statusBar.text, /failed/);
    await vscode.commands.executeCommand(COMMAND.deleteJob, job.id, { confirm: false });
  });
});
