// Runs inside a real VS Code extension host (code-server here, desktop VS Code with test:desktop).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codeCacheDir } from '../../src/boot/codeCache';
import { COMMAND, COMMAND_IDS } from '../../src/commands/commandIds';
import type { Job } from '../../src/core/model';
import { openSettingCommand } from '../../src/services/claudeCheck';
import { INTERNALS_KEY } from '../../src/services/internals';
import type { NightPilotUnderTest } from './nightPilot';
import { EXTENSION_ID, openNightPilot } from './nightPilot';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string }[]>;
  };
}

describe('Night Pilot in a real VS Code', () => {
  let np: NightPilotUnderTest;

  before(async () => {
    np = await openNightPilot();
    assert.ok(np.database, `the database did not open: ${np.activationError}`);
  });

  it('activates without an error, returning before the database opened', () => {
    assert.equal(np.extension.isActive, true);
    assert.equal(np.activationError, undefined);
    const { activation } = np.internals;
    const opened = np.internals.databaseHost.timings.opened;
    assert.ok(opened !== undefined, 'the database opened');
    assert.ok(activation.returned <= opened, 'activate() returned before the database was open');
  });

  it('returns a small typed API, not its internals', async () => {
    assert.deepEqual(Object.keys(np.api).sort(), ['apiVersion', 'jobs', 'onDidChangeRuns', 'runJob', 'runs']);
    assert.equal(np.api.apiVersion, 1);
    assert.equal(Object.prototype.propertyIsEnumerable.call(np.api, INTERNALS_KEY), false);
    const job = await np.database!.write((tx) =>
      tx.jobs.insert({
        name: 'Seen through the API',
        promptId: tx.prompts.insert({ title: 'api', content: 'x' }).id,
        cronExpression: '0 2 * * *',
        timezone: 'UTC',
        nextRunTime: '2099-01-01T02:00:00.000Z',
      }),
    );
    const jobs = await np.api.jobs();
    const seen = jobs.find((j) => j.id === job.id);
    assert.deepEqual(seen, {
      id: job.id,
      name: 'Seen through the API',
      status: 'active',
      cronExpression: '0 2 * * *',
      timezone: 'UTC',
      parentJobId: null,
      nextRunTime: '2099-01-01T02:00:00.000Z',
      lastRunTime: null,
    });
    await assert.rejects(np.api.runJob('no-such-job'), /There is no job with the id no-such-job/);
    let fired = 0;
    const listener = np.api.onDidChangeRuns(() => fired++);
    try {
      await np.database!.write((tx) =>
        tx.runs.claim({
          jobId: job.id,
          trigger: 'manual',
          scheduledFor: '2024-01-01T00:00:00.000Z',
          status: 'skipped',
        }),
      );
      // A write of another process reaches the window through the file watcher; ours through the refresh.
      await vscode.commands.executeCommand(COMMAND.refresh);
      const runs = await np.api.runs({ jobId: job.id });
      assert.deepEqual(
        runs.map((r) => [r.status, r.trigger, r.costUsd]),
        [['skipped', 'manual', null]],
      );
    } finally {
      listener.dispose();
    }
  });

  it('keeps its SQLite database in the extension global storage folder', () => {
    const folder = path.dirname(np.databasePath);
    assert.equal(path.basename(np.databasePath), 'claude-night-pilot.db');
    assert.equal(path.basename(folder), EXTENSION_ID);
    assert.equal(path.basename(path.dirname(folder)), 'globalStorage');
    const header = fs.readFileSync(np.databasePath).subarray(0, 16).toString('latin1');
    assert.equal(header, 'SQLite format 3\0');
  });

  it('writes the code cache its next start compiles from, in the user cache folder', async function () {
    this.timeout(30_000);
    // The extension host loads dist/extension.js, which compiles dist/extension-main.js through
    // src/boot/codeCache.ts and writes the cache 3 s after activation. This run's HOME is fresh.
    const folder = codeCacheDir();
    assert.ok(folder, 'caching is on');
    const prefix = `extension-v8-${process.versions.v8}-`;
    const deadline = Date.now() + 25_000;
    let files: string[] = [];
    while (files.length === 0 && Date.now() < deadline) {
      files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.startsWith(prefix)) : [];
      if (files.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(files.length, 1, `one cache of the extension in ${folder}: ${files.join(', ')}`);
    const bytes = fs.readFileSync(path.join(folder, files[0]!));
    assert.equal(bytes.subarray(0, 8).toString('latin1'), 'NPCODE1\n');
    assert.ok(bytes.length > 100_000, `the cache holds the compiled extension (${bytes.length} bytes)`);
  });

  it('registers exactly the commands it contributes (one list: src/commands/commandIds.ts)', async () => {
    const manifest = np.extension.packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, [...COMMAND_IDS].sort());
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('nightPilot.'));
    // VS Code adds the view's own commands (focus, collapse all...): ours are the rest.
    const ours = registered.filter((c) => !c.startsWith('nightPilot.jobs.')).sort();
    assert.deepEqual(ours, [...COMMAND_IDS].sort());
  });

  it('contributes the Jobs view in a Night Pilot activity bar container and can focus it', async () => {
    const { viewsContainers, views } = (np.extension.packageJSON as Manifest).contributes;
    assert.ok(viewsContainers.activitybar.some((c) => c.id === 'nightPilot'));
    assert.deepEqual(
      views.nightPilot?.map((v) => v.id),
      ['nightPilot.jobs'],
    );
    await vscode.commands.executeCommand('nightPilot.jobs.focus');
  });

  it('rejects a failing command with its error, so a caller tells a failure from a cancel', async () => {
    const before = np.database!.read((tx) => tx.jobs.list().length);
    await assert.rejects(
      async () =>
        vscode.commands.executeCommand<Job | undefined>(COMMAND.createJob, {
          name: 'Bad schedule',
          prompt: 'x',
          cron: '61 * * * *',
        }),
      /minute: 61 is out of range 0-59/,
    );
    assert.equal(
      np.database!.read((tx) => tx.jobs.list().length),
      before,
      'nothing stored',
    );
  });

  it('opens the remote settings for "Set Path" in a remote window (code-server is one)', () => {
    assert.ok(vscode.env.remoteName, 'this test runs in a remote window');
    const open = openSettingCommand('nightPilot.claude.path');
    assert.equal(open.command, 'workbench.action.openRemoteSettings');
    assert.deepEqual(open.arguments, [{ query: 'nightPilot.claude.path' }]);
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
    ): Promise<Awaited<ReturnType<NightPilotUnderTest['claudeLocation']>>> {
      for (let i = 0; i < 100; i++) {
        const location = await np.claudeLocation();
        if (location.found === found) return location;
        await new Promise((r) => setTimeout(r, 100));
      }
      return np.claudeLocation();
    }

    it('finds the CLI the nightPilot.claude.path setting names', async function () {
      // test:integration points the setting at the CLI in node_modules; test:desktop does not.
      if (!original) this.skip();
      const location = await locationWhere(true);
      assert.ok(location.found, `not found: ${location.found ? '' : location.message}`);
      assert.equal(fs.realpathSync(location.path), fs.realpathSync(original!));
    });

    it('says so in the status bar, naming the path, when the configured CLI does not exist', async () => {
      const missing = path.join(path.dirname(np.databasePath), 'no-such-dir', 'claude');
      await setting().update('claude.path', missing, vscode.ConfigurationTarget.Global);
      const location = await locationWhere(false);
      assert.equal(location.found, false);
      if (!location.found) assert.ok(location.message.includes(missing), location.message);
      assert.match(np.internals.statusBar.text, /Claude CLI not found/);
      assert.ok(np.internals.statusBar.tooltip.includes(missing));
    });
  });
});
