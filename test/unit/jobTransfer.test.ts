// Export Jobs / Import Jobs: the JSON file and the all-or-nothing import (real sql.js database).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { JobJson } from '../../src/cli/output';
import { jobsFile, parseJobsFile } from '../../src/core/jobTransfer';
import type { Job, Prompt } from '../../src/core/model';
import { NightPilotDatabase } from '../../src/storage/database';
import { ImportError, importJobs } from '../../src/storage/jobImport';
import { TempDirs, cli, json, ok } from './cliHarness';
import { useTempDir } from './storageHelpers';

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe('jobs file: export and import', () => {
  const tmp = useTempDir('np-transfer-');
  let db: NightPilotDatabase;
  beforeEach(async () => {
    db = await NightPilotDatabase.open(path.join(tmp.dir, 'a.db'), { clock: () => NOW });
  });
  afterEach(() => db.close());

  async function seed(): Promise<{ parent: Job; child: Job }> {
    return db.write((tx) => {
      const p1 = tx.prompts.insert({
        title: 'Review',
        content: '',
        filePath: '/repo/.nightpilot/prompts/review.md',
      });
      const parent = tx.jobs.insert({
        name: 'Nightly review',
        promptId: p1.id,
        cronExpression: '0 2 * * *',
        timezone: 'Europe/Berlin',
        priority: 2,
        options: {
          model: 'sonnet',
          allowedTools: ['Read', 'Bash(git log:*)'],
          env: { CI: '1' },
          timeoutSeconds: 600,
        },
        retry: { maxAttempts: 3, strategy: 'linear', baseDelaySeconds: 30, maxDelaySeconds: 300 },
        missedRunPolicy: 'skip',
        nextRunTime: '2026-03-02T01:00:00.000Z',
      });
      const p2 = tx.prompts.insert({ title: 'Report', content: 'Summarise the review.' });
      const child = tx.jobs.insert({
        name: 'Report',
        promptId: p2.id,
        cronExpression: '',
        timezone: 'UTC',
        jobType: 'triggered',
        parentJobId: parent.id,
        status: 'paused',
      });
      return { parent, child };
    });
  }

  const exportAll = () =>
    db.read((tx) =>
      jobsFile(tx.jobs.list(), new Map(tx.prompts.list().map((p): [string, Prompt] => [p.id, p])), NOW),
    );

  it('round-trips every option, the prompt and the parent link into another database', async () => {
    const { parent, child } = await seed();
    const text = JSON.stringify(exportAll());
    const parsed = parseJobsFile(JSON.parse(text));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'));
    const other = await NightPilotDatabase.open(path.join(tmp.dir, 'b.db'), { clock: () => NOW });
    try {
      const result = await other.write((tx) => importJobs(tx, parsed.jobs, NOW, 'skip'));
      assert.equal(result.created.length, 2);
      const [p, c] = other.read((tx) => [tx.jobs.require(parent.id), tx.jobs.require(child.id)]);
      const same = (j: Job) => ({ ...j, createdAt: '', updatedAt: '', promptId: '' });
      assert.deepEqual(same(p!), same(parent));
      assert.deepEqual(same(c!), same(child));
      assert.equal(c!.parentJobId, p!.id);
      const prompts = other.read((tx) => [tx.prompts.require(p!.promptId), tx.prompts.require(c!.promptId)]);
      assert.equal(prompts[0]!.filePath, '/repo/.nightpilot/prompts/review.md');
      assert.equal(prompts[1]!.content, 'Summarise the review.');
    } finally {
      other.close();
    }
  });

  it('skips the jobs already here, or imports them again as copies linked to the copied parent', async () => {
    await seed();
    const file = exportAll();
    const parsed = parseJobsFile(JSON.parse(JSON.stringify(file)));
    assert.ok(parsed.ok);
    const skipped = await db.write((tx) => importJobs(tx, parsed.jobs, NOW, 'skip'));
    assert.deepEqual([skipped.created.length, skipped.skipped.length], [0, 2]);
    const copies = await db.write((tx) => importJobs(tx, parsed.jobs, NOW, 'copy'));
    assert.equal(copies.created.length, 2);
    const copyParent = copies.created.find((j) => j.name === 'Nightly review')!;
    const copyChild = copies.created.find((j) => j.name === 'Report')!;
    assert.equal(copyChild.parentJobId, copyParent.id);
    assert.equal(
      db.read((tx) => tx.jobs.list().length),
      4,
    );
  });

  it('refuses a bad file with every reason, naming the job and the field', () => {
    const parsed = parseJobsFile({
      format: 'night-pilot-jobs',
      version: 1,
      jobs: [
        {
          id: 'a',
          name: 'Broken',
          status: 'active',
          jobType: 'scheduled',
          cronExpression: '61 * * * *',
          timezone: 'Mars/Olympus',
          priority: 5,
          parentJobId: null,
          prompt: { title: 'x', content: '', filePath: null },
          options: { maxTurns: 0, permissionMode: 'bypassPermissions', colour: 'blue' },
          retry: {},
          missedRunPolicy: 'run_once',
        },
        'not a job',
      ],
    });
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    const text = parsed.problems.join('\n');
    for (const expected of [
      'jobs[0] "Broken": unknown key "options.colour"',
      'jobs[0] "Broken": the prompt has neither text nor a file',
      'jobs[0] "Broken": timezone: time zone "Mars/Olympus" is not a known IANA zone',
      'jobs[0] "Broken": cronExpression: minute: 61 is out of range 0-59',
      'jobs[0] "Broken": options.maxTurns: 0 is not an integer from 1 to 10000',
      'jobs[0] "Broken": options.permissionMode: bypassPermissions lets Claude run any tool without asking',
      'jobs[1]: not an object',
    ])
      assert.ok(text.includes(expected), `missing "${expected}" in:\n${text}`);
    assert.deepEqual(parseJobsFile({ format: 'other' }), {
      ok: false,
      problems: ['"format" is not "night-pilot-jobs": this is not a Night Pilot jobs file'],
    });
  });

  it('writes nothing when one job of the file cannot be imported', async () => {
    await seed();
    const file = exportAll();
    file.jobs[1]!.parentJobId = 'no-such-job';
    const parsed = parseJobsFile(JSON.parse(JSON.stringify(file)));
    assert.ok(parsed.ok);
    const before = db.read((tx) => [tx.jobs.list().length, tx.prompts.list().length]);
    await assert.rejects(
      db.write((tx) => importJobs(tx, parsed.jobs, NOW, 'copy')),
      (err: unknown) =>
        err instanceof ImportError && /parent job no-such-job is neither in the file/.test(err.message),
    );
    assert.deepEqual(
      db.read((tx) => [tx.jobs.list().length, tx.prompts.list().length]),
      before,
    );
  });
});

describe('night-pilot job dump and job import (in-process)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('dumps jobs to a file and imports them into another database, refusing a bad file with its reasons', async () => {
    const dir = temp.make();
    const a = path.join(dir, 'a.db');
    const b = path.join(dir, 'b.db');
    const added = json<JobJson>(
      ok(
        await cli(
          [
            '--db',
            a,
            '--json',
            'job',
            'add',
            '--name',
            'nightly',
            '--prompt',
            'Review.',
            '--cron',
            '0 2 * * *',
            '--max-turns',
            '7',
          ],
          { cwd: dir },
        ),
      ),
    );
    const dumped = await cli(['--db', a, 'job', 'dump', '--out', 'jobs.json'], { cwd: dir });
    assert.equal(dumped.code, 0, dumped.stderr);
    assert.match(dumped.stderr, /wrote 1 job\(s\) to .*jobs\.json/);
    const imported = json<{ created: JobJson[]; skipped: unknown[] }>(
      ok(await cli(['--db', b, '--json', 'job', 'import', 'jobs.json'], { cwd: dir })),
    );
    assert.deepEqual(
      imported.created.map((j) => [j.id, j.name, j.options.maxTurns, j.prompt?.title]),
      [[added.id, 'nightly', 7, 'nightly']],
    );
    const again = json<{ created: JobJson[]; skipped: unknown[] }>(
      ok(await cli(['--db', b, '--json', 'job', 'import', 'jobs.json'], { cwd: dir })),
    );
    assert.deepEqual([again.created.length, again.skipped.length], [0, 1]);

    const file = JSON.parse(fs.readFileSync(path.join(dir, 'jobs.json'), 'utf8')) as {
      jobs: Array<Record<string, unknown>>;
    };
    file.jobs[0]!.cronExpression = '0 25 * * *';
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(file));
    const bad = await cli(['--db', b, 'job', 'import', 'bad.json', '--copies'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /bad\.json was not imported \(nothing changed\):\n {2}- jobs\[0\] "nightly": cronExpression: hour: 25 is out of range 0-23/,
    );
    const listed = json<JobJson[]>(ok(await cli(['--db', b, '--json', 'job', 'list'], { cwd: dir })));
    assert.equal(listed.length, 1);
  });
});
