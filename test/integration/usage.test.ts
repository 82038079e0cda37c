// Usage, budgets and the dashboard inside a real VS Code extension host.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NightPilotUnderTest } from './nightPilot';
import { openNightPilot } from './nightPilot';
import type { Job, Run } from '../../src/core/model';
import { readBudgets } from '../../src/scheduler/budgetState';
import type { NightPilotDatabase } from '../../src/storage/database';
import type { JobsTreeNode } from '../../src/views/treeItems';

const SESSION = '0d7e1b2c-3a4f-4b5c-8d6e-7f8091a2b3c4';

function line(at: Date, id: string, input: number, output: number): string {
  return JSON.stringify({
    cwd: '/home/dev/app',
    sessionId: SESSION,
    version: '2.1.332',
    message: {
      model: 'claude-sonnet-4-5-20250929',
      id,
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'ok' }],
      usage: {
        input_tokens: input,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: output,
      },
    },
    requestId: `req_${id}`,
    type: 'assistant',
    timestamp: at.toISOString(),
  });
}

async function until<T>(what: string, read: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('usage, budgets and the dashboard in a real VS Code', () => {
  let api: NightPilotUnderTest;
  let db: NightPilotDatabase;

  before(async () => {
    api = await openNightPilot();
    assert.ok(api.database, api.activationError);
    db = api.database;
  });

  it('opens the usage dashboard in a webview with a strict CSP, a nonce and nothing remote', async () => {
    // A job name that would end the page's data element if it were written as is.
    const hostile = '</script><script>alert(1)</script><!--';
    await db.write((tx) =>
      tx.jobs.insert({
        name: hostile,
        promptId: tx.prompts.insert({ title: 'h', content: 'x' }).id,
        cronExpression: '0 2 * * *',
        timezone: 'UTC',
        nextRunTime: '2099-01-01T02:00:00.000Z',
      }),
    );
    await vscode.commands.executeCommand('nightPilot.openUsageDashboard');
    const panel = await until('the panel', () => api.usageDashboard.panel);
    assert.equal(panel.viewType, 'nightPilot.usageDashboard');
    assert.equal(panel.title, 'Night Pilot Usage');
    // The HTML comes once the data for the first paint is read, while VS Code builds the webview.
    const html = await until('the page', () => panel.webview.html || undefined);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, csp);
    assert.ok(html.includes(`<script nonce="${nonce}"`));
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(urls.length >= 3);
    const extensionUri = vscode.extensions.getExtension('night-pilot.night-pilot')!.extensionUri;
    const base = panel.webview.asWebviewUri(extensionUri).toString();
    for (const url of urls) assert.ok(url.startsWith(base), `${url} is not one of the extension's own files`);
    // The strings and data of the first paint, as data (not a script the CSP would have to allow).
    const initial = /<script type="application\/json" id="initial">([^<]*)<\/script>/.exec(html)?.[1];
    assert.ok(initial, "the first paint's data is in the page");
    const parsed = JSON.parse(initial) as {
      strings: { title: string };
      data?: { days: string[]; jobs: { name: string }[] };
    };
    assert.equal(parsed.strings.title, 'Night Pilot Usage');
    assert.equal(parsed.data?.days.length, 30, 'the data for the default range of 30 days');
    assert.ok(
      parsed.data?.jobs.some((j) => j.name === hostile),
      'the job is listed, its name intact',
    );
    assert.equal(html.split('<script').length - 1, 2, 'the data element and the page script, nothing else');
    // The page's script ran under that policy and spoke first.
    await until('the page to say ready', () => api.usageDashboard.ready, 30_000);
    panel.dispose();
  });

  it('sets the overall budgets and a job budget with the commands', async () => {
    await vscode.commands.executeCommand('nightPilot.setBudgets', { dailyUsd: 12.5, monthlyUsd: 200 });
    assert.deepEqual(
      db.read((tx) => readBudgets(tx)),
      { dailyUsd: 12.5, monthlyUsd: 200 },
    );
    await vscode.commands.executeCommand('nightPilot.setBudgets', { dailyUsd: null, monthlyUsd: null });
    const job = await db.write((tx) =>
      tx.jobs.insert({
        name: 'Budgeted',
        promptId: tx.prompts.insert({ title: 'b', content: 'x' }).id,
        cronExpression: '0 2 * * *',
        timezone: 'UTC',
        nextRunTime: '2099-01-01T02:00:00.000Z',
      }),
    );
    const updated = await vscode.commands.executeCommand<Job>('nightPilot.setJobBudget', job.id, {
      maxBudgetUsd: 0.5,
      dailyBudgetUsd: 3,
    });
    assert.deepEqual(
      [updated.options.maxBudgetUsd, updated.options.dailyBudgetUsd, updated.options.monthlyBudgetUsd],
      [0.5, 3, null],
    );
  });

  it('holds a run whose job budget is spent, and says why in the tree and the status bar', async () => {
    const job = await db.write((tx) => {
      const j = tx.jobs.insert({
        name: 'Over budget',
        promptId: tx.prompts.insert({ title: 'o', content: 'x' }).id,
        cronExpression: '0 2 * * *',
        timezone: 'UTC',
        nextRunTime: '2099-01-01T02:00:00.000Z',
        options: { dailyBudgetUsd: 1 },
      });
      tx.usage.insert({
        runId: null,
        jobId: j.id,
        sessionId: null,
        model: 'claude-sonnet-4-5',
        inputTokens: 1,
        outputTokens: 1,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        costUsd: 1.5,
        costSource: 'reported',
      });
      return j;
    });
    const run = await db.write((tx) =>
      tx.runs.claim({ jobId: job.id, trigger: 'manual', scheduledFor: new Date().toISOString() }),
    );
    assert.ok(run);
    api.scheduler!.scheduler.poke();
    const held = await until('the run to be held', () => {
      const r = db.read((tx) => tx.runs.get(run.id));
      return r?.waitReason ? r : undefined;
    });
    assert.equal(held.status, 'queued');
    assert.match(held.waitReason!, /daily budget of \$1\.00 is spent \(\$1\.50 today\)/);

    const node = (await api.jobsTree.getChildren()).find(
      (n): n is Extract<JobsTreeNode, { kind: 'job' }> => n.kind === 'job' && n.job.id === job.id,
    )!;
    assert.match(String(api.jobsTree.getTreeItem(node).description), /^held by a budget/);
    const runNode = (await api.jobsTree.getChildren(node)).find(
      (n) => n.kind === 'run' && n.run.id === run.id,
    )!;
    assert.match(
      String(api.jobsTree.getTreeItem(runNode).description),
      /^Queued · held by a budget · manual/,
    );

    await api.usageStatusBar!.update();
    assert.match(api.usageStatusBar!.text, /^\$\(warning\) 1 run\(s\) held$/);

    const cancelled = await vscode.commands.executeCommand<Run>('nightPilot.cancelRun', run.id);
    assert.equal(cancelled?.status ?? db.read((tx) => tx.runs.require(run.id)).status, 'cancelled');
  });

  it("shows the active 5-hour block from Claude Code's transcripts in the status bar", async () => {
    const folder = path.join(os.homedir(), '.claude', 'projects', '-home-dev-app');
    fs.mkdirSync(folder, { recursive: true });
    const now = Date.now();
    // Both today (the tooltip's "today" counts them; before 00:40 "40 minutes ago" was yesterday)
    // and in the block that is active now.
    const midnight = new Date(now).setHours(0, 0, 0, 0);
    const at = (minutesAgo: number) => new Date(Math.max(now - minutesAgo * 60_000, midnight));
    fs.writeFileSync(
      path.join(folder, `${SESSION}.jsonl`),
      `${line(at(40), 'msg_1', 100_000, 2000)}\n${line(at(5), 'msg_2', 100_000, 2000)}\n`,
    );
    // An update already in flight (the runs of earlier tests change the database) read the folder
    // before this file existed: the one after it reads it.
    await api.usageStatusBar!.update();
    await api.usageStatusBar!.update();
    // 2 x (100,000 x $3 + 2,000 x $15) per million = $0.66.
    assert.match(api.usageStatusBar!.text, /^\$\(pulse\) \$0\.66 · \d+ (h|min)/);
    assert.match(api.usageStatusBar!.tooltip, /5-hour block: \$0\.66, resets at/);
    assert.match(api.usageStatusBar!.tooltip, /\$0\.66 by all Claude Code use/);
  });

  it('shows the dashboard loading when its data takes long to read, then the data', async () => {
    // A new session the refresh before the dashboard's data must read. Whether that takes longer
    // than the page waits for its data depends on the machine, so the page is told not to wait:
    // it is then shown as it is when a first read of a large folder is slow.
    const folder = path.join(os.homedir(), '.claude', 'projects', '-home-dev-big');
    fs.mkdirSync(folder, { recursive: true });
    const start = Date.now() - 3 * 3600_000;
    const lines: string[] = [];
    for (let i = 0; i < 1_000; i++) lines.push(line(new Date(start + i * 100), `msg_big_${i}`, 10, 10));
    fs.writeFileSync(
      path.join(folder, '1a2b3c4d-0000-4000-8000-000000000000.jsonl'),
      `${lines.join('\n')}\n`,
    );
    const wait = api.usageDashboard.htmlWaitMs;
    api.usageDashboard.htmlWaitMs = 0;
    after(() => (api.usageDashboard.htmlWaitMs = wait));
    await vscode.commands.executeCommand('nightPilot.openUsageDashboard');
    const panel = await until('the panel', () => api.usageDashboard.panel);
    const html = await until('the page', () => panel.webview.html || undefined);
    const initial = JSON.parse(
      /<script type="application\/json" id="initial">([^<]*)<\/script>/.exec(html)![1]!,
    ) as {
      strings: { loading: string };
      data?: unknown;
      error?: string;
    };
    assert.equal(initial.data, undefined, 'the page is shown before its data is read');
    assert.equal(initial.error, undefined, 'not as an error');
    assert.ok(initial.strings.loading, 'with the loading text');
    await until('the page to say ready', () => api.usageDashboard.ready, 30_000);
    const generatedAt = await until('the data to follow', () => api.usageDashboard.dataGeneratedAt, 30_000);
    assert.ok(Date.parse(generatedAt) <= Date.now());
    panel.dispose();
  });
});
