// `night-pilot job export --to github-actions`, in-process, on a real git repository folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { TempDirs, cli, fileHash, json, ok } from './cliHarness';

const temp = new TempDirs();
after(() => temp.cleanup());

const NOW = new Date('2026-01-15T12:00:00Z');

/** A git repository with a prompt file, a database beside it, and the CLI run in the repository. */
function repository() {
  const dir = temp.make('np-export-');
  const repo = path.join(dir, 'app');
  fs.mkdirSync(path.join(repo, 'prompts'), { recursive: true });
  execFileSync('git', ['init', '--quiet', repo]);
  fs.writeFileSync(
    path.join(repo, 'prompts', 'review.md'),
    '---\ntitle: Review\nmaxTurns: 20\n---\nReview the day.\n',
  );
  const db = path.join(dir, 'night-pilot.db');
  const run = (argv: readonly string[]) => cli(['--db', db, ...argv], { cwd: repo, now: NOW });
  return { dir, repo, db, run };
}

describe('night-pilot job export (in-process)', () => {
  it('writes the workflow into the repository and says what is left to do', async () => {
    const { repo, run } = repository();
    ok(
      await run([
        'job',
        'add',
        '--name',
        'Nightly review',
        '--prompt-file',
        'prompts/review.md',
        '--cron',
        '0 2 * * *',
        '--tz',
        'Europe/Berlin',
        '--cwd',
        repo,
        '--env',
        'API_TOKEN=abc123',
        '--env',
        'CI=1',
      ]),
    );
    const result = ok(await run(['job', 'export', 'Nightly review', '--to', 'github-actions']));
    const file = path.join(repo, '.github', 'workflows', 'night-pilot-nightly-review.yml');
    assert.match(
      result.stdout,
      new RegExp(`^Wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} for job "Nightly review"`),
    );
    assert.match(result.stdout, /What is left to do:\n {2}1\. Add the repository secret ANTHROPIC_API_KEY/);
    assert.match(result.stdout, /Add the repository secrets the job's environment uses: API_TOKEN\./);
    assert.match(
      result.stdout,
      /Commit \.github\/workflows\/night-pilot-nightly-review\.yml and prompts\/review\.md/,
    );
    const workflow = parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(workflow.on.schedule, [{ cron: '0 0,1 * * *' }]);
    assert.equal(workflow.jobs.run.env.API_TOKEN, '${{ secrets.API_TOKEN }}');
    assert.equal(
      workflow.jobs.run.steps.find((s: { id?: string }) => s.id === 'claude').env.NIGHT_PILOT_PROMPT,
      'prompts/review.md',
    );

    // Exporting again replaces Night Pilot's own file; --json gives the same facts.
    const again = json<{ file: string; secrets: string[]; nextSteps: string[] }>(
      ok(await run(['--json', 'job', 'export', 'Nightly review', '--to', 'github-actions'])),
    );
    assert.equal(again.file, file);
    assert.deepEqual(again.secrets, ['API_TOKEN']);
    assert.equal(again.nextSteps.length, 5);
  });

  it('writes to --out, and never over a file Night Pilot did not write unless --force', async () => {
    const { repo, run } = repository();
    ok(
      await run([
        'job',
        'add',
        '--name',
        'n',
        '--prompt-file',
        'prompts/review.md',
        '--cron',
        '0 3 * * *',
        '--tz',
        'UTC',
      ]),
    );
    const out = path.join(repo, 'ci', 'nightly.yml');
    fs.mkdirSync(path.dirname(out));
    fs.writeFileSync(out, 'name: mine\n');
    const refused = await run(['job', 'export', 'n', '--to', 'github-actions', '--out', 'ci/nightly.yml']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /ci\/nightly\.yml already exists and was not written by Night Pilot/);
    assert.equal(fs.readFileSync(out, 'utf8'), 'name: mine\n');
    ok(await run(['job', 'export', 'n', '--to', 'github-actions', '--out', 'ci/nightly.yml', '--force']));
    assert.match(fs.readFileSync(out, 'utf8'), /^# Night Pilot job "n"/);
  });

  it('refuses a job it cannot map faithfully, with every reason, writing nothing', async () => {
    const { dir, repo, run } = repository();
    ok(
      await run([
        'job',
        'add',
        '--name',
        'fast',
        '--prompt',
        'Say hi',
        '--cron',
        '*/20 * * * * *',
        '--cwd',
        repo,
      ]),
    );
    const refused = await run(['job', 'export', 'fast', '--to', 'github-actions']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^night-pilot: job "fast" cannot be exported to GitHub Actions:\n/);
    assert.match(refused.stderr, / {2}- its prompt "fast" is stored text, not a file in the repository/);
    assert.match(refused.stderr, / {2}- its schedule fires at seconds past the minute/);
    assert.equal(fs.existsSync(path.join(repo, '.github')), false);

    const outside = path.join(dir, 'elsewhere.md');
    fs.writeFileSync(outside, 'Hi');
    ok(
      await run([
        'job',
        'add',
        '--name',
        'out',
        '--prompt-file',
        outside,
        '--cron',
        '0 3 * * *',
        '--cwd',
        repo,
      ]),
    );
    const notInRepo = await run(['job', 'export', 'out', '--to', 'github-actions']);
    assert.match(notInRepo.stderr, /its prompt file .*elsewhere\.md is not in the repository/);
  });

  it('checks its own options before opening the database', async () => {
    const { db, run } = repository();
    for (const [argv, message] of [
      [['job', 'export', 'x'], /missing --to: the only target is --to github-actions/],
      [['job', 'export', 'x', '--to', 'gitlab'], /--to: "gitlab" is not a target/],
      [
        ['job', 'export', 'x', '--to', 'github-actions', '--max-budget-usd', 'lots'],
        /--max-budget-usd: "lots"/,
      ],
    ] as const) {
      const result = await run(argv);
      assert.equal(result.code, 2);
      assert.match(result.stderr, message);
    }
    assert.equal(fileHash(db), null, 'the database was created');
  });
});
