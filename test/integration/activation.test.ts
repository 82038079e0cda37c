// Runs inside a real VS Code extension host (code-server here, desktop VS Code with test:desktop).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NightPilotApi } from '../../src/api';
import type { Job } from '../../src/core/model';
import { isQuietMode } from '../../src/scheduler/limitHold';
import type { NightPilotDatabase } from '../../src/storage/database';
import { insertJob } from './testJobs';
import type { JobsTreeNode } from '../../src/views/treeItems';

const EXTENSION_ID = 'night-pilot.night-pilot';
const COMMANDS = [
  'nightPilot.refresh',
  'nightPilot.showLog',
  'nightPilot.openDatabaseFolder',
  'nightPilot.createJob',
  'nightPilot.runJob',
  'nightPilot.pauseJob',
  'nightPilot.resumeJob',
  'nightPilot.deleteJob',
  'nightPilot.cancelRun',
  'nightPilot.exportJobToGitHubActions',
  'nightPilot.pauseAll',
  'nightPilot.resumeAll',
  'nightPilot.migrateLegacy',
  'nightPilot.openUsageDashboard',
  'nightPilot.setBudgets',
  'nightPilot.setJobBudget',
  'nightPilot.openRun',
  'nightPilot.restoreDatabase',
  'nightPilot.editJob',
  'nightPilot.renameJob',
  'nightPilot.duplicateJob',
  'nightPilot.exportJobs',
  'nightPilot.importJobs',
  'nightPilot.createJobFromPrompt',
  'nightPilot.openPrompt',
  'nightPilot.reviewPromptPermissions',
  'nightPilot.newPrompt',
];

interface Manifest {
  contributes: {
    commands: { command: string }[];
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string }[]>;
  };
}

function jobNode(nodes: JobsTreeNode[], jobId: string): Extract<JobsTreeNode, { kind: 'job' }> | undefined {
  return nodes.find(
    (n): n is Extract<JobsTreeNode, { kind: 'job' }> => n.kind === 'job' && n.job.id === jobId,
  );
}

describe('Night Pilot in a real VS Code', () => {
  let extension: vscode.Extension<NightPilotApi>;
  let api: NightPilotApi;
  let db: NightPilotDatabase;

  before(async () => {
    const found = vscode.extensions.getExtension<NightPilotApi>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    extension = found;
    api = await extension.activate();
    assert.ok(api.database, `the database did not open: ${api.activationError}`);
    db = api.database;
  });

  it('activates without an error', () => {
    assert.equal(extension.isActive, true);
    assert.equal(api.activationError, undefined);
  });

  it('keeps its SQLite database in the extension global storage folder', () => {
    const folder = path.dirname(api.databasePath);
    assert.equal(path.basename(api.databasePath), 'claude-night-pilot.db');
    assert.equal(path.basename(folder), EXTENSION_ID);
    assert.equal(path.basename(path.dirname(folder)), 'globalStorage');
    const header = fs.readFileSync(api.databasePath).subarray(0, 16).toString('latin1');
    assert.equal(header, 'SQLite format 3\0');
  });

  it('contributes and registers every Night Pilot command', async () => {
    const manifest = extension.packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, [...COMMANDS].sort());
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `commands contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes the Jobs view in a Night Pilot activity bar container and can focus it', async () => {
    const { viewsContainers, views } = (extension.packageJSON as Manifest).contributes;
    assert.ok(viewsContainers.activitybar.some((c) => c.id === 'nightPilot' && c.title === 'Night Pilot'));
    assert.deepEqual(
      views.nightPilot?.map((v) => v.id),
      ['nightPilot.jobs'],
    );
    await vscode.commands.executeCommand('nightPilot.jobs.focus');
  });

  it('runs the refresh and show-log commands', async () => {
    await vscode.commands.executeCommand('nightPilot.refresh');
    await vscode.commands.executeCommand('nightPilot.showLog');
  });

  it('shows a job written to the database in the Jobs tree', async () => {
    const job = await insertJob(db, 'Inserted directly');
    const node = jobNode(api.jobsTree.getChildren(), job.id);
    assert.ok(node, 'the inserted job is not among the tree roots');
    const item = api.jobsTree.getTreeItem(node);
    assert.equal(item.label, 'Inserted directly');
    assert.equal(item.contextValue, 'job+active');
    assert.match(String(item.description), /^next /);
  });

  it('creates a job with the createJob command and stores its prompt and next fire', async () => {
    const job = await vscode.commands.executeCommand<Job | undefined>('nightPilot.createJob', {
      name: 'Created by command',
      prompt: 'Summarise the open TODOs.',
      cron: '30 1 * * *',
      timezone: 'UTC',
    });
    assert.ok(job, 'createJob returned nothing');
    const stored = db.read((tx) => {
      const j = tx.jobs.require(job.id);
      return { job: j, prompt: tx.prompts.require(j.promptId) };
    });
    assert.equal(stored.job.cronExpression, '30 1 * * *');
    assert.equal(stored.job.status, 'active');
    assert.equal(stored.prompt.content, 'Summarise the open TODOs.');
    assert.ok(stored.job.nextRunTime, 'no next fire time');
    assert.match(stored.job.nextRunTime, /T01:30:00\.000Z$/);
    assert.ok(new Date(stored.job.nextRunTime).getTime() > Date.now());
  });

  it('refuses an invalid cron expression and stores nothing', async () => {
    const before = db.read((tx) => tx.jobs.list().length);
    const job = await vscode.commands.executeCommand<Job | undefined>('nightPilot.createJob', {
      name: 'Bad schedule',
      prompt: 'x',
      cron: '61 * * * *',
    });
    assert.equal(job, undefined);
    assert.equal(
      db.read((tx) => tx.jobs.list().length),
      before,
    );
  });

  it('pauses and resumes a job from its tree node', async () => {
    const job = await insertJob(db, 'Pause me');
    const node = jobNode(api.jobsTree.getChildren(), job.id);
    assert.ok(node);
    await vscode.commands.executeCommand('nightPilot.pauseJob', node);
    const paused = jobNode(api.jobsTree.getChildren(), job.id);
    assert.ok(paused);
    assert.equal(paused.job.status, 'paused');
    assert.equal(api.jobsTree.getTreeItem(paused).contextValue, 'job+paused');

    await vscode.commands.executeCommand('nightPilot.resumeJob', job.id);
    const resumed = db.read((tx) => tx.jobs.require(job.id));
    assert.equal(resumed.status, 'active');
    assert.ok(resumed.nextRunTime && new Date(resumed.nextRunTime).getTime() > Date.now());
  });

  it('nests a child job under its parent and lists runs newest first with their processes', async () => {
    const parent = await insertJob(db, 'Parent');
    const child = await insertJob(db, 'Child', { parentJobId: parent.id });
    const [older, newer] = await db.write((tx) => {
      const a = tx.runs.claim({
        jobId: parent.id,
        trigger: 'schedule',
        scheduledFor: '2024-01-01T02:00:00.000Z',
      });
      const b = tx.runs.claim({
        jobId: parent.id,
        trigger: 'manual',
        scheduledFor: '2024-01-02T02:00:00.000Z',
      });
      assert.ok(a && b);
      tx.runs.update(b.id, { status: 'running', startedAt: tx.now() });
      tx.processes.insert({ runId: b.id, jobId: parent.id, processType: 'execution' });
      return [a, b];
    });

    const roots = api.jobsTree.getChildren();
    assert.equal(jobNode(roots, child.id), undefined, 'the child job is also a root');
    const parentNode = jobNode(roots, parent.id);
    assert.ok(parentNode);
    assert.equal(api.jobsTree.getTreeItem(parentNode).contextValue, 'job+active+running');

    const children = api.jobsTree.getChildren(parentNode);
    assert.deepEqual(
      children.map((n) => (n.kind === 'job' ? n.job.id : n.kind === 'run' ? n.run.id : n.kind)),
      [child.id, newer.id, older.id],
    );
    const runNode = children[1];
    assert.ok(runNode && runNode.kind === 'run');
    assert.equal(api.jobsTree.getTreeItem(runNode).contextValue, 'run+running');
    const processes = api.jobsTree.getChildren(runNode);
    assert.deepEqual(
      processes.map((n) => (n.kind === 'process' ? n.process.processType : n.kind)),
      ['execution'],
    );
  });

  it('deletes a job with the deleteJob command', async () => {
    const job = await insertJob(db, 'Delete me');
    const deleted = await vscode.commands.executeCommand<boolean>('nightPilot.deleteJob', job.id, {
      confirm: false,
    });
    assert.equal(deleted, true);
    assert.equal(
      db.read((tx) => tx.jobs.get(job.id)),
      undefined,
    );
    assert.equal(jobNode(api.jobsTree.getChildren(), job.id), undefined);
  });

  it('cancels a queued run with the cancelRun command', async () => {
    const job = await insertJob(db, 'Queued');
    const run = await db.write((tx) =>
      tx.runs.claim({ jobId: job.id, trigger: 'manual', scheduledFor: '2024-03-01T00:00:00.000Z' }),
    );
    assert.ok(run);
    await vscode.commands.executeCommand('nightPilot.cancelRun', run.id);
    const after = db.read((tx) => tx.runs.require(run.id));
    assert.equal(after.status, 'cancelled');
  });

  it('turns quiet mode on and off for every process sharing the database', async () => {
    const quiet = () => db.read((tx) => isQuietMode(tx));
    await vscode.commands.executeCommand('nightPilot.pauseAll');
    assert.equal(quiet(), true);
    await vscode.commands.executeCommand('nightPilot.resumeAll');
    assert.equal(quiet(), false);
  });

  describe('Claude CLI detection', () => {
    const setting = () => vscode.workspace.getConfiguration('nightPilot');
    let original: string | undefined;

    before(() => {
      original = setting().inspect<string>('claude.path')?.globalValue;
    });
    after(async () => {
      await setting().update('claude.path', original, vscode.ConfigurationTarget.Global);
    });

    /** The detection re-runs on a settings change; wait until it reports `found`. */
    async function locationWhere(
      found: boolean,
    ): Promise<Awaited<ReturnType<NightPilotApi['claudeLocation']>>> {
      for (let i = 0; i < 100; i++) {
        const location = await api.claudeLocation();
        if (location.found === found) return location;
        await new Promise((r) => setTimeout(r, 100));
      }
      return api.claudeLocation();
    }

    it('finds the CLI the nightPilot.claude.path setting names', async function () {
      // test:integration points the setting at the CLI in node_modules; test:desktop does not.
      if (!original) this.skip();
      const location = await locationWhere(true);
      assert.ok(location.found, `not found: ${location.found ? '' : location.message}`);
      assert.equal(fs.realpathSync(location.path), fs.realpathSync(original!));
    });

    it('says so, naming the path, when the configured CLI does not exist', async () => {
      const missing = path.join(path.dirname(api.databasePath), 'no-such-dir', 'claude');
      await setting().update('claude.path', missing, vscode.ConfigurationTarget.Global);
      const location = await locationWhere(false);
      assert.equal(location.found, false);
      if (!location.found) assert.ok(location.message.includes(missing), location.message);
    });
  });
});
