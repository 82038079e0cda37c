// Our `night-pilot usage ... --json` against ccusage 19.0.3 itself (run with the Node 24 of the VS
// Code test environment, see scripts/test-ccusage.mjs) on the same generated transcripts: tokens
// exactly, costs to the cent, the same rows, models and blocks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../fixtures/claudeEnv';
import { generateTranscripts } from '../fixtures/transcripts';
import { cli } from '../unit/cliHarness';

const CCUSAGE = process.env.NIGHT_PILOT_CCUSAGE;
const NODE24 = process.env.NIGHT_PILOT_NODE24;

type Json = Record<string, unknown>;
const cents = (n: unknown) => Math.round(Number(n) * 100);
const TOKEN_KEYS = ['inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'totalTokens'];

/** A row with its costs in cents and everything else as is, for deepEqual. */
function normalise(row: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === 'totalCost' || k === 'cost' || k === 'costUSD') out[k] = cents(v);
    else if (k === 'modelBreakdowns') out[k] = (v as Json[]).map(normalise);
    else if (k === 'burnRate' || k === 'projection' || k === 'usageLimitResetTime') continue;
    else out[k] = v;
  }
  return out;
}

describe('usage reports equal ccusage 19.0.3 on the same transcripts', function () {
  this.timeout(120_000);
  let dir: string;
  let dbDir: string;

  before(() => {
    assert.ok(
      CCUSAGE && NODE24 && fs.existsSync(CCUSAGE),
      'run through `npm run test:ccusage`, which installs ccusage and sets NIGHT_PILOT_CCUSAGE',
    );
    dir = makeTempDir('ccusage');
    dbDir = makeTempDir('ccusage-db');
    // Several projects and models, streaming copies, lines without ids, <synthetic> messages,
    // damaged lines, silences over 5 h, and some lines with Claude Code's own costUSD.
    const generated = generateTranscripts({
      dir,
      seed: 11,
      sessions: 40,
      messagesPerSession: 120,
      start: new Date('2026-08-20T00:00:00Z'),
      days: 75,
      projects: 4,
    });
    assert.ok(generated.bytes > 1_000_000);
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(dbDir, { recursive: true, force: true });
  });

  function ccusage(report: string, extra: string[], zone: string): Json {
    const out = execFileSync(NODE24!, [CCUSAGE!, 'claude', report, '--json', '--offline', ...extra], {
      env: { PATH: process.env.PATH, HOME: dbDir, CLAUDE_CONFIG_DIR: dir, TZ: zone, NO_COLOR: '1' },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    return JSON.parse(out) as Json;
  }

  async function ours(report: string, extra: string[], zone: string): Promise<Json> {
    const result = await cli(
      [
        'usage',
        report,
        '--json',
        '--transcripts',
        dir,
        '--timezone',
        zone,
        '--db',
        path.join(dbDir, 'np.db'),
        ...extra,
      ],
      { env: { PATH: process.env.PATH, HOME: dbDir } },
    );
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Json;
  }

  const cases: [string, string, string[], string][] = [
    ['daily', 'daily', [], 'UTC'],
    ['daily', 'daily', [], 'America/New_York'],
    ['daily', 'daily', ['--mode', 'calculate'], 'Asia/Tokyo'],
    ['daily', 'daily', ['--mode', 'display'], 'UTC'],
    ['daily', 'daily', ['--since', '20260901', '--until', '20261015'], 'Europe/Berlin'],
    ['monthly', 'monthly', [], 'Europe/Berlin'],
    ['monthly', 'monthly', ['--mode', 'calculate'], 'UTC'],
    ['session', 'sessions', [], 'UTC'],
    ['session', 'sessions', ['--since', '20260915'], 'UTC'],
    ['blocks', 'blocks', [], 'UTC'],
    ['blocks', 'blocks', ['--mode', 'display'], 'UTC'],
  ];
  for (const [report, key, extra, zone] of cases) {
    it(`${report} ${extra.join(' ')} (${zone})`, async () => {
      const theirs = ccusage(report, extra, zone);
      const mine = await ours(report, extra, zone);
      const a = theirs[key] as Json[];
      const b = mine[key] as Json[];
      assert.ok(a.length > 0, 'ccusage found usage');
      assert.equal(b.length, a.length, `${key}: row count`);
      for (let i = 0; i < a.length; i++) assert.deepEqual(normalise(b[i]!), normalise(a[i]!), `${key}[${i}]`);
      if (theirs.totals) {
        const t = theirs.totals as Json;
        const m = mine.totals as Json;
        for (const k of TOKEN_KEYS) assert.equal(m[k], t[k], `totals.${k}`);
        assert.equal(cents(m.totalCost), cents(t.totalCost), 'totals.totalCost');
      }
    });
  }
});
