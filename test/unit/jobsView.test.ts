// The Jobs view's order and filter (src/core/jobOrder.ts) and what it reads per job in a few grouped
// queries (src/storage/jobOverview.ts), over a real sql.js database file.
import assert from 'node:assert/strict';
import type { JobRow } from '../../src/core/jobOrder';
import { matchesFilter, sortJobs } from '../../src/core/jobOrder';
import type { Job, RunStatus } from '../../src/core/model';
import { NightPilotDatabase } from '../../src/storage/database';
import { jobUsageSince, readJobOverviews, usageByRun } from '../../src/storage/jobOverview';
import { useTempDatabaseFile } from './storageHelpers';

function row(
  name: string,
  fields: Partial<Job> = {},
  running = false,
  lastOutcome: RunStatus | null = null,
): JobRow {
  const job = {
    id: `${name.toLowerCase().replace(/\W/g, '')}-0000-id`,
    name,
    status: 'active',
    nextRunTime: null,
    lastRunTime: null,
    ...fields,
  } as Job;
  return { job, running, lastOutcome };
}

describe('Jobs view: order and filter', () => {
  const rows = [
    row('zeta nightly', { nextRunTime: '2026-01-02T02:00:00.000Z' }),
    row('Paused report', { status: 'paused', nextRunTime: '2026-01-01T00:00:00.000Z' }),
    row('alpha hourly', { nextRunTime: '2026-01-01T10:00:00.000Z' }),
    row('Done once', { status: 'completed' }),
    row('Running now', { nextRunTime: '2026-01-03T00:00:00.000Z' }, true),
    row('beta triggered', { parentJobId: 'p' }),
    row('Alpha weekly', { nextRunTime: '2026-01-01T10:00:00.000Z' }),
    row('Failed once', { status: 'failed' }, false, 'failed'),
  ];

  it('lists running jobs first, then by next fire, paused and finished last, the name breaking ties', () => {
    assert.deepEqual(
      sortJobs(rows, 'status').map((r) => r.job.name),
      [
        'Running now',
        'alpha hourly',
        'Alpha weekly',
        'zeta nightly',
        'beta triggered',
        'Paused report',
        'Done once',
        'Failed once',
      ],
    );
  });

  it('gives the same order whatever order the jobs come in', () => {
    const reversed = sortJobs([...rows].reverse(), 'status').map((r) => r.job.id);
    assert.deepEqual(
      reversed,
      sortJobs(rows, 'status').map((r) => r.job.id),
    );
  });

  it('sorts by name (case-insensitive, numbers as numbers), by next fire and by last run', () => {
    const numbered = [row('job 10'), row('Job 9'), row('job 1')];
    assert.deepEqual(
      sortJobs(numbered, 'name').map((r) => r.job.name),
      ['job 1', 'Job 9', 'job 10'],
    );
    assert.deepEqual(
      sortJobs(rows, 'nextFire')
        .slice(0, 4)
        .map((r) => r.job.name),
      ['Paused report', 'alpha hourly', 'Alpha weekly', 'zeta nightly'],
    );
    const ran = [
      row('old', { lastRunTime: '2026-01-01T00:00:00.000Z' }),
      row('never'),
      row('new', { lastRunTime: '2026-01-02T00:00:00.000Z' }),
    ];
    assert.deepEqual(
      sortJobs(ran, 'lastRun').map((r) => r.job.name),
      ['new', 'old', 'never'],
    );
  });

  it('filters by any of the chosen statuses and by text in the name or the start of the id', () => {
    const pick = (statuses: Parameters<typeof matchesFilter>[1]['statuses'], text = '') =>
      rows.filter((r) => matchesFilter(r, { statuses, text })).map((r) => r.job.name);
    assert.deepEqual(pick(['failing']), ['Failed once']);
    assert.deepEqual(pick(['running', 'paused']), ['Paused report', 'Running now']);
    assert.deepEqual(pick([], 'ALPHA'), ['alpha hourly', 'Alpha weekly']);
    assert.deepEqual(pick(['active'], 'alpha w'), ['Alpha weekly']);
    assert.deepEqual(pick([], 'zetanightly-00'), ['zeta nightly']);
    assert.deepEqual(
      pick([], '   '),
      rows.map((r) => r.job.name),
    );
  });
});

describe('Jobs view: what it reads per job', () => {
  const tmp = useTempDatabaseFile();
  let db: NightPilotDatabase;
  afterEach(() => db?.close());

  it("reads every job's runs, children, last outcome and unfinished run in two queries", async () => {
    db = await NightPilotDatabase.open(tmp.file);
    const ids = await db.write((tx) => {
      const prompt = tx.prompts.insert({ title: 'p', content: 'x' });
      const job = (name: string, parentJobId: string | null = null) =>
        tx.jobs.insert({
          name,
          promptId: prompt.id,
          cronExpression: '0 2 * * *',
          timezone: 'UTC',
          parentJobId,
        });
      const parent = job('parent');
      const child = job('child', parent.id);
      const idle = job('idle');
      const run = (jobId: string, at: string, status: RunStatus, extra: object = {}) => {
        const r = tx.runs.claim({ jobId, trigger: 'schedule', scheduledFor: at, status })!;
        // created_at is the clock's; the order of claims is the order of the runs here.
        tx.sql.run('UPDATE job_runs SET created_at = ? WHERE id = ?', [at, r.id]);
        if (Object.keys(extra).length) tx.runs.update(r.id, extra);
        return r;
      };
      run(parent.id, '2026-01-01T02:00:00.000Z', 'succeeded');
      run(parent.id, '2026-01-02T02:00:00.000Z', 'failed');
      run(parent.id, '2026-01-03T02:00:00.000Z', 'queued', {
        waitReason: 'The daily budget is spent',
        resumeAt: '2026-01-04T00:00:00.000Z',
      });
      run(child.id, '2026-01-01T03:00:00.000Z', 'succeeded');
      run(child.id, '2026-01-02T03:00:00.000Z', 'running');
      run(child.id, '2026-01-02T04:00:00.000Z', 'waiting_for_limit', {
        resumeAt: '2026-01-02T09:00:00.000Z',
      });
      return { parent: parent.id, child: child.id, idle: idle.id };
    });
    const map = db.read((tx) => readJobOverviews(tx));
    assert.deepEqual(map.get(ids.parent), {
      hasRuns: true,
      childCount: 1,
      lastOutcome: 'failed',
      activeStatus: 'queued',
      waitReason: 'The daily budget is spent',
      resumeAt: '2026-01-04T00:00:00.000Z',
    });
    const child = map.get(ids.child)!;
    assert.equal(child.lastOutcome, 'succeeded');
    assert.equal(child.activeStatus, 'running', 'running wins over waiting');
    assert.equal(child.hasRuns, true);
    assert.equal(map.get(ids.idle), undefined, 'a job without runs or children has no entry');
  });

  it("sums a run's usage per run, and a job's last 30 days from its records and the pruned runs' roll-ups", async () => {
    db = await NightPilotDatabase.open(tmp.file);
    const { job, runs } = await db.write((tx) => {
      const prompt = tx.prompts.insert({ title: 'p', content: 'x' });
      const j = tx.jobs.insert({
        name: 'costly',
        promptId: prompt.id,
        cronExpression: '0 2 * * *',
        timezone: 'UTC',
      });
      const r1 = tx.runs.claim({
        jobId: j.id,
        trigger: 'schedule',
        scheduledFor: '2026-01-10T02:00:00.000Z',
      })!;
      const r2 = tx.runs.claim({
        jobId: j.id,
        trigger: 'schedule',
        scheduledFor: '2026-01-11T02:00:00.000Z',
      })!;
      const usage = (
        runId: string,
        model: string,
        cost: number,
        source: 'reported' | 'calculated',
        at: string,
      ) =>
        tx.usage.insert({
          runId,
          jobId: j.id,
          sessionId: null,
          model,
          inputTokens: 1000,
          outputTokens: 200,
          cacheCreationTokens: 10,
          cacheReadTokens: 5,
          costUsd: cost,
          costSource: source,
          recordedAt: at,
        });
      usage(r1.id, 'claude-sonnet-4-5', 0.5, 'reported', '2026-01-10T02:05:00.000Z');
      usage(r1.id, 'claude-haiku-4-5', 0.1, 'calculated', '2026-01-10T02:05:00.000Z');
      usage(r2.id, 'claude-sonnet-4-5', 0.25, 'reported', '2025-11-01T02:05:00.000Z');
      tx.sql.run(
        `INSERT INTO usage_daily (day, job_id, job_name, model, input_tokens, output_tokens, cost_usd, reported_cost_usd, runs)
         VALUES ('2026-01-05', ?, 'costly', 'claude-sonnet-4-5', 500, 50, 2, 2, 1), ('2025-10-01', ?, 'costly', 'x', 1, 1, 9, 9, 1)`,
        [j.id, j.id],
      );
      return { job: j, runs: [r1, r2] };
    });
    const byRun = db.read((tx) =>
      usageByRun(
        tx,
        runs.map((r) => r.id),
      ),
    );
    const first = byRun.get(runs[0]!.id)!;
    assert.equal(first.inputTokens, 2000);
    assert.ok(Math.abs(first.costUsd - 0.6) < 1e-9);
    assert.ok(Math.abs(first.reportedCostUsd - 0.5) < 1e-9);
    assert.deepEqual(first.models.sort(), ['claude-haiku-4-5', 'claude-sonnet-4-5']);
    const month = db.read((tx) => jobUsageSince(tx, job.id, '2026-01-01T00:00:00.000Z', '2026-01-01'));
    // The two January records and the January roll-up; not November's record or October's roll-up.
    assert.ok(Math.abs(month.costUsd - 2.6) < 1e-9, String(month.costUsd));
    assert.equal(month.inputTokens, 2500);
  });
});
