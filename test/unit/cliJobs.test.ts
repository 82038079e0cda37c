import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { JobJson, RunJson } from '../../src/cli/output';
import { defaultTimeZone } from '../../src/core/timeZone';
import { NightPilotDatabase } from '../../src/storage/database';
import type { CliOptions } from './cliHarness';
import { TempDirs, cli, fileHash, json, nextWallClock, ok } from './cliHarness';

const temp = new TempDirs();
after(() => temp.cleanup());

/** A fresh database path (not created yet) and a runner bound to it. */
function setup() {
  const dir = temp.make();
  const db = path.join(dir, 'night-pilot.db');
  const run = (argv: readonly string[], options: CliOptions = {}) =>
    cli(['--db', db, ...argv], { cwd: dir, ...options });
  const runJson = async <T = JobJson>(argv: readonly string[], options: CliOptions = {}) =>
    json<T>(ok(await run(['--json', ...argv], options)));
  return { dir, db, run, runJson };
}

const JAN_15_NOON = new Date('2025-01-15T12:00:00Z');

describe('night-pilot job (in-process)', () => {
  it('round-trips a job through add, list, show, edit, pause, resume and remove', async () => {
    const { dir, db, runJson } = setup();
    const promptFile = path.join(dir, 'review.md');
    const promptText = '---\ntitle: "Nightly review"\nmodel: sonnet\n---\nReview yesterday\'s commits.\n';
    fs.writeFileSync(promptFile, promptText);
    fs.mkdirSync(path.join(dir, 'repo'));

    const added = await runJson(
      [
        'job',
        'add',
        '--name',
        'nightly',
        '--prompt-file',
        'review.md',
        '--cron',
        '0 2 * * *',
        '--tz',
        'Europe/Berlin',
        '--cwd',
        'repo',
        '--model',
        'sonnet',
        '--max-turns',
        '5',
        '--permission-mode',
        'acceptEdits',
        '--timeout',
        '600',
        '--retries',
        '2',
        '--retry-strategy',
        'linear',
        '--retry-delay',
        '30',
        '--retry-max-delay',
        '300',
        '--missed',
        'run_all',
        '--priority',
        '3',
        '--setup',
        'npm ci',
        '--validate',
        'npm test',
        '--cleanup',
        'rm -rf tmp',
        '--allowed-tools',
        'Read,Bash(git log:*)',
        '--disallowed-tools',
        'WebFetch',
        '--append-system-prompt',
        'Be brief',
        '--env',
        'FOO=bar',
        '--env',
        'EMPTY=',
        '--env',
        'EQ=a=b',
        '--max-budget-usd',
        '2.5',
        '--daily-budget',
        '$10',
      ],
      { now: JAN_15_NOON },
    );
    assert.match(added.id, /^[0-9a-f-]{36}$/);
    assert.equal(added.name, 'nightly');
    assert.equal(added.status, 'active');
    assert.equal(added.jobType, 'scheduled');
    assert.equal(added.cronExpression, '0 2 * * *');
    assert.equal(added.timezone, 'Europe/Berlin');
    assert.equal(added.description, 'At 02:00:00 every day, Europe/Berlin');
    assert.equal(added.nextRunTime, '2025-01-16T01:00:00.000Z');
    assert.equal(added.nextRunTime, nextWallClock(JAN_15_NOON, 'Europe/Berlin', 2, 0).toISOString());
    assert.equal(added.lastRunTime, null);
    assert.equal(added.priority, 3);
    assert.equal(added.parentJobId, null);
    assert.equal(added.executionCount, 0);
    assert.equal(added.failureCount, 0);
    assert.equal(added.createdAt, JAN_15_NOON.toISOString());
    assert.equal(added.updatedAt, JAN_15_NOON.toISOString());
    assert.equal(added.missedRunPolicy, 'run_all');
    assert.deepEqual(added.retry, {
      maxAttempts: 3,
      strategy: 'linear',
      baseDelaySeconds: 30,
      multiplier: 2,
      maxDelaySeconds: 300,
    });
    assert.deepEqual(added.options, {
      workingDirectory: path.join(dir, 'repo'),
      model: 'sonnet',
      maxTurns: 5,
      permissionMode: 'acceptEdits',
      allowBypass: false,
      allowedTools: ['Read', 'Bash(git log:*)'],
      disallowedTools: ['WebFetch'],
      appendSystemPrompt: 'Be brief',
      timeoutSeconds: 600,
      env: { FOO: 'bar', EMPTY: '', EQ: 'a=b' },
      setupCommand: 'npm ci',
      validationCommand: 'npm test',
      cleanupCommand: 'rm -rf tmp',
      maxBudgetUsd: 2.5,
      dailyBudgetUsd: 10,
      monthlyBudgetUsd: null,
      promptGrants: null,
      isolation: null,
      baseBranch: null,
    });
    assert.equal(added.promptId, added.prompt?.id);
    assert.deepEqual(added.prompt, { id: added.promptId, title: 'Nightly review', filePath: promptFile });

    const listed = await runJson<JobJson[]>(['job', 'list']);
    assert.deepEqual(
      listed.map((j) => [j.id, j.name, j.nextRunTime]),
      [[added.id, 'nightly', added.nextRunTime]],
    );

    const shown = await runJson<JobJson & { runs: RunJson[] }>(['job', 'show', 'nightly']);
    assert.equal(shown.id, added.id);
    assert.equal(shown.prompt?.content, promptText);
    assert.deepEqual(shown.runs, []);

    const edited = await runJson(
      [
        'job',
        'edit',
        added.id.slice(0, 6),
        '--cron',
        '30 4 * * 1',
        '--tz',
        'America/New_York',
        '--model',
        '',
        '--env',
        'NEW=1',
        '--unset-env',
        'FOO',
      ],
      { now: new Date('2025-01-15T13:00:00Z') },
    );
    // Wednesday Jan 15 -> Monday Jan 20, 04:30 EST = 09:30 UTC.
    assert.equal(edited.nextRunTime, '2025-01-20T09:30:00.000Z');
    assert.equal(edited.cronExpression, '30 4 * * 1');
    assert.equal(edited.timezone, 'America/New_York');
    assert.equal(edited.options.model, null);
    assert.deepEqual(edited.options.env, { EMPTY: '', EQ: 'a=b', NEW: '1' });
    assert.equal(edited.options.maxTurns, 5, 'options not given stay as they were');
    assert.equal(edited.priority, 3);
    assert.equal(edited.promptId, added.promptId);
    assert.equal(edited.createdAt, added.createdAt);
    assert.equal(edited.updatedAt, '2025-01-15T13:00:00.000Z');

    const paused = await runJson(['job', 'pause', 'nightly']);
    assert.equal(paused.status, 'paused');

    const resumeAt = new Date('2025-02-03T12:00:00Z'); // a Monday, after 04:30 New York
    const resumed = await runJson(['job', 'resume', 'nightly'], { now: resumeAt });
    assert.equal(resumed.status, 'active');
    assert.equal(resumed.nextRunTime, '2025-02-10T09:30:00.000Z', 'recomputed from the time of resuming');

    const removed = await runJson<{ job: JobJson; runsRemoved: number; promptRemoved: boolean }>([
      'job',
      'remove',
      'nightly',
    ]);
    assert.equal(removed.job.id, added.id);
    assert.equal(removed.promptRemoved, true);
    assert.deepEqual(await runJson<JobJson[]>(['job', 'list']), []);
    assert.equal(
      fs.readFileSync(promptFile, 'utf8'),
      promptText,
      "the prompt file itself is the user's and stays",
    );

    const database = await NightPilotDatabase.open(db);
    try {
      assert.deepEqual(
        database.read((tx) => tx.prompts.list()),
        [],
      );
    } finally {
      database.close();
    }
  });

  it("computes the next fire from the real clock in the job's zone", async () => {
    const { runJson } = setup();
    const before = new Date();
    const job = await runJson([
      'job',
      'add',
      '--name',
      'n',
      '--prompt',
      'p',
      '--cron',
      '0 2 * * *',
      '--tz',
      'Europe/Berlin',
    ]);
    const afterAdd = new Date();
    const expected = [
      nextWallClock(before, 'Europe/Berlin', 2, 0),
      nextWallClock(afterAdd, 'Europe/Berlin', 2, 0),
    ];
    assert.ok(
      expected.some((e) => e.toISOString() === job.nextRunTime),
      `${job.nextRunTime} is not one of ${expected.map((e) => e.toISOString()).join(', ')}`,
    );
    assert.ok(Date.parse(job.nextRunTime!) > before.getTime());
  });

  it('fires a wall time skipped by DST once, at the end of the gap', async () => {
    const { runJson } = setup();
    const saturday = new Date('2025-03-29T12:00:00Z'); // Berlin springs forward on Sunday 30 March
    const job = await runJson(
      ['job', 'add', '--name', 'n', '--prompt', 'p', '--cron', '0 2 * * *', '--tz', 'Europe/Berlin'],
      {
        now: saturday,
      },
    );
    assert.equal(job.nextRunTime, nextWallClock(saturday, 'Europe/Berlin', 2, 0).toISOString());
    assert.equal(job.nextRunTime, '2025-03-30T01:00:00.000Z');
  });

  it('accepts a legal but probably unmeant cron, with a warning on stderr and in the description', async () => {
    const { run } = setup();
    const added = await run([
      '--json',
      'job',
      'add',
      '--name',
      'n',
      '--prompt',
      'p',
      '--cron',
      '*/60 * * * *',
      '--tz',
      'UTC',
    ]);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(
      added.stderr,
      'night-pilot: warning: --cron: minute */60 only matches minute 0 ' +
        '(a step of 60 from 0 never reaches another value up to 59)\n',
    );
    const job = json<JobJson>(added);
    assert.match(
      job.description,
      /^At minute 0 of every hour, UTC\. Probably not meant: minute \*\/60 only matches minute 0/,
    );
    const plain = await run([
      '--json',
      'job',
      'add',
      '--name',
      'm',
      '--prompt',
      'p',
      '--cron',
      '1-5,3 * * * *',
    ]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stderr, '', 'a repeated value is standard and needs no warning');
  });

  it("defaults the zone to the machine's and reads 6-field and alias expressions", async () => {
    const { runJson } = setup();
    const job = await runJson(['job', 'add', '--name', 'n', '--prompt', 'p', '--cron', '@hourly'], {
      now: JAN_15_NOON,
    });
    assert.equal(job.timezone, defaultTimeZone());
    const seconds = await runJson(
      ['job', 'add', '--name', 's', '--prompt', 'p', '--cron', '30 0 12 * * *', '--tz', 'UTC'],
      {
        now: JAN_15_NOON,
      },
    );
    assert.equal(seconds.nextRunTime, '2025-01-15T12:00:30.000Z');
  });

  it('makes a job with --parent and no --cron a triggered job, and --once a one-time job', async () => {
    const { runJson } = setup();
    const parent = await runJson([
      'job',
      'add',
      '--name',
      'parent',
      '--prompt',
      'p',
      '--cron',
      '0 2 * * *',
      '--tz',
      'UTC',
    ]);
    const child = await runJson(['job', 'add', '--name', 'child', '--prompt', 'c', '--parent', 'parent']);
    assert.equal(child.jobType, 'triggered');
    assert.equal(child.cronExpression, '');
    assert.equal(child.nextRunTime, null);
    assert.equal(child.parentJobId, parent.id);
    assert.equal(child.description, 'When its parent job succeeds');

    const once = await runJson(
      ['job', 'add', '--name', 'once', '--prompt', 'o', '--cron', '15 9 * * *', '--tz', 'UTC', '--once'],
      {
        now: JAN_15_NOON,
      },
    );
    assert.equal(once.jobType, 'one_time');
    assert.equal(once.nextRunTime, '2025-01-16T09:15:00.000Z');

    const recurring = await runJson(['job', 'edit', 'once', '--no-once'], { now: JAN_15_NOON });
    assert.equal(recurring.jobType, 'scheduled');

    const scheduledChild = await runJson(['job', 'edit', 'child', '--cron', '0 5 * * *', '--tz', 'UTC'], {
      now: JAN_15_NOON,
    });
    assert.equal(scheduledChild.jobType, 'scheduled');
    assert.equal(scheduledChild.nextRunTime, '2025-01-16T05:00:00.000Z');
    const triggeredAgain = await runJson(['job', 'edit', 'child', '--cron', '']);
    assert.equal(triggeredAgain.jobType, 'triggered');
    assert.equal(triggeredAgain.nextRunTime, null);

    const show = await runJson<{ children: { id: string; name: string }[] }>(['job', 'show', 'parent']);
    assert.deepEqual(show.children, [{ id: child.id, name: 'child' }]);
    const detached = await runJson(['job', 'edit', 'child', '--parent', '', '--cron', '0 6 * * *']);
    assert.equal(detached.parentJobId, null);
  });

  it('titles a prompt file without front matter by its file name and stores its content', async () => {
    const { dir, runJson } = setup();
    fs.writeFileSync(path.join(dir, 'plain.md'), 'Just do it.\n');
    const job = await runJson(['job', 'add', '--name', 'n', '--prompt-file', 'plain.md', '--cron', '@daily']);
    assert.equal(job.prompt?.title, 'plain.md');
    assert.equal(job.prompt?.filePath, path.join(dir, 'plain.md'));
    const shown = await runJson(['job', 'show', job.id]);
    assert.equal(shown.prompt?.content, 'Just do it.\n');
  });

  it("confirms the permissions a --prompt-file grants, and --accept-prompt confirms the file's later ones", async () => {
    const { dir, db, run, runJson } = setup();
    const file = path.join(dir, 'granting.md');
    fs.writeFileSync(file, '---\npermissionMode: acceptEdits\nallowedTools: [Read]\n---\nReview.\n');
    const added = await run([
      '--json',
      'job',
      'add',
      '--name',
      'g',
      '--prompt-file',
      'granting.md',
      '--cron',
      '@daily',
    ]);
    const job = json<JobJson>(ok(added));
    assert.match(
      added.stderr,
      /the prompt file grants permissionMode acceptEdits; allowedTools Read: confirmed/,
    );
    assert.deepEqual(job.options.promptGrants, {
      permissionMode: 'acceptEdits',
      allowedTools: ['Read'],
      env: {},
    });

    // The file grows a grant (a git pull): a queued run of the job waits for the review.
    fs.writeFileSync(
      file,
      '---\npermissionMode: acceptEdits\nallowedTools: [Read, "Bash(rm:*)"]\n---\nReview.\n',
    );
    const database = await NightPilotDatabase.open(db);
    let runId: string;
    try {
      runId = await database.write((tx) => {
        const claimed = tx.runs.claim({
          jobId: job.id,
          trigger: 'manual',
          scheduledFor: '2025-01-15T12:00:00.000Z',
        });
        tx.runs.update(claimed!.id, {
          resumeAt: '2099-01-01T00:00:00.000Z',
          waitReason: "Waiting: the prompt's permissions changed (allowedTools + Bash(rm:*)).",
        });
        return claimed!.id;
      });
    } finally {
      database.close();
    }
    const accepted = await run(['--json', 'job', 'edit', 'g', '--accept-prompt']);
    assert.match(
      accepted.stderr,
      /accepted the prompt's allowedTools \+ Bash\(rm:\*\); 1 held run\(s\) start now/,
    );
    assert.deepEqual(json<JobJson>(ok(accepted)).options.promptGrants?.allowedTools, ['Read', 'Bash(rm:*)']);
    const shown = await runJson<RunJson>(['run', 'show', runId]);
    assert.equal(shown.resumeAt, null);
    assert.equal(shown.waitReason, null);
  });

  it('refuses a --prompt-file that asks for bypassPermissions or has front matter it cannot use', async () => {
    const { dir, run } = setup();
    fs.writeFileSync(path.join(dir, 'bypass.md'), '---\npermissionMode: bypassPermissions\n---\nGo.\n');
    const bypass = await run(['job', 'add', '--name', 'b', '--prompt-file', 'bypass.md', '--cron', '@daily']);
    assert.equal(bypass.code, 2);
    assert.match(
      bypass.stderr,
      /--prompt-file: .*bypass\.md asks for permissionMode bypassPermissions, which Night Pilot never takes from a file/,
    );
    fs.writeFileSync(path.join(dir, 'typo.md'), '---\nmaxTurns: lots\n---\nGo.\n');
    const typo = await run(['job', 'add', '--name', 't', '--prompt-file', 'typo.md', '--cron', '@daily']);
    assert.equal(typo.code, 2);
    assert.match(
      typo.stderr,
      /--prompt-file: The prompt file .*typo\.md has front matter Night Pilot cannot use: front matter "maxTurns"/,
    );
  });

  it('allows bypassPermissions with --allow-bypass', async () => {
    const { runJson } = setup();
    const job = await runJson([
      'job',
      'add',
      '--name',
      'n',
      '--prompt',
      'p',
      '--cron',
      '@daily',
      '--permission-mode',
      'bypassPermissions',
      '--allow-bypass',
    ]);
    assert.equal(job.options.permissionMode, 'bypassPermissions');
    assert.equal(job.options.allowBypass, true);
    const edited = await runJson(['job', 'edit', 'n', '--permission-mode', 'plan', '--no-allow-bypass']);
    assert.equal(edited.options.allowBypass, false);
  });

  it("replaces a job's own prompt in place and gives a job that shares its prompt a copy", async () => {
    const { db, runJson } = setup();
    const a = await runJson(['job', 'add', '--name', 'a', '--prompt', 'first', '--cron', '@daily']);
    const own = await runJson(['job', 'edit', 'a', '--prompt', 'second']);
    assert.equal(own.promptId, a.promptId);

    const database = await NightPilotDatabase.open(db);
    try {
      await database.write((tx) => {
        const job = tx.jobs.require(a.id);
        tx.jobs.insert({ name: 'b', promptId: job.promptId, cronExpression: '@daily', timezone: 'UTC' });
      });
    } finally {
      database.close();
    }
    const copied = await runJson(['job', 'edit', 'a', '--prompt', 'third']);
    assert.notEqual(copied.promptId, a.promptId);
    const b = await runJson<JobJson & { prompt: { content: string } }>(['job', 'show', 'b']);
    assert.equal(b.promptId, a.promptId);
    assert.equal(b.prompt.content, 'second');
    const removed = await runJson<{ promptRemoved: boolean }>(['job', 'remove', 'b']);
    assert.equal(removed.promptRemoved, true, 'its prompt is no longer used by a');
    const removedA = await runJson<{ promptRemoved: boolean }>(['job', 'remove', 'a']);
    assert.equal(removedA.promptRemoved, true);
  });

  it('resolves IDs by full id, prefix and exact name, and lists the candidates of an ambiguous one', async () => {
    const { run, runJson } = setup();
    const one = await runJson(['job', 'add', '--name', 'twin', '--prompt', 'p', '--cron', '@daily']);
    const two = await runJson(['job', 'add', '--name', 'twin', '--prompt', 'p', '--cron', '@daily']);
    assert.equal((await runJson(['job', 'show', one.id])).id, one.id);
    assert.equal((await runJson(['job', 'show', two.id.slice(0, 8)])).id, two.id);
    const ambiguous = await run(['job', 'show', 'twin']);
    assert.equal(ambiguous.code, 2);
    assert.equal(ambiguous.stdout, '');
    assert.match(ambiguous.stderr, /"twin" matches 2 jobs/);
    assert.ok(ambiguous.stderr.includes(one.id) && ambiguous.stderr.includes(two.id), ambiguous.stderr);
  });

  it('pauses and resumes idempotently, with a note on stderr', async () => {
    const { run, runJson } = setup();
    await runJson(['job', 'add', '--name', 'n', '--prompt', 'p', '--cron', '@daily']);
    await runJson(['job', 'pause', 'n']);
    const again = await run(['--json', 'job', 'pause', 'n']);
    assert.equal(again.code, 0);
    assert.equal(json<JobJson>(again).status, 'paused');
    assert.match(again.stderr, /already paused/);
    await runJson(['job', 'resume', 'n']);
    const active = await run(['job', 'resume', 'n', '--json']);
    assert.equal(json<JobJson>(active).status, 'active');
    assert.match(active.stderr, /already active/);
  });

  it('prints readable text without --json: a table for lists and key: value for show', async () => {
    const { run, runJson } = setup();
    const job = await runJson(
      [
        'job',
        'add',
        '--name',
        'nightly',
        '--prompt',
        'p',
        '--cron',
        '0 2 * * *',
        '--tz',
        'Europe/Berlin',
        '--env',
        'TOKEN=secret',
      ],
      {
        now: JAN_15_NOON,
      },
    );
    const table = ok(await run(['job', 'list'], { now: JAN_15_NOON })).stdout.split('\n');
    assert.match(table[0]!, /^ID\s+NAME\s+STATUS\s+CRON\s+NEXT RUN\s+SCHEDULE$/);
    assert.ok(table[1]!.startsWith(job.id.slice(0, 8)));
    assert.match(
      table[1]!,
      /nightly\s+active\s+0 2 \* \* \*\s+2025-01-16 02:00 Europe\/Berlin \(in 13 h\)\s+At 02:00:00 every day, Europe\/Berlin/,
    );
    // Columns line up: NAME starts at the same offset in every row.
    assert.equal(table[0]!.indexOf('NAME'), table[1]!.indexOf('nightly'));

    const show = ok(await run(['job', 'show', 'nightly'], { now: JAN_15_NOON })).stdout;
    assert.match(show, /^ID:\s+[0-9a-f-]{36}$/m);
    assert.match(show, /^Schedule:\s+At 02:00:00 every day, Europe\/Berlin$/m);
    assert.match(show, /^Next run:\s+2025-01-16 02:00 Europe\/Berlin \(in 13 h\)$/m);
    assert.match(show, /^Environment:\s+TOKEN \(values: --json\)$/m);
    assert.ok(!show.includes('secret'), 'environment values stay out of the text output');
    assert.match(show, /No runs yet\./);
  });

  it('reads a missing database as empty without creating it', async () => {
    const { db, run, runJson } = setup();
    assert.deepEqual(await runJson<unknown[]>(['job', 'list']), []);
    assert.deepEqual(await runJson<unknown[]>(['run', 'list']), []);
    const text = ok(await run(['job', 'list']));
    assert.match(text.stdout, /No jobs yet/);
    assert.equal(fs.existsSync(db), false);
    assert.equal(fs.existsSync(path.dirname(db)), true);
  });

  it("uses $NIGHT_PILOT_DB, and else the extension's global-storage file", async () => {
    const dir = temp.make();
    const viaEnv = path.join(dir, 'env.db');
    ok(
      await cli(['job', 'add', '--name', 'n', '--prompt', 'p', '--cron', '@daily'], {
        env: { NIGHT_PILOT_DB: viaEnv },
      }),
    );
    assert.ok(fs.existsSync(viaEnv));
    const other = path.join(dir, 'other.db');
    ok(
      await cli(['--db', other, 'job', 'add', '--name', 'm', '--prompt', 'p', '--cron', '@daily'], {
        env: { NIGHT_PILOT_DB: viaEnv },
      }),
    );
    assert.ok(fs.existsSync(other), '--db wins over NIGHT_PILOT_DB');
    const relative = await cli(['--json', 'job', 'list'], { env: { NIGHT_PILOT_DB: 'env.db' }, cwd: dir });
    assert.deepEqual(
      json<JobJson[]>(relative).map((j) => j.name),
      ['n'],
    );

    if (process.platform === 'linux') {
      const config = path.join(dir, 'config');
      ok(
        await cli(['job', 'add', '--name', 'n', '--prompt', 'p', '--cron', '@daily'], {
          env: { XDG_CONFIG_HOME: config },
        }),
      );
      const expected = path.join(
        config,
        'Code',
        'User',
        'globalStorage',
        'night-pilot.night-pilot',
        'claude-night-pilot.db',
      );
      assert.ok(fs.existsSync(expected), `${expected} was not created`);
    }
  });

  it('refuses to remove a job with unfinished runs unless --force, and removes its runs and processes', async () => {
    const { db, run, runJson } = setup();
    const job = await runJson(['job', 'add', '--name', 'n', '--prompt', 'p', '--cron', '@daily']);
    const database = await NightPilotDatabase.open(db);
    try {
      await database.write((tx) => {
        const r = tx.runs.claim({
          jobId: job.id,
          trigger: 'schedule',
          scheduledFor: '2025-01-16T00:00:00.000Z',
          status: 'running',
        })!;
        tx.processes.insert({ runId: r.id, jobId: job.id, processType: 'execution', status: 'running' });
      });
    } finally {
      database.close();
    }
    const before = fileHash(db);
    const refused = await run(['job', 'remove', 'n']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /1 unfinished run\(s\) \(running\); wait for them or add --force/);
    assert.equal(fileHash(db), before);

    const removed = await runJson<{ runsRemoved: number }>(['job', 'remove', 'n', '--force']);
    assert.equal(removed.runsRemoved, 1);
    const check = await NightPilotDatabase.open(db);
    try {
      const counts = check.read((tx) =>
        tx.sql.get(
          'SELECT (SELECT COUNT(*) FROM job_runs) AS runs, (SELECT COUNT(*) FROM job_execution_processes) AS processes',
        ),
      );
      assert.deepEqual(counts, { runs: 0, processes: 0 });
    } finally {
      check.close();
    }
  });
});

describe('night-pilot run list and job show (in-process)', () => {
  it('shows runs inserted through the storage API, newest first, with processes and usage', async () => {
    const { db, run, runJson } = setup();
    const nightly = await runJson([
      'job',
      'add',
      '--name',
      'nightly',
      '--prompt',
      'p',
      '--cron',
      '0 2 * * *',
      '--tz',
      'UTC',
    ]);
    const other = await runJson([
      'job',
      'add',
      '--name',
      'other',
      '--prompt',
      'p',
      '--cron',
      '0 3 * * *',
      '--tz',
      'UTC',
    ]);

    let clock = Date.parse('2025-01-10T02:00:00Z');
    const database = await NightPilotDatabase.open(db, { clock: () => new Date(clock) });
    const ids: string[] = [];
    try {
      await database.write((tx) => {
        for (let day = 10; day <= 14; day++) {
          clock = Date.parse(`2025-01-${day}T02:00:00Z`);
          const scheduledFor = new Date(clock).toISOString();
          const r = tx.runs.claim({
            jobId: nightly.id,
            trigger: 'schedule',
            scheduledFor,
            status: 'succeeded',
          })!;
          tx.runs.update(r.id, {
            startedAt: scheduledFor,
            endedAt: new Date(clock + 65_000).toISOString(),
            sessionId: `s${day}`,
          });
          ids.push(r.id);
          const setupProcess = tx.processes.insert({
            runId: r.id,
            jobId: nightly.id,
            processType: 'setup',
            startTime: scheduledFor,
          });
          tx.processes.update(setupProcess.id, { status: 'completed', exitCode: 0, endTime: scheduledFor });
          const exec = tx.processes.insert({
            runId: r.id,
            jobId: nightly.id,
            processType: 'execution',
            startTime: scheduledFor,
          });
          tx.processes.update(exec.id, {
            status: 'completed',
            exitCode: 0,
            endTime: new Date(clock + 65_000).toISOString(),
          });
          tx.usage.insert({
            runId: r.id,
            jobId: nightly.id,
            sessionId: `s${day}`,
            model: 'claude-sonnet-4-5',
            inputTokens: 1000,
            outputTokens: 200,
            cacheCreationTokens: 10,
            cacheReadTokens: 5000,
            costUsd: 0.1,
            costSource: 'reported',
          });
          tx.usage.insert({
            runId: r.id,
            jobId: nightly.id,
            sessionId: `s${day}`,
            model: 'claude-haiku-4-5',
            inputTokens: 300,
            outputTokens: 40,
            cacheCreationTokens: 0,
            cacheReadTokens: 0,
            costUsd: 0.2,
            costSource: 'calculated',
          });
        }
        clock = Date.parse('2025-01-15T03:00:00Z');
        const failed = tx.runs.claim({
          jobId: other.id,
          trigger: 'manual',
          scheduledFor: '2025-01-15T03:00:00.000Z',
          status: 'failed',
        })!;
        tx.runs.update(failed.id, { error: 'validation failed: npm test exited with 1' });
        const v = tx.processes.insert({ runId: failed.id, jobId: other.id, processType: 'validation' });
        tx.processes.update(v.id, { status: 'failed', exitCode: 1 });
        ids.push(failed.id);
      });
    } finally {
      database.close();
    }

    const all = await runJson<RunJson[]>(['run', 'list']);
    assert.deepEqual(
      all.map((r) => r.id),
      [...ids].reverse(),
      'newest first',
    );
    const newest = all[0]!;
    assert.equal(newest.jobId, other.id);
    assert.equal(newest.jobName, 'other');
    assert.equal(newest.status, 'failed');
    assert.equal(newest.trigger, 'manual');
    assert.equal(newest.error, 'validation failed: npm test exited with 1');
    assert.equal(newest.usage, null);
    assert.deepEqual(newest.usageByModel, []);
    assert.deepEqual(
      newest.processes.map((p) => [p.processType, p.status, p.exitCode]),
      [['validation', 'failed', 1]],
    );

    const day14 = all[1]!;
    assert.equal(day14.scheduledFor, '2025-01-14T02:00:00.000Z');
    assert.equal(day14.attempt, 1);
    assert.equal(day14.startedAt, '2025-01-14T02:00:00.000Z');
    assert.equal(day14.endedAt, '2025-01-14T02:01:05.000Z');
    assert.equal(day14.sessionId, 's14');
    assert.deepEqual(
      day14.processes.map((p) => ({ type: p.processType, status: p.status, exit: p.exitCode })),
      [
        { type: 'setup', status: 'completed', exit: 0 },
        { type: 'execution', status: 'completed', exit: 0 },
      ],
    );
    for (const p of day14.processes)
      assert.deepEqual(Object.keys(p).slice(0, 6), [
        'id',
        'processType',
        'status',
        'exitCode',
        'startTime',
        'endTime',
      ]);
    // Summed over both models; the model is the one that cost the most (haiku here, 0.2 > 0.1).
    assert.deepEqual(day14.usage, {
      model: 'claude-haiku-4-5',
      inputTokens: 1300,
      outputTokens: 240,
      cacheCreationTokens: 10,
      cacheReadTokens: 5000,
      costUsd: 0.3,
      costSource: 'calculated',
    });
    assert.deepEqual(
      day14.usageByModel.map((u) => [u.model, u.costUsd, u.costSource]),
      [
        ['claude-haiku-4-5', 0.2, 'calculated'],
        ['claude-sonnet-4-5', 0.1, 'reported'],
      ],
    );

    const limited = await runJson<RunJson[]>(['run', 'list', '--job', 'nightly', '--limit', '2']);
    assert.deepEqual(
      limited.map((r) => r.id),
      [ids[4], ids[3]],
    );
    const failedOnly = await runJson<RunJson[]>(['run', 'list', '--status', 'failed,cancelled']);
    assert.deepEqual(
      failedOnly.map((r) => r.id),
      [ids[5]],
    );

    const shown = await runJson<JobJson & { runs: RunJson[] }>(['job', 'show', 'nightly', '--runs', '3']);
    assert.deepEqual(
      shown.runs.map((r) => r.id),
      [ids[4], ids[3], ids[2]],
    );
    assert.equal(shown.runs[0]!.usage?.inputTokens, 1300);
    assert.equal(shown.runs[0]!.processes.length, 2);

    const text = ok(await run(['run', 'list'])).stdout.split('\n');
    assert.match(
      text[0]!,
      /^RUN\s+JOB\s+STATUS\s+TRIGGER\s+TRY\s+SCHEDULED\s+DURATION\s+TOKENS\s+COST\s+PHASES\s+ERROR$/,
    );
    assert.match(
      text[1]!,
      /other\s+failed\s+manual\s+1\s+2025-01-15 03:00 UTC\s+-\s+-\s+-\s+validation failed \(exit 1\)\s+validation failed: npm test exited with 1/,
    );
    assert.match(
      text[2]!,
      /nightly\s+succeeded\s+schedule\s+1\s+2025-01-14 02:00 UTC\s+1 min 5 s\s+1,300 in \/ 240 out\s+\$0\.3000\s+setup completed, execution completed/,
    );

    const showText = ok(await run(['job', 'show', 'nightly'])).stdout;
    assert.match(showText, /Recent runs:\nRUN\s+JOB/);
  });

  it('defaults run list to the newest 20 runs', async () => {
    const { db, runJson } = setup();
    const job = await runJson(['job', 'add', '--name', 'n', '--prompt', 'p', '--cron', '@daily']);
    const database = await NightPilotDatabase.open(db);
    try {
      await database.write((tx) => {
        for (let i = 0; i < 25; i++) {
          tx.runs.claim({
            jobId: job.id,
            trigger: 'schedule',
            scheduledFor: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
          });
        }
      });
    } finally {
      database.close();
    }
    const runs = await runJson<RunJson[]>(['run', 'list']);
    assert.equal(runs.length, 20);
    assert.equal(runs[0]!.scheduledFor, '2025-01-25T00:00:00.000Z');
    assert.equal((await runJson<RunJson[]>(['run', 'list', '--limit', '100'])).length, 25);
  });
});
