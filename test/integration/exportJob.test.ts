// "Export Job to GitHub Actions..." run in a real VS Code extension host on a job of a real git
// repository: the workflow file is written there, opened in an editor, and parses.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { NightPilotUnderTest } from './nightPilot';
import { openNightPilot } from './nightPilot';

describe('Export Job to GitHub Actions', () => {
  let api: NightPilotUnderTest;
  let repo: string;

  before(async () => {
    api = await openNightPilot();
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'np-export-repo-'));
    execFileSync('git', ['init', '--quiet', repo]);
    fs.mkdirSync(path.join(repo, 'prompts'));
    fs.writeFileSync(path.join(repo, 'prompts', 'nightly.md'), '---\ntitle: Nightly\n---\nReview the day.\n');
  });

  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('writes the workflow into the job’s repository and opens it', async () => {
    const db = api.database!;
    const job = await db.write((tx) => {
      const prompt = tx.prompts.insert({
        title: 'Nightly',
        content: '',
        filePath: path.join(repo, 'prompts', 'nightly.md'),
      });
      return tx.jobs.insert({
        name: 'Nightly export',
        promptId: prompt.id,
        cronExpression: '0 2 * * *',
        timezone: 'Europe/Berlin',
        nextRunTime: '2099-01-01T01:00:00.000Z',
        options: { workingDirectory: repo, validationCommand: 'npm test' },
      });
    });
    const file = await vscode.commands.executeCommand<string | undefined>(
      'nightPilot.exportJobToGitHubActions',
      job.id,
    );
    assert.equal(file, path.join(repo, '.github', 'workflows', 'night-pilot-nightly-export.yml'));
    const workflow = parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(workflow.on.schedule, [{ cron: '0 0,1 * * *' }]);
    assert.ok('workflow_dispatch' in workflow.on);
    assert.deepEqual(workflow.jobs.run.steps.map((s: { id?: string }) => s.id).filter(Boolean), [
      'claude',
      'validation',
    ]);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('refuses a job whose prompt is not a file in a repository, writing nothing', async () => {
    const db = api.database!;
    const job = await db.write((tx) => {
      const prompt = tx.prompts.insert({ title: 'Inline', content: 'Say hi.' });
      return tx.jobs.insert({
        name: 'Inline prompt',
        promptId: prompt.id,
        cronExpression: '0 3 * * *',
        timezone: 'UTC',
        nextRunTime: '2099-01-01T03:00:00.000Z',
        options: { workingDirectory: repo },
      });
    });
    await assert.rejects(
      async () =>
        vscode.commands.executeCommand<string | undefined>('nightPilot.exportJobToGitHubActions', job.id),
      /cannot export "Inline prompt" to GitHub Actions: .*prompt/,
    );
    assert.equal(
      fs.existsSync(path.join(repo, '.github', 'workflows', 'night-pilot-inline-prompt.yml')),
      false,
    );
  });
});
