// The Jobs view at every level, as VS Code gets it from the provider: labels, descriptions, icons,
// contextValues (what the menus match), commands and the tooltips built on hover.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMAND } from '../../src/commands/commandIds';
import type { Job, Run, RunStatus } from '../../src/core/model';
import { USAGE_LIMIT_MESSAGE } from '../../src/core/phases';
import { extendLimitHold } from '../../src/scheduler/limitHold';
import type { NightPilotDatabase } from '../../src/storage/database';
import type { JobsTreeProvider } from '../../src/views/jobsTree';
import type { JobsTreeNode } from '../../src/views/treeItems';
import type { NightPilotUnderTest } from './nightPilot';
import { openNightPilot } from './nightPilot';
import { insertJob } from './testJobs';

type Node = JobsTreeNode;

/** A local clock time as the machine's locale writes it: 14:05, 02:05 PM. */
const TIME = String.raw`\d{1,2}:\d\d(?:\s?[AP]M)?`;

function iconOf(item: vscode.TreeItem): string {
  const icon = item.iconPath;
  if (icon instanceof vscode.ThemeIcon) return icon.color ? `${icon.id} ${icon.color.id}` : icon.id;
  if (icon && typeof icon === 'object' && 'dark' in icon)
    return `file:${String((icon.dark as vscode.Uri).path)
      .split('/')
      .pop()}`;
  return String(icon);
}

function tooltipOf(item: vscode.TreeItem): string {
  const t = item.tooltip;
  return typeof t === 'string' ? t : (t?.value ?? '');
}

describe('the Jobs view', () => {
  let np: NightPilotUnderTest;
  let db: NightPilotDatabase;
  let tree: JobsTreeProvider;
  const made: string[] = [];

  before(async () => {
    np = await openNightPilot();
    db = np.database!;
    tree = np.jobsTree;
  });
  afterEach(async () => {
    await tree.setFilter({ statuses: [], text: '' });
    await tree.setSort('status');
  });
  after(async () => {
    // Deleting them keeps the other test files' views readable; nothing of theirs is touched.
    for (const id of made) await vscode.commands.executeCommand(COMMAND.deleteJob, id, { confirm: false });
  });

  async function job(name: string, fields: Parameters<typeof insertJob>[2] = {}): Promise<Job> {
    const j = await insertJob(db, name, fields);
    made.push(j.id);
    return j;
  }

  function run(
    jobId: string,
    at: string,
    status: RunStatus,
    extra: Partial<Run> = {},
    attempt = 1,
  ): Promise<Run> {
    return db.write((tx) => {
      const r = tx.runs.claim({ jobId, trigger: 'schedule', scheduledFor: at, status, attempt })!;
      tx.sql.run('UPDATE job_runs SET created_at = ? WHERE id = ?', [at, r.id]);
      return tx.runs.update(r.id, { startedAt: status === 'queued' ? null : at, ...extra });
    });
  }

  const roots = () => tree.getChildren();
  async function node(id: string, under?: Node): Promise<Extract<Node, { kind: 'job' }>> {
    const found = (await tree.getChildren(under)).find((n) => n.kind === 'job' && n.job.id === id);
    assert.ok(found, `job ${id} is not there`);
    return found as Extract<Node, { kind: 'job' }>;
  }
  const item = (n: Node) => tree.resolveTreeItem(tree.getTreeItem(n), n);

  it('lists jobs in a stable order: running first, then by next fire, paused and finished last, name last', async () => {
    const tag = `order-${Date.now()}`;
    const late = await job(`${tag} b late`, { nextRunTime: '2098-06-01T00:00:00.000Z' });
    const early = await job(`${tag} c early`, { nextRunTime: '2098-01-01T00:00:00.000Z' });
    const sameA = await job(`${tag} a same`, { nextRunTime: '2098-03-01T00:00:00.000Z' });
    const sameB = await job(`${tag} B same`, { nextRunTime: '2098-03-01T00:00:00.000Z' });
    const paused = await job(`${tag} a paused`, {
      status: 'paused',
      nextRunTime: '2097-01-01T00:00:00.000Z',
    });
    const done = await job(`${tag} a done`, { status: 'completed', nextRunTime: null });
    const running = await job(`${tag} z running`, {
      status: 'paused',
      nextRunTime: '2099-01-01T00:00:00.000Z',
    });
    await run(running.id, '2024-01-01T00:00:00.000Z', 'running');
    const order = (await roots())
      .filter((n) => n.kind === 'job' && n.job.name.startsWith(tag))
      .map((n) => (n as Extract<Node, { kind: 'job' }>).job.id);
    assert.deepEqual(order, [running.id, early.id, sameA.id, sameB.id, late.id, paused.id, done.id]);
    await db.write((tx) =>
      tx.runs.list({ jobId: running.id }).forEach((r) => tx.runs.update(r.id, { status: 'cancelled' })),
    );
  });

  it("shows a job's last outcome in its icon: red after a failure, green after a success; no debugger icons", async () => {
    const failed = await job('Failed overnight');
    await run(failed.id, '2024-02-01T02:00:00.000Z', 'succeeded', { endedAt: '2024-02-01T02:01:00.000Z' });
    await run(failed.id, '2024-02-02T02:00:00.000Z', 'failed', {
      endedAt: '2024-02-02T02:01:00.000Z',
      error: 'Claude exited with code 1',
    });
    const fine = await job('Fine overnight');
    await run(fine.id, '2024-02-02T02:00:00.000Z', 'succeeded', { endedAt: '2024-02-02T02:01:00.000Z' });
    const paused = await job('Paused job', { status: 'paused' });
    const fresh = await job('Never ran');
    assert.equal(iconOf(item(await node(failed.id))), 'error testing.iconFailed');
    assert.equal(iconOf(item(await node(fine.id))), 'pass testing.iconPassed');
    assert.equal(iconOf(item(await node(paused.id))), 'file:pause-dark.svg');
    assert.equal(iconOf(item(await node(fresh.id))), 'clock');
    const pausedItem = item(await node(paused.id));
    assert.equal(pausedItem.contextValue, 'job+paused');
    assert.equal(pausedItem.description, 'paused');
  });

  it('nests a triggered job under its parent in its own group, apart from the runs, and says when it runs', async () => {
    const parent = await job('Parent of a child');
    const child = await job('Triggered child', {
      parentJobId: parent.id,
      cronExpression: '',
      jobType: 'triggered',
      nextRunTime: null,
    });
    const r = await run(parent.id, '2024-03-01T02:00:00.000Z', 'succeeded', {
      endedAt: '2024-03-01T02:00:05.000Z',
    });
    assert.equal(
      (await roots()).some((n) => n.kind === 'job' && n.job.id === child.id),
      false,
      'the child is not a root',
    );
    const children = await tree.getChildren(await node(parent.id));
    assert.deepEqual(
      children.map((n) => n.kind),
      ['children', 'run'],
    );
    const group = item(children[0]!);
    assert.equal(group.label, 'Jobs triggered by this one');
    assert.equal(group.description, '1, after Parent of a child succeeds');
    assert.equal((children[1] as Extract<Node, { kind: 'run' }>).run.id, r.id);
    const childNode = await node(child.id, children[0]);
    const childItem = item(childNode);
    assert.equal(childItem.description, 'after Parent of a child succeeds');
    assert.equal(childItem.contextValue, 'job+active+child');
    const tip = tooltipOf(childItem);
    assert.match(tip, /Runs after Parent of a child succeeds/);
    assert.doesNotMatch(tip, /cannot be read|Schedule:/);
    // getParent walks back up, so a run or job deep down can be revealed.
    assert.equal(tree.getParent(childNode)?.kind, 'children');
  });

  it('describes a run by its date, status, duration, tokens and cost, and offers its context menu', async () => {
    const j = await job('Costed job', {
      options: { model: 'claude-sonnet-4-5', workingDirectory: '/srv/repo' },
    });
    const r = await run(j.id, '2024-04-01T02:00:00.000Z', 'failed', {
      endedAt: '2024-04-01T02:01:12.000Z',
      error: 'Claude exited with code 1: boom',
      sessionId: '5e55c0de-0000-4000-8000-000000000000',
    });
    await db.write((tx) => {
      tx.processes.insert({ runId: r.id, jobId: j.id, processType: 'execution', status: 'failed' });
      tx.usage.insert({
        runId: r.id,
        jobId: j.id,
        sessionId: r.sessionId,
        model: 'claude-sonnet-4-5',
        inputTokens: 12_000,
        outputTokens: 345,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        costUsd: 0.0412,
        costSource: 'reported',
        recordedAt: new Date().toISOString(),
      });
    });
    const [runNode] = await tree.getChildren(await node(j.id));
    const runItem = item(runNode!);
    assert.match(String(runItem.label), /2024/, 'a run of another day carries its date');
    assert.equal(runItem.description, 'Failed · 1 min 12 s · 12.3K tokens · $0.04');
    assert.equal(runItem.contextValue, 'run+failed+final');
    assert.equal(iconOf(runItem), 'error testing.iconFailed');
    assert.deepEqual(
      [runItem.command?.command, runItem.command?.arguments],
      [COMMAND.openTranscript, [r.id]],
    );
    const tip = tooltipOf(runItem);
    assert.match(tip, new RegExp(`\`${r.id.slice(0, 8)}\``), 'the short run id');
    assert.match(tip, /12,345 tokens \(12,000 in, 345 out, 0 cache write, 0 cache read\), \$0\.04/);
    assert.match(tip, /Claude session: `5e55c0de`/);
    assert.match(tip, /boom/);
    const jobTip = tooltipOf(item(await node(j.id)));
    assert.match(jobTip, new RegExp(`\\*\\*Costed job\\*\\* \`${j.id.slice(0, 8)}\``));
    assert.match(jobTip, /Prompt: Costed job/);
    assert.match(jobTip, /Folder: `\/srv\/repo`/);
    assert.match(jobTip, /Model: `claude-sonnet-4-5`/);
    assert.match(jobTip, /Last 30 days: 12,345 tokens .*\$0\.04/);
    // The zone is said once: "At 02:00:00 every day, UTC", not "..., UTC, UTC".
    assert.match(jobTip, /Schedule: `0 2 \* \* \*`, At 02:00:00 every day, UTC/);
    assert.doesNotMatch(jobTip, /UTC, UTC/);
  });

  it('says a pending retry waits for its backoff, not for a usage limit', async () => {
    const j = await job('Retried job', {
      retry: { maxAttempts: 3, strategy: 'fixed', baseDelaySeconds: 300 },
      status: 'paused',
    });
    await run(j.id, '2024-05-01T02:00:00.000Z', 'failed', { endedAt: '2024-05-01T02:00:10.000Z' });
    const resumeAt = new Date(Date.now() + 5 * 60_000).toISOString();
    await db.write((tx) =>
      tx.runs.claim({
        jobId: j.id,
        trigger: 'retry',
        scheduledFor: '2024-05-01T02:00:00.000Z',
        attempt: 2,
        status: 'queued',
        resumeAt,
      }),
    );
    const retryNode = (await tree.getChildren(await node(j.id)))[0]!;
    const retryItem = item(retryNode);
    assert.match(String(retryItem.description), new RegExp(`^Retry at ${TIME} · attempt 2 of 3$`));
    const tip = tooltipOf(retryItem);
    assert.match(
      tip,
      new RegExp(
        String.raw`Retry 1 of 2 after a 5 min backoff \(fixed\): starts at (today|tomorrow) ${TIME}`,
      ),
    );
    assert.doesNotMatch(tip, /usage limit/i);
  });

  it('shows the execution a usage limit stopped as "Usage limit" (warning colour) and the next as "Execution (resumed)"', async () => {
    const j = await job('Limited job');
    const r = await run(j.id, '2024-06-01T02:00:00.000Z', 'succeeded', {
      endedAt: '2024-06-01T07:00:00.000Z',
    });
    await db.write((tx) => {
      const first = tx.processes.insert({
        runId: r.id,
        jobId: j.id,
        processType: 'execution',
        status: 'failed',
        startTime: '2024-06-01T02:00:00.000Z',
      });
      tx.processes.update(first.id, {
        endTime: '2024-06-01T02:00:30.000Z',
        exitCode: 1,
        errorMessage: `${USAGE_LIMIT_MESSAGE} (You've hit your 5-hour limit; resets 2024-06-01T07:00:00.000Z); waiting until 2024-06-01T07:01:00.000Z.`,
      });
      const second = tx.processes.insert({
        runId: r.id,
        jobId: j.id,
        processType: 'execution',
        status: 'completed',
        startTime: '2024-06-01T07:01:00.000Z',
      });
      tx.processes.update(second.id, { endTime: '2024-06-01T07:02:00.000Z', exitCode: 0 });
      const cleanup = tx.processes.insert({
        runId: r.id,
        jobId: j.id,
        processType: 'cleanup',
        status: 'completed',
        startTime: '2024-06-01T07:02:00.000Z',
      });
      tx.processes.update(cleanup.id, { endTime: '2024-06-01T07:02:01.000Z', exitCode: 0 });
    });
    const runNode = (await tree.getChildren(await node(j.id)))[0]!;
    const phases = (await tree.getChildren(runNode)).map((n) => item(n));
    assert.deepEqual(
      phases.map((p) => [p.label, p.description, iconOf(p)]),
      [
        ['Execution', 'Usage limit · 30 s', 'watch list.warningForeground'],
        ['Execution (resumed)', 'Completed · 1 min', 'pass testing.iconPassed'],
        ['Cleanup', 'Completed · 1 s', 'pass testing.iconPassed'],
      ],
    );
    assert.equal(phases[0]!.contextValue, 'process+failed+usageLimit');
    assert.match(tooltipOf(phases[0]!), /Stopped by the usage limit/);
  });

  it('pages through older runs with "Show more" (25 at a time)', async () => {
    const j = await job('Many runs', { status: 'paused' });
    for (let i = 0; i < 28; i++)
      await run(j.id, new Date(Date.UTC(2024, 6, 1 + i, 2)).toISOString(), 'succeeded');
    let children = await tree.getChildren(await node(j.id));
    assert.equal(children.filter((n) => n.kind === 'run').length, 25);
    const more = children.at(-1)!;
    assert.equal(more.kind, 'more');
    const moreItem = item(more);
    assert.deepEqual([moreItem.label, moreItem.description], ['Show more', '3 older run(s)']);
    assert.deepEqual(
      [moreItem.command?.command, moreItem.command?.arguments],
      [COMMAND.showMoreRuns, [j.id]],
    );
    await vscode.commands.executeCommand(COMMAND.showMoreRuns, j.id);
    children = await tree.getChildren(await node(j.id));
    assert.equal(children.filter((n) => n.kind === 'run').length, 28);
    assert.equal(
      children.some((n) => n.kind === 'more'),
      false,
    );
    // Newest first.
    const first = (children[0] as Extract<Node, { kind: 'run' }>).run.scheduledFor;
    assert.equal(first, new Date(Date.UTC(2024, 6, 28, 2)).toISOString());
  });

  it('shows quiet mode and a usage-limit hold on the jobs they hold, and above the tree', async () => {
    const j = await job('Held job', { nextRunTime: new Date(Date.now() + 30 * 60_000).toISOString() });
    await vscode.commands.executeCommand(COMMAND.pauseAll);
    try {
      await tree.getChildren();
      assert.match(String(item(await node(j.id)).description), /quiet mode · next (today|tomorrow)/);
      assert.equal(iconOf(item(await node(j.id))), 'mute');
      assert.match(tree.view?.message ?? '', /Quiet mode: no job starts/);
    } finally {
      await vscode.commands.executeCommand(COMMAND.resumeAll);
    }
    const until = new Date(Date.now() + 60 * 60_000).toISOString();
    await db.write((tx) => extendLimitHold(tx, { until, runId: 'r', jobId: j.id, message: 'limit' }));
    try {
      await tree.getChildren();
      const held = item(await node(j.id));
      assert.match(
        String(held.description),
        new RegExp(`^usage limit until ${TIME} · next (today|tomorrow)`),
      );
      assert.equal(iconOf(held), 'watch list.warningForeground');
      assert.match(
        tooltipOf(held),
        new RegExp(String.raw`The usage limit holds every job until (today|tomorrow) ${TIME} \(local time\)`),
      );
      assert.match(tree.view?.message ?? '', new RegExp(`Usage limit: no job starts until ${TIME}`));
      await vscode.commands.executeCommand(COMMAND.refresh);
      await new Promise((r) => setTimeout(r, 400));
      assert.match(np.internals.statusBar.text, /\$\(watch\) limit 1 h/);
      assert.match(
        np.internals.statusBar.tooltip,
        new RegExp(String.raw`Usage limit: no job starts until (today|tomorrow) ${TIME} \(in 1 h\)`),
      );
    } finally {
      await db.write((tx) => tx.state.delete('limit_hold'));
    }
  });

  it('sorts and filters from its title bar, and says so in the view', async () => {
    const tag = `filter-${Date.now()}`;
    const bad = await job(`${tag} broken`);
    await run(bad.id, '2024-08-01T02:00:00.000Z', 'failed', { endedAt: '2024-08-01T02:00:01.000Z' });
    await job(`${tag} fine`);
    const filter = await vscode.commands.executeCommand(COMMAND.filterJobs, {
      statuses: ['failing'],
      text: tag,
    });
    assert.deepEqual(filter, { statuses: ['failing'], text: tag });
    assert.deepEqual(
      (await roots()).map((n) => (n.kind === 'job' ? n.job.name : n.kind)),
      [`${tag} broken`],
    );
    assert.equal(tree.view?.description, `Filter: Last run failed, "${tag}"`);
    await vscode.commands.executeCommand(COMMAND.clearJobFilter);
    assert.equal(tree.view?.description, undefined);
    await assert.rejects(
      async () => vscode.commands.executeCommand(COMMAND.filterJobs, { statuses: ['broken'] }),
      /"broken" is not a status filter/,
    );
    assert.equal(await vscode.commands.executeCommand(COMMAND.sortJobs, 'name'), 'name');
    const names = (await roots()).map((n) => (n.kind === 'job' ? n.job.name : ''));
    const sorted = [...names].sort((a, b) =>
      a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }),
    );
    assert.deepEqual(names, sorted);
    await assert.rejects(
      async () => vscode.commands.executeCommand(COMMAND.sortJobs, 'size'),
      /"size" is not a sort order/,
    );
  });
});
