// Every job option editable, in a real VS Code: Edit Job with values (the CLI's rules), Rename,
// Duplicate, Create Job's folder and zone, and Export Jobs then Import Jobs (all or nothing).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Job } from '../../src/core/model';
import type { NightPilotDatabase } from '../../src/storage/database';
import { openNightPilot } from './nightPilot';
import { insertJob } from './testJobs';

describe('editing jobs in a real VS Code', () => {
  let db: NightPilotDatabase;
  let scratch: string;

  before(async () => {
    db = (await openNightPilot()).database!;
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'np-edit-'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const stored = (id: string) => db.read((tx) => tx.jobs.require(id));
  const edit = (id: string, changes: object) =>
    vscode.commands.executeCommand<Job | undefined>('nightPilot.editJob', id, changes);

  it('changes the schedule and zone, recomputing the next fire', async () => {
    const job = await insertJob(db, 'Edit my schedule');
    const edited = await edit(job.id, { cronExpression: '30 4 * * 1-5', timezone: 'Asia/Tokyo' });
    assert.equal(edited?.cronExpression, '30 4 * * 1-5');
    assert.equal(edited?.timezone, 'Asia/Tokyo');
    // 04:30 in Tokyo is 19:30 UTC the day before.
    assert.match(edited!.nextRunTime!, /T19:30:00\.000Z$/);
    assert.ok(Date.parse(edited!.nextRunTime!) > Date.now());
  });

  it('changes every option with the validator the CLI uses, and refuses bad values changing nothing', async () => {
    const job = await insertJob(db, 'Edit my options');
    const edited = await edit(job.id, {
      options: {
        workingDirectory: scratch,
        model: 'opus',
        maxTurns: 12,
        allowedTools: ['Read', 'Bash(git log:*)'],
        disallowedTools: ['WebFetch'],
        timeoutSeconds: 900,
        env: { CI: '1' },
        setupCommand: 'npm ci',
        validationCommand: 'npm test',
        cleanupCommand: 'git stash',
        appendSystemPrompt: 'Be brief.',
        permissionMode: 'acceptEdits',
      },
      retry: { maxAttempts: 3, strategy: 'linear', baseDelaySeconds: 30, maxDelaySeconds: 600 },
      missedRunPolicy: 'skip',
      priority: 2,
    });
    assert.ok(edited);
    const o = stored(job.id).options;
    assert.deepEqual(
      [o.workingDirectory, o.model, o.maxTurns, o.timeoutSeconds, o.permissionMode, o.env],
      [scratch, 'opus', 12, 900, 'acceptEdits', { CI: '1' }],
    );
    assert.deepEqual(stored(job.id).retry.maxAttempts, 3);

    const before = stored(job.id);
    for (const bad of [
      { options: { maxTurns: 0 } },
      { options: { model: 'claude sonnet' } },
      { options: { workingDirectory: path.join(scratch, 'no-such-folder') } },
      { options: { permissionMode: 'bypassPermissions' } },
      { options: { allowedTools: ['Bash(git'] } },
      { cronExpression: '61 * * * *' },
      { timezone: 'Mars/Olympus' },
      { priority: 11 },
      { retry: { maxAttempts: 2, baseDelaySeconds: 600, maxDelaySeconds: 60 } },
      { cronExpression: '' },
    ]) {
      await assert.rejects(Promise.resolve(edit(job.id, bad)), /was not changed: /, JSON.stringify(bad));
      assert.deepEqual(stored(job.id), before, `changed by ${JSON.stringify(bad)}`);
    }
    const bypass = await edit(job.id, {
      options: { permissionMode: 'bypassPermissions', allowBypass: true },
    });
    assert.equal(bypass?.options.permissionMode, 'bypassPermissions');
  });

  it('makes a job with a parent and no schedule a triggered child, and refuses a cycle', async () => {
    const parent = await insertJob(db, 'Edit parent');
    const child = await insertJob(db, 'Edit child');
    const edited = await edit(child.id, { parentJobId: parent.id, cronExpression: '' });
    assert.equal(edited?.jobType, 'triggered');
    assert.equal(edited?.nextRunTime, null);
    await assert.rejects(Promise.resolve(edit(parent.id, { parentJobId: child.id })), /would create a cycle/);
    assert.equal(stored(parent.id).parentJobId, null);
  });

  it('renames a job, refusing a name the CLI would refuse', async () => {
    const job = await insertJob(db, 'Old name');
    const renamed = await vscode.commands.executeCommand<Job>('nightPilot.renameJob', job.id, 'New name');
    assert.equal(renamed?.name, 'New name');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('nightPilot.renameJob', job.id, 'two\nlines')),
      /the name must be one line/,
    );
    assert.equal(stored(job.id).name, 'New name');
  });

  it('duplicates a job with every option, paused, with its own copy of a stored prompt', async () => {
    const job = await insertJob(db, 'Original', { options: { model: 'sonnet', maxTurns: 4 }, priority: 3 });
    const copy = await vscode.commands.executeCommand<Job>(
      'nightPilot.duplicateJob',
      job.id,
      'Original (copy)',
    );
    assert.ok(copy);
    assert.equal(copy.status, 'paused');
    assert.deepEqual([copy.options.model, copy.options.maxTurns, copy.priority], ['sonnet', 4, 3]);
    assert.notEqual(copy.promptId, job.promptId);
    assert.equal(
      db.read((tx) => tx.prompts.require(copy.promptId).content),
      'Say hello.',
    );
  });

  it('creates a job in the workspace folder by default, or in the folder and zone given', async () => {
    const inWorkspace = await vscode.commands.executeCommand<Job>('nightPilot.createJob', {
      name: 'Default folder',
      prompt: 'Look around.',
      cron: '0 2 * * *',
    });
    assert.equal(inWorkspace?.options.workingDirectory, vscode.workspace.workspaceFolders![0]!.uri.fsPath);
    const given = await vscode.commands.executeCommand<Job>('nightPilot.createJob', {
      name: 'Given folder',
      prompt: 'Look around.',
      cron: '0 2 * * *',
      timezone: 'America/New_York',
      folder: scratch,
    });
    assert.deepEqual([given?.options.workingDirectory, given?.timezone], [scratch, 'America/New_York']);
    const count = db.read((tx) => tx.jobs.list().length);
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('nightPilot.createJob', {
          name: 'Missing folder',
          prompt: 'Look around.',
          cron: '0 2 * * *',
          folder: path.join(scratch, 'gone'),
        }),
      ),
      /gone does not exist/,
    );
    assert.equal(
      db.read((tx) => tx.jobs.list().length),
      count,
    );
  });

  it('exports jobs to a file and imports them back with every option and the parent link', async () => {
    const parent = await insertJob(db, 'Exported parent', {
      options: { model: 'sonnet', env: { A: '1' }, allowedTools: ['Read'] },
      retry: { maxAttempts: 2 },
      missedRunPolicy: 'run_all',
    });
    const child = await insertJob(db, 'Exported child', {
      parentJobId: parent.id,
      cronExpression: '',
      jobType: 'triggered',
      nextRunTime: null,
    });
    const file = path.join(scratch, 'jobs.json');
    const written = await vscode.commands.executeCommand<vscode.Uri>('nightPilot.exportJobs', {
      file,
      jobIds: [parent.id, child.id],
    });
    assert.equal(written?.fsPath, file);
    const before = [stored(parent.id), stored(child.id)];
    await vscode.commands.executeCommand('nightPilot.deleteJob', child.id, { confirm: false });
    await vscode.commands.executeCommand('nightPilot.deleteJob', parent.id, { confirm: false });

    const imported = await vscode.commands.executeCommand<Job[]>('nightPilot.importJobs', { file });
    assert.equal(imported?.length, 2);
    const after = [stored(parent.id), stored(child.id)];
    const decided = (j: Job) => ({ ...j, promptId: '', createdAt: '', updatedAt: '', nextRunTime: null });
    assert.deepEqual(after.map(decided), before.map(decided));
    assert.equal(after[1]!.parentJobId, parent.id);

    // Imported again: the jobs are here, so they are skipped unless copies are asked for.
    const again = await vscode.commands.executeCommand<Job[]>('nightPilot.importJobs', {
      file,
      existing: 'skip',
    });
    assert.deepEqual(again, []);
  });

  it('refuses a bad jobs file with its reasons and changes nothing', async () => {
    const good = {
      id: 'good-job',
      name: 'Good',
      status: 'active',
      jobType: 'scheduled',
      cronExpression: '0 2 * * *',
      timezone: 'UTC',
      priority: 5,
      parentJobId: null,
      prompt: { title: 'Good', content: 'Fine.', filePath: null },
      missedRunPolicy: 'run_once',
    };
    const file = path.join(scratch, 'bad-jobs.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        format: 'night-pilot-jobs',
        version: 1,
        jobs: [good, { ...good, id: 'bad-job', name: 'Bad', cronExpression: '0 25 * * *' }],
      }),
    );
    const count = () => db.read((tx) => [tx.jobs.list().length, tx.prompts.list().length]);
    const before = count();
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('nightPilot.importJobs', { file })),
      /jobs\[1\] "Bad": cronExpression: hour: 25 is out of range 0-23\. Nothing was changed/,
    );
    assert.deepEqual(count(), before);
    assert.equal(
      db.read((tx) => tx.jobs.get('good-job')),
      undefined,
    );
    fs.writeFileSync(file, '{ not json');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('nightPilot.importJobs', { file })),
      /did not import .*bad-jobs\.json/,
    );
    assert.deepEqual(count(), before);
  });
});
