// The migration wizard inside a real VS Code: the command opens the webview at a file's preview,
// the migration runs through the window's own database, the migrated jobs show in the Jobs tree
// and can be revealed, and the legacy file is left as it was.
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NightPilotUnderTest } from './nightPilot';
import { openNightPilot } from './nightPilot';
import { DEFAULT_DECISIONS } from '../../src/storage/legacy/legacyTypes';
import type { MigrationWizard } from '../../src/views/migration/migrationWizard';
import { DONT_ASK_KEY, offerMigration } from '../../src/views/migration/registerMigration';
import { migrationBackups } from '../../src/views/migration/undoMigration';
import type { JobsTreeNode } from '../../src/views/treeItems';
import { CHINESE_TITLE, DATA_B, SCHEMA_B, writeSqlJsDatabase } from '../fixtures/legacyFixtures';

const hash = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('the legacy migration wizard in a real VS Code', () => {
  let api: NightPilotUnderTest;
  let dir: string;

  before(async () => {
    api = await openNightPilot();
    assert.ok(api.database, api.activationError);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-int-migrate-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('previews, migrates through the window database and reveals the migrated jobs in the tree', async () => {
    const legacy = path.join(dir, 'claude-night-pilot.db');
    await writeSqlJsDatabase(legacy, SCHEMA_B + DATA_B);
    const before = hash(legacy);
    const wizard = await vscode.commands.executeCommand<MigrationWizard>('nightPilot.migrateLegacy', {
      file: legacy,
    });
    assert.ok(wizard, 'the command returned no wizard');
    const findTab = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find(
          (t) =>
            t.input instanceof vscode.TabInputWebview &&
            t.input.viewType.endsWith('nightPilot.migrationWizard'),
        );
    for (let i = 0; i < 40 && !findTab(); i++) await new Promise((r) => setTimeout(r, 50));
    const tab = findTab();
    assert.ok(
      tab,
      `no migration wizard tab among ${vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)).join(', ')}`,
    );
    assert.equal(tab.label, 'Migrate Legacy Database');

    const report = await wizard.migrate({ ...DEFAULT_DECISIONS });
    assert.ok(report, 'the migration did not produce a report');
    assert.equal(report.verify.ok, true, JSON.stringify(report.verify));
    assert.equal(report.imported.jobs, 7);
    assert.ok(fs.existsSync(report.reportFiles.markdown));
    assert.equal(path.dirname(path.dirname(report.backupFolder)), path.dirname(api.databasePath));
    assert.equal(hash(legacy), before, 'the legacy file changed');

    const migrated = api
      .database!.read((tx) => tx.jobs.list())
      .filter((j) => report.jobs.some((r) => r.id === j.id));
    assert.equal(migrated.length, 7);
    const chinese = migrated.find((j) => j.name === CHINESE_TITLE);
    assert.ok(chinese, 'the Chinese-named job is missing');
    const roots = await api.jobsTree.getChildren();
    const node = roots.find(
      (n): n is Extract<JobsTreeNode, { kind: 'job' }> => n.kind === 'job' && n.job.id === chinese.id,
    );
    assert.ok(node, 'the migrated job is not in the Jobs tree');
    await vscode.commands.executeCommand('nightPilot.jobs.focus');
    await api.jobsTree.revealJobs(report.jobs.filter((j) => j.id).map((j) => j.id!));

    // Migrating the same file again imports nothing.
    await wizard.preview(legacy, { ...DEFAULT_DECISIONS });
    const again = await wizard.migrate({ ...DEFAULT_DECISIONS });
    assert.deepEqual(again?.imported, { prompts: 0, jobs: 0, runs: 0, usageRecords: 0 });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // The undo command finds the migration's backup beside the database; a folder that is not a
    // backup is refused (an error message, nothing changed).
    const backups = migrationBackups(api.databasePath).map((b) => b.folder);
    assert.ok(backups.includes(report.backupFolder), backups.join(', '));
    const jobs = api.database!.read((tx) => tx.jobs.list().length);
    const refused = await vscode.commands.executeCommand<boolean>('nightPilot.undoLegacyMigration', {
      folder: dir,
    });
    assert.equal(refused, false);
    assert.equal(
      api.database!.read((tx) => tx.jobs.list().length),
      jobs,
    );
  });

  it('does not offer the wizard after "Don\'t Ask Again", nor when no legacy database is in the usual places', async () => {
    const values = new Map<string, unknown>();
    const state: vscode.Memento = {
      keys: () => [...values.keys()],
      get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
      update: async (key: string, value: unknown) => void values.set(key, value),
    };
    const deps = {
      extensionUri: vscode.extensions.getExtension('night-pilot.night-pilot')!.extensionUri,
      database: api.database!,
      jobsTree: api.jobsTree,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    };
    // The test window's home folder is a fresh one: nothing of the old app is there.
    assert.equal(await offerMigration(deps, state), 'none');
    await state.update(DONT_ASK_KEY, true);
    assert.equal(await offerMigration(deps, state), 'turnedOff');
  });
});
