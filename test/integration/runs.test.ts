// Runs you can read, in a real VS Code with the real Claude Code CLI (only the remote API is the fake
// on 127.0.0.1): the transcript document of a recorded stream, its live updates, the raw log, the
// run's context menu commands.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND } from '../../src/commands/commandIds';
import type { Job, Run } from '../../src/core/model';
import { TRANSCRIPT_SCHEME } from '../../src/views/transcriptDocument';
import { useFakeApiForClaude } from './fakeApiHost';
import type { NightPilotUnderTest } from './nightPilot';
import { openNightPilot } from './nightPilot';

async function until<T>(
  what: string,
  read: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('runs you can read', function () {
  this.timeout(90_000);
  const fake = useFakeApiForClaude();
  let np: NightPilotUnderTest;
  let job: Job;
  let folder: string;

  let savedConfigDir: string | undefined;

  before(async () => {
    np = await openNightPilot();
    folder = fs.mkdtempSync(path.join(path.dirname(np.databasePath), 'np-transcript-'));
    // Claude Code's own transcripts of these runs go here, not among those the usage tests count
    // (the window's usage monitor chose its folders at activation).
    savedConfigDir = process.env.CLAUDE_CONFIG_DIR;
    process.env.CLAUDE_CONFIG_DIR = path.join(folder, 'claude-config');
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'first line\nsecond line\n');
    job = await vscode.commands.executeCommand<Job>(COMMAND.createJob, {
      name: 'Readable run',
      prompt: 'Read notes.txt and say how many lines it has.',
      cron: '0 3 1 1 *',
      timezone: 'UTC',
    });
    await np.database!.write((tx) =>
      tx.jobs.update(job.id, {
        options: { workingDirectory: folder, model: 'claude-sonnet-4-5', allowedTools: ['Read'] },
      }),
    );
  });
  after(async () => {
    if (savedConfigDir === undefined) delete process.env.CLAUDE_CONFIG_DIR;
    else process.env.CLAUDE_CONFIG_DIR = savedConfigDir;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(COMMAND.deleteJob, job.id, { confirm: false });
    fs.rmSync(folder, { recursive: true, force: true });
  });

  let finished: Run;

  it('opens the transcript of a run as a read-only Markdown document named after the job and the time', async () => {
    fake.api.setScenario([
      { kind: 'toolUse', name: 'Read', input: { file_path: path.join(folder, 'notes.txt') } },
      { kind: 'success', text: 'notes.txt has **2 lines**.', inputTokens: 1500, outputTokens: 120 },
    ]);
    const run = await vscode.commands.executeCommand<Run>(COMMAND.runJob, job.id);
    assert.equal(run?.status, 'succeeded', run?.error ?? '');
    finished = run!;
    const uri = await vscode.commands.executeCommand<vscode.Uri>(COMMAND.openTranscript, run.id);
    assert.equal(uri.scheme, TRANSCRIPT_SCHEME);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), uri.toString());
    assert.equal(editor.document.languageId, 'markdown');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab!;
    assert.match(tab.label, /^Readable run · .+\d\d:\d\d( [AP]M)?\.md$/);
    const text = editor.document.getText();
    assert.match(text, /^# Readable run\n\n\*\*Succeeded\*\* · manual · attempt 1 · started /);
    assert.match(text, new RegExp(`Run \`${run.id.slice(0, 8)}\` · raw log: \`[^\`]+execution\\.log\``));
    assert.match(text, /## Execution\n\n### Prompt\n\n> Read notes\.txt and say how many lines it has\./);
    assert.ok(text.includes(`**Tool: Read** \`${path.join(folder, 'notes.txt')}\``), text);
    assert.match(text, /_Tool result_\n\n```text\n1\tfirst line\n2\tsecond line/);
    assert.match(text, /notes\.txt has \*\*2 lines\*\*\./);
    assert.match(
      text,
      /### Result\n\n\*\*Succeeded\*\* · 2 turns · [\d,]+ tokens \([\d,]+ in, [\d,]+ out, 0 cache write, 0 cache read\) · \$0\.\d{4}/,
    );
    // Read-only: a content provider's document cannot be saved over.
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from('x'))));
  });

  it('follows a run that is still going: the open transcript updates when it ends', async () => {
    fake.api.setScenario({
      kind: 'slow',
      delayMs: 2500,
      then: { kind: 'success', text: 'Done after a while.' },
    });
    const pending = vscode.commands.executeCommand<Run>(COMMAND.runJob, job.id);
    const running = await until('the run to start', () =>
      np.database!.read((tx) => tx.runs.list({ jobId: job.id, statuses: ['running'] })[0]),
    );
    const uri = await vscode.commands.executeCommand<vscode.Uri>(COMMAND.openTranscript, running.id);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
    assert.match(doc.getText(), /\*\*Running\*\*/);
    assert.match(doc.getText(), /The run is still going: this page follows it\./);
    const ended = await pending;
    assert.equal(ended?.status, 'succeeded');
    await until('the open transcript to show the end', () => /Done after a while\./.test(doc.getText()));
    assert.match(doc.getText(), /^# Readable run\n\n\*\*Succeeded\*\*/);
    assert.doesNotMatch(doc.getText(), /still going/);
  });

  it('opens the raw log, copies the run id and retries a finished run from its context menu', async () => {
    const runNode = (
      await np.jobsTree.getChildren(
        (await np.jobsTree.getChildren()).find((n) => n.kind === 'job' && n.job.id === job.id),
      )
    ).find((n) => n.kind === 'run' && n.run.id === finished.id)!;
    const log = await vscode.commands.executeCommand<vscode.Uri>(COMMAND.openRawLog, runNode);
    assert.equal(path.basename(log.fsPath), 'execution.log');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, log.fsPath);
    assert.match(vscode.window.activeTextEditor!.document.getText(), /"type":"system","subtype":"init"/);

    assert.equal(await vscode.commands.executeCommand(COMMAND.copyRunId, runNode), finished.id);
    assert.equal(await vscode.env.clipboard.readText(), finished.id);

    fake.api.setScenario({ kind: 'success', text: 'Second go.' });
    const retried = await vscode.commands.executeCommand<Run>(COMMAND.retryRun, runNode);
    assert.equal(retried?.status, 'succeeded');
    assert.notEqual(retried?.id, finished.id);
    assert.equal(retried?.jobId, job.id);
    // The dashboard's "open run" goes to the same transcript.
    await vscode.commands.executeCommand(COMMAND.openRun, retried!.id);
    assert.match(vscode.window.activeTextEditor!.document.getText(), /Second go\./);
  });

  it('refuses, with the reason, to open what no longer exists', async () => {
    await assert.rejects(
      async () =>
        vscode.commands.executeCommand(COMMAND.openRawLog, path.join(folder, 'gone', 'execution.log')),
      /no longer exists/,
    );
    assert.equal(await vscode.commands.executeCommand(COMMAND.openTranscript, 'no-such-run'), undefined);
  });
});
