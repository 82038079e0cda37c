// Prompt files in a real VS Code: front matter applied at run time (the real pinned Claude Code
// CLI against the fake API), renames followed, a deleted file shown on its job, diagnostics, the
// CodeLens, the review of changed permissions, and stored prompts opened and saved in a tab.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Job, Run } from '../../src/core/model';
import type { NightPilotDatabase } from '../../src/storage/database';
import type { JobsTreeNode } from '../../src/views/treeItems';
import { useFakeApiForClaude } from './fakeApiHost';
import type { NightPilotUnderTest } from './nightPilot';
import { openNightPilot } from './nightPilot';
import { insertJob } from './testJobs';

async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('prompt files in a real VS Code', function () {
  this.timeout(90_000);
  const fakeApi = useFakeApiForClaude();
  let np: NightPilotUnderTest;
  let db: NightPilotDatabase;
  let folder: string;
  let prompts: string;

  before(async () => {
    np = await openNightPilot();
    db = np.database!;
    folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    prompts = path.join(folder, '.nightpilot', 'prompts');
    fs.mkdirSync(prompts, { recursive: true });
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  function write(name: string, text: string): string {
    const file = path.join(prompts, name);
    fs.writeFileSync(file, text);
    return file;
  }

  /** The job's row as VS Code draws it, its tooltip resolved as on hover. */
  async function jobItem(jobId: string): Promise<vscode.TreeItem> {
    const tree = np.jobsTree;
    const find = async (nodes: JobsTreeNode[]): Promise<JobsTreeNode | undefined> => {
      for (const node of nodes) {
        if (node.kind === 'job' && node.job.id === jobId) return node;
        if (node.kind !== 'job' && node.kind !== 'children') continue;
        const inner = await find(await tree.getChildren(node));
        if (inner) return inner;
      }
      return undefined;
    };
    const node = await find(await tree.getChildren());
    assert.ok(node, `job ${jobId} is not in the tree`);
    return tree.resolveTreeItem(tree.getTreeItem(node), node);
  }

  it('applies the front matter at every run: the model, then the edited model', async () => {
    const file = write(
      'front-matter.md',
      '---\ntitle: Front matter\nmodel: claude-sonnet-4-5\n---\nSay hi.\n',
    );
    const job = await vscode.commands.executeCommand<Job>('nightPilot.createJob', {
      name: 'Front matter at run time',
      promptFile: file,
      cron: '0 3 * * *',
      timezone: 'UTC',
    });
    assert.ok(job, 'the job was not created');
    assert.equal(job.options.workingDirectory, folder, 'the job runs in the workspace folder');
    const first = await vscode.commands.executeCommand<Run>('nightPilot.runJob', job.id);
    assert.equal(first?.status, 'succeeded', first?.error ?? '');
    const asked = () => fakeApi.api.messageRequests().map((r) => (r.body as { model: string }).model);
    assert.equal(asked().at(-1), 'claude-sonnet-4-5');

    fs.writeFileSync(file, '---\nmodel: claude-haiku-4-5\n---\nSay bye.\n');
    const second = await vscode.commands.executeCommand<Run>('nightPilot.runJob', job.id);
    assert.equal(second?.status, 'succeeded', second?.error ?? '');
    assert.equal(asked().at(-1), 'claude-haiku-4-5');
  });

  it('keeps the link when the prompt file, or its folder, is renamed in VS Code', async () => {
    const file = write('to-rename.md', 'Rename me.\n');
    const job = await vscode.commands.executeCommand<Job>('nightPilot.createJob', {
      name: 'Renamed prompt',
      promptFile: file,
      cron: '0 4 * * *',
      timezone: 'UTC',
    });
    const promptPath = () => db.read((tx) => tx.prompts.require(tx.jobs.require(job.id).promptId).filePath);
    const renamed = path.join(prompts, 'renamed.md');
    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(vscode.Uri.file(file), vscode.Uri.file(renamed));
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    await eventually('the prompt to follow the file', () => promptPath() === renamed);

    const moved = path.join(folder, '.nightpilot', 'moved-prompts');
    const rename = async (from: string, to: string) => {
      const folderEdit = new vscode.WorkspaceEdit();
      folderEdit.renameFile(vscode.Uri.file(from), vscode.Uri.file(to));
      assert.equal(await vscode.workspace.applyEdit(folderEdit), true);
    };
    await rename(prompts, moved);
    await eventually(
      'the prompt to follow its folder',
      () => promptPath() === path.join(moved, 'renamed.md'),
    );
    await rename(moved, prompts);
    await eventually('the prompt to follow its folder back', () => promptPath() === renamed);
  });

  it('shows a deleted prompt file on its job, and its next run fails with that reason', async () => {
    const file = write('to-delete.md', 'Delete me.\n');
    const job = await vscode.commands.executeCommand<Job>('nightPilot.createJob', {
      name: 'Deleted prompt',
      promptFile: file,
      cron: '0 5 * * *',
      timezone: 'UTC',
    });
    await vscode.workspace.fs.delete(vscode.Uri.file(file));
    // The workspace's file watcher reports the deletion.
    const item = await eventually('the tree to show the missing file', async () => {
      const shown = await jobItem(job.id);
      return /^prompt file missing · /.test(String(shown.description)) ? shown : undefined;
    });
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error');
    assert.match((item.tooltip as vscode.MarkdownString).value, /does not exist: the next run fails/);
    const run = await vscode.commands.executeCommand<Run>('nightPilot.runJob', job.id);
    assert.equal(run?.status, 'failed');
    assert.match(run!.error!, /to-delete\.md does not exist/);
  });

  it('marks unknown keys and unusable values in the editor', async () => {
    const file = write('diagnosed.md', '---\nmodel: sonnet\nmax_turns: 3\nmaxTurns: lots\n---\nGo.\n');
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const diagnostics = await eventually('diagnostics', () => {
      const found = vscode.languages.getDiagnostics(document.uri);
      return found.length >= 2 ? found : undefined;
    });
    const byLine = diagnostics.map((d) => [d.range.start.line, d.severity, d.message] as const);
    assert.ok(
      byLine.some(
        ([line, severity, message]) =>
          line === 2 &&
          severity === vscode.DiagnosticSeverity.Warning &&
          /Did you mean "maxTurns"/.test(message),
      ),
      JSON.stringify(byLine),
    );
    assert.ok(
      byLine.some(
        ([line, severity, message]) =>
          line === 3 && severity === vscode.DiagnosticSeverity.Error && /"maxTurns": "lots"/.test(message),
      ),
      JSON.stringify(byLine),
    );
  });

  it('offers "Create Job from This Prompt", then "Used by ... · Run Now" in the CodeLens', async () => {
    const file = write('lens.md', '---\ntitle: Lens\n---\nLook.\n');
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    const titles = async () =>
      ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [])
        .filter((lens) => lens.command?.command.startsWith('nightPilot.'))
        .map((lens) => lens.command!.title);
    assert.deepEqual(await titles(), ['$(add) Create Job from This Prompt']);
    const job = await vscode.commands.executeCommand<Job>('nightPilot.createJob', {
      name: 'Lens job',
      promptFile: file,
      cron: '0 6 * * *',
      timezone: 'UTC',
    });
    assert.ok(job);
    const after = await titles();
    assert.equal(after.length, 2, after.join(' | '));
    assert.match(after[0]!, /^\$\(clock\) Used by Lens job · next /);
    assert.equal(after[1], '$(play) Run Now');
  });

  it('holds a job whose prompt file grants more, shows it, and accepts the review', async () => {
    const file = write('grants.md', '---\nallowedTools: [Read]\n---\nRead things.\n');
    const job = await vscode.commands.executeCommand<Job>('nightPilot.createJob', {
      name: 'Granting prompt',
      promptFile: file,
      cron: '0 7 * * *',
      timezone: 'UTC',
      confirmGrants: true,
    });
    assert.deepEqual(job.options.promptGrants?.allowedTools, ['Read']);
    assert.equal((await jobItem(job.id)).contextValue, 'job+active');
    fs.writeFileSync(file, '---\nallowedTools: [Read, "Bash(rm:*)"]\n---\nRead things.\n');
    // Written outside VS Code (a git pull): the workspace's file watcher reports it.
    const item = await eventually('the tree to show the review', async () => {
      const shown = await jobItem(job.id);
      return shown.contextValue === 'job+active+promptReview' ? shown : undefined;
    });
    assert.match(String(item.description), /^review prompt permissions · /);
    const accepted = await vscode.commands.executeCommand<Job>('nightPilot.reviewPromptPermissions', job.id, {
      accept: true,
    });
    assert.deepEqual(accepted?.options.promptGrants?.allowedTools, ['Read', 'Bash(rm:*)']);
    assert.equal((await jobItem(job.id)).contextValue, 'job+active');
  });

  it('opens a prompt stored in the database in an editor tab and saves it back', async () => {
    const job = await insertJob(db, 'Stored prompt');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('nightPilot.openPrompt', job.id);
    assert.equal(uri?.scheme, 'nightpilot-prompt');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.getText(), 'Say hello.');
    await editor.edit((b) => b.replace(new vscode.Range(0, 0, 0, 10), 'Say goodbye.\nThen stop.'));
    assert.equal(await editor.document.save(), true);
    const stored = db.read((tx) => tx.prompts.require(tx.jobs.require(job.id).promptId).content);
    assert.equal(stored, 'Say goodbye.\nThen stop.');
  });
});
