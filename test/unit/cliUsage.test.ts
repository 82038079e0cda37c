// `night-pilot usage ...` and the budget options, in-process: clear errors for bad input, nothing
// written by reports, budgets stored where every process sees them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assistantLine } from '../fixtures/transcripts';
import { TempDirs, cli } from './cliHarness';

describe('night-pilot usage (in-process)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  function setup() {
    const dir = temp.make();
    const claude = path.join(dir, 'claude');
    const folder = path.join(claude, 'projects', '-home-dev-app');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 's.jsonl'),
      `${assistantLine({
        sessionId: 's',
        cwd: '/home/dev/app',
        timestamp: '2026-11-20T10:00:00.000Z',
        model: 'claude-opus-4-1-20250805',
        messageId: 'm1',
        requestId: 'r1',
        input: 1_000_000,
        output: 0,
        cacheCreation: 0,
        cacheRead: 0,
      })}\nnot json\n`,
    );
    const db = path.join(dir, 'db', 'claude-night-pilot.db');
    const run = (...argv: string[]) =>
      cli(['--db', db, ...argv], { env: { PATH: process.env.PATH, HOME: dir } });
    return { dir, claude, db, run };
  }

  it('prints a report from the transcripts, says how many lines it skipped, and creates no database', async () => {
    const { claude, db, run } = setup();
    const result = await run('usage', 'daily', '--transcripts', claude, '--timezone', 'UTC');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^DATE\s+MODELS/);
    assert.match(result.stdout, /2026-11-20\s+opus-4-1\s+1,000,000 .* \$15\.00/);
    assert.match(result.stderr, /1 transcript line\(s\) could not be read and were skipped/);
    assert.equal(fs.existsSync(db), false);
    assert.equal(fs.existsSync(path.dirname(db)), false, 'no folder for the cache either');
  });

  it('prices with the --prices file and honours --mode', async () => {
    const { dir, claude, run } = setup();
    const prices = path.join(dir, 'prices.json');
    fs.writeFileSync(prices, JSON.stringify({ 'opus-4-1': { input: 1, output: 1 } }));
    const doc = JSON.parse(
      (await run('usage', 'monthly', '--json', '--transcripts', claude, '--prices', prices)).stdout,
    );
    assert.equal(doc.monthly[0].totalCost, 1);
    const display = JSON.parse(
      (await run('usage', 'monthly', '--json', '--transcripts', claude, '--mode', 'display')).stdout,
    );
    assert.equal(display.totals.totalCost, 0, 'no cost was written in the transcript');
  });

  const bad: [string[], RegExp][] = [
    [['usage', 'daily', '--since', '2026-11-01'], /--since: "2026-11-01" is not a date as YYYYMMDD/],
    [['usage', 'daily', '--until', '20260231'], /--until: "20260231" is not a date as YYYYMMDD/],
    [
      ['usage', 'daily', '--since', '20261102', '--until', '20261101'],
      /--since 20261102 is after --until 20261101/,
    ],
    [
      ['usage', 'session', '--mode', 'calc'],
      /--mode: "calc" is not one of auto, calculate, display; did you mean calculate\?/,
    ],
    [
      ['usage', 'blocks', '--timezone', 'Mars/Olympus'],
      /--timezone: time zone "Mars\/Olympus" is not a known IANA zone/,
    ],
    [
      ['usage', 'daily', '--transcripts', '/nonexistent/claude'],
      /--transcripts: \/nonexistent\/claude is not a folder/,
    ],
    [['usage', 'budget', '--daily', 'lots'], /--daily: "lots" is not an amount of US dollars above 0/],
    [['usage', 'weekly'], /unknown command "usage weekly"/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${argv.slice(1).join(' ')} with exit 2 and a message naming it`, async () => {
      const { run, db } = setup();
      const result = await run(...argv);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(fs.existsSync(db), false);
    });
  }

  it('refuses a --prices file that is not prices, naming the key and the field', async () => {
    const { dir, claude, run } = setup();
    const prices = path.join(dir, 'prices.json');
    fs.writeFileSync(prices, JSON.stringify({ opus: { input: 'cheap' } }));
    const result = await run('usage', 'daily', '--transcripts', claude, '--prices', prices);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--prices: .*prices\.json: prices\["opus"\]\.input: "cheap" is not a price/);
  });

  it('sets, shows and removes the overall budgets', async () => {
    const { run } = setup();
    const set = JSON.parse(
      (await run('--json', 'usage', 'budget', '--daily', '5', '--monthly', '$100')).stdout,
    );
    assert.deepEqual([set.dailyUsd, set.monthlyUsd], [5, 100]);
    const shown = await run('usage', 'budget');
    assert.match(shown.stdout, /Daily budget:\s+\$5\.00 \(spent \$0\.00\)/);
    const removed = JSON.parse((await run('--json', 'usage', 'budget', '--daily', 'none')).stdout);
    assert.deepEqual([removed.dailyUsd, removed.monthlyUsd], [null, 100]);
  });

  it('stores job budgets from job add / edit, and refuses a budget that is not an amount', async () => {
    const { run } = setup();
    const added = await run(
      '--json',
      'job',
      'add',
      '--name',
      'b',
      '--prompt',
      'x',
      '--cron',
      '0 2 * * *',
      '--monthly-budget',
      '40',
    );
    assert.equal(added.code, 0, added.stderr);
    assert.equal(JSON.parse(added.stdout).options.monthlyBudgetUsd, 40);
    const cleared = JSON.parse((await run('--json', 'job', 'edit', 'b', '--monthly-budget', '')).stdout);
    assert.equal(cleared.options.monthlyBudgetUsd, null);
    const bad = await run('job', 'edit', 'b', '--max-budget-usd', '0');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-budget-usd: "0" is not an amount of US dollars above 0/);
  });
});
