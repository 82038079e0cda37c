// The morning review in a real VS Code, with the real Claude Code CLI (fake API) writing a file in
// a real git worktree: the To Review section at the top of the Jobs view, its files, the diff
// editor, Merge (fast-forward, and a conflict that changes nothing), Discard, the overnight
// notification, and Create Job / Edit Job refusing worktree isolation outside a repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND } from '../../src/commands/commandIds';
import type { Job, Run, RunWorktree } from '../../src/core/model';
import type { MergedRun } from '../../src/scheduler/worktreeReview';
import type { JobsTreeNode } from '../../src/views/treeItems';
import { showOvernightSummary } from '../../src/views/morningNotices';
import { writeFileTurns } from '../fixtures/fakeAnthropicApi';
import { useFakeApiForClaude } from './fakeApiHost';
import type { NightPilotUnderTest } from './nightPilot';
import { openNightPilot } from './nightPilot';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

describe('morning review in a real VS Code', function () {
  this.timeout(120_000);
  const fake = useFakeApiForClaude();
  let np: NightPilotUnderTest;
  let job: Job;
  let repo: string;
  let folder: string;

  before(async () => {
    np = await openNightPilot();
    folder = fs.mkdtempSync(path.join(path.dirname(np.databasePath), 'np-review-'));
    repo = path.join(folder, 'repo');
    fs.mkdirSync(repo);
    git(repo, 'init', '--quiet', '-b', 'main');
    git(repo, 'config', 'user.name', 'Ada Tester');
    git(repo, 'config', 'user.email', 'ada@example.com');
    fs.writeFileSync(path.join(repo, 'README.md'), '# App\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'initial');
    job = await vscode.commands.executeCommand<Job>(COMMAND.createJob, {
      name: 'Overnight Notes',
      prompt: 'Write the notes.',
      cron: '0 3 1 1 *',
      timezone: 'UTC',
      folder: repo,
      isolation: 'worktree',
    });
    await np.database!.write((tx) =>
      tx.jobs.update(job.id, {
        options: { model: 'claude-sonnet-4-5', permissionMode: 'acceptEdits' },
      }),
    );
  });
  after(async () => {
    // The tests after these expect no To Review section.
    for (const w of await np.jobsTree.reviewRows())
      await vscode.commands.executeCommand(COMMAND.discardRun, w.runId, { confirm: false });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(COMMAND.deleteJob, job.id, { confirm: false });
    fs.rmSync(folder, { recursive: true, force: true });
  });

  async function reviewedRun(file: string, content: string): Promise<{ run: Run; row: RunWorktree }> {
    fake.api.setScenario(writeFileTurns(file, content));
    const run = await vscode.commands.executeCommand<Run>(COMMAND.runJob, job.id);
    assert.equal(run?.status, 'succeeded', run?.error ?? '');
    const row = np.database!.read((tx) => tx.worktrees.get(run.id));
    assert.equal(row?.state, 'review', row?.detail ?? 'no worktree row');
    return { run, row: row! };
  }

  async function roots(): Promise<JobsTreeNode[]> {
    return np.jobsTree.getChildren();
  }

  it('lists the run first in To Review, with its changed file, and opens the diff editor from it', async () => {
    const { row } = await reviewedRun('notes/overnight.md', '# Overnight\n\nAll green.\n');
    const [section] = await roots();
    assert.equal(section?.kind, 'review');
    const sectionItem = np.jobsTree.getTreeItem(section!);
    assert.equal(sectionItem.label, 'To Review');
    const [runNode] = await np.jobsTree.getChildren(section);
    assert.equal(runNode?.kind, 'reviewRun');
    const runItem = np.jobsTree.getTreeItem(runNode!);
    assert.match(String(runItem.label), /^Overnight Notes · /);
    assert.equal(runItem.description, '1 file(s) +3 -0');
    assert.equal(runItem.contextValue, 'reviewRun+review');
    const [fileNode] = await np.jobsTree.getChildren(runNode);
    const fileItem = np.jobsTree.getTreeItem(fileNode!);
    assert.equal(fileItem.label, 'overnight.md');
    assert.equal(fileItem.description, 'A · notes');

    // What clicking the file does.
    await vscode.commands.executeCommand(fileItem.command!.command, ...(fileItem.command!.arguments ?? []));
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, `the active tab is ${tab?.label}`);
    const diff = tab.input;
    assert.match(tab.label, /overnight\.md \(main ↔ night-pilot\/overnight-notes\/\d{8}-\d{4}\)/);
    assert.equal(
      (await vscode.workspace.openTextDocument(diff.original)).getText(),
      '',
      'added: empty on the base side',
    );
    assert.equal(
      (await vscode.workspace.openTextDocument(diff.modified)).getText(),
      '# Overnight\n\nAll green.\n',
    );
    assert.ok(fs.existsSync(row.path));
  });

  it('merges it into main (fast-forward) and the section empties', async () => {
    const [section] = await roots();
    const [runNode] = await np.jobsTree.getChildren(section);
    const row = (runNode as Extract<JobsTreeNode, { kind: 'reviewRun' }>).worktree;
    const merged = await vscode.commands.executeCommand<MergedRun>(COMMAND.mergeRun, runNode);
    assert.equal(merged.result.outcome, 'fast-forward');
    assert.equal(git(repo, 'rev-parse', 'main'), row.headCommit);
    assert.equal(
      fs.readFileSync(path.join(repo, 'notes/overnight.md'), 'utf8'),
      '# Overnight\n\nAll green.\n',
    );
    assert.equal(git(repo, 'status', '--porcelain'), '');
    assert.equal(fs.existsSync(row.path), false);
    assert.notEqual((await roots())[0]?.kind, 'review');
  });

  it('stops a conflicting merge without touching the working tree, then discards the run', async () => {
    // Both add plan.md, differently: an add/add conflict.
    const { run, row } = await reviewedRun('plan.md', '# Plan, by the run\n');
    fs.writeFileSync(path.join(repo, 'plan.md'), '# Plan, by you\n');
    git(repo, 'add', 'plan.md');
    git(repo, 'commit', '--quiet', '-m', 'mine');
    const head = git(repo, 'rev-parse', 'main');
    const merged = await vscode.commands.executeCommand<MergedRun>(COMMAND.mergeRun, run.id, {
      openOnConflict: false,
    });
    assert.equal(merged.result.outcome, 'conflict');
    assert.equal(git(repo, 'rev-parse', 'main'), head);
    assert.equal(fs.readFileSync(path.join(repo, 'plan.md'), 'utf8'), '# Plan, by you\n');
    assert.match(
      np.database!.read((tx) => tx.worktrees.require(run.id)).detail ?? '',
      /conflicts in plan\.md/,
    );
    assert.equal(git(repo, 'status', '--porcelain'), '');

    await vscode.commands.executeCommand(COMMAND.copyBranchName, run.id);
    assert.equal(await vscode.env.clipboard.readText(), row.branch);
    const discarded = await vscode.commands.executeCommand<RunWorktree>(COMMAND.discardRun, run.id, {
      confirm: false,
    });
    assert.equal(discarded.state, 'discarded');
    assert.equal(fs.existsSync(row.path), false);
    assert.equal(git(repo, 'branch', '--list', row.branch), '');
  });

  it('says what happened overnight once, with the runs to review', async () => {
    await reviewedRun('late.md', 'late\n');
    const now = new Date(Date.now() + 60_000);
    const said = await showOvernightSummary(np.database!, np.jobsTree, now);
    assert.match(said ?? '', /^Last night: \d+ run\(s\), 1 with changes to review, \d+ failed\.$/);
    assert.equal(await showOvernightSummary(np.database!, np.jobsTree, now), undefined, 'once a day');
  });

  it('refuses worktree isolation for a folder outside any git repository', async () => {
    const plain = path.join(folder, 'plain');
    fs.mkdirSync(plain);
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(COMMAND.createJob, {
          name: 'Not a repo',
          prompt: 'x',
          cron: '0 2 * * *',
          timezone: 'UTC',
          folder: plain,
          isolation: 'worktree',
        }),
      ),
      /is not in a git repository/,
    );
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(COMMAND.editJob, job.id, { options: { workingDirectory: plain } }),
      ),
      /is not in a git repository/,
    );
  });
});
