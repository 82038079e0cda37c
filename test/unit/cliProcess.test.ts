// End to end: the CLI bundled by esbuild as it ships (dist/cli.js beside sql-wasm.wasm), run as
// its own OS process.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { JobJson } from '../../src/cli/output';
import { useCliBundle } from './cliBundle';
import { TempDirs } from './cliHarness';

const temp = new TempDirs();

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('night-pilot as a separate process (bundled)', function () {
  const bundle = useCliBundle(temp);
  let dir: string;

  before(() => {
    dir = temp.make();
  });
  after(() => temp.cleanup());

  /** Runs the bundle with a clean environment: only PATH, plus `env`. */
  function run(argv: string[], env: NodeJS.ProcessEnv = {}, direct = false): ProcessResult {
    const command = direct ? bundle() : process.execPath;
    const args = direct ? argv : [bundle(), ...argv];
    const result = spawnSync(command, args, {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config'), ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.error) throw result.error;
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('honours NIGHT_PILOT_DB and prints exactly one JSON document with --json', () => {
    const db = path.join(dir, 'env.db');
    const env = { NIGHT_PILOT_DB: db };
    const added = run(
      ['--json', 'job', 'add', '--name', 'e2e', '--prompt', 'hello', '--cron', '0 2 * * *', '--tz', 'UTC'],
      env,
    );
    assert.equal(added.code, 0, added.stderr);
    const job = JSON.parse(added.stdout) as JobJson;
    assert.equal(job.name, 'e2e');
    assert.ok(fs.existsSync(db), 'created at $NIGHT_PILOT_DB');
    assert.equal(fs.existsSync(path.join(dir, 'config')), false, 'the default location is left alone');

    for (const argv of [
      ['job', 'list'],
      ['job', 'show', 'e2e'],
      ['run', 'list'],
      ['job', 'pause', 'e2e'],
    ]) {
      const result = run(['--json', ...argv], env);
      assert.equal(result.code, 0, result.stderr);
      // JSON.parse rejects anything after the document, so this proves there is exactly one.
      const doc = JSON.parse(result.stdout) as unknown;
      assert.equal(typeof doc, 'object');
    }
    const list = JSON.parse(run(['job', 'list', '--json'], env).stdout) as JobJson[];
    assert.deepEqual(
      list.map((j) => [j.id, j.status]),
      [[job.id, 'paused']],
    );
  });

  it('runs as an executable through its #! line', () => {
    const result = run(['--version'], {}, true);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^night-pilot \d+\.\d+\.\d+\n$/);
  });

  it('exits 2 for invalid input with the reason on stderr and nothing on stdout', () => {
    const db = path.join(dir, 'never.db');
    const result = run([
      '--db',
      db,
      '--json',
      'job',
      'add',
      '--name',
      'x',
      '--prompt',
      'p',
      '--cron',
      '0 25 * * *',
    ]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'night-pilot: --cron: hour: 25 is out of range 0-23\n');
    assert.equal(fs.existsSync(db), false);
  });

  it('exits 3 for a damaged database, without a stack trace', () => {
    const db = path.join(dir, 'damaged.db');
    fs.writeFileSync(db, 'this is not sqlite'.repeat(50));
    const result = run(['--db', db, 'job', 'list']);
    assert.equal(result.code, 3);
    assert.match(
      result.stderr,
      /^night-pilot: The database .*damaged\.db is damaged .* moved aside to .*damaged\.db\.corrupt-/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('prints help on stdout with exit 0', () => {
    for (const argv of [['--help'], ['job', 'add', '--help'], ['help', 'run', 'list']]) {
      const result = run(argv);
      assert.equal(result.code, 0, `${argv.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /^Usage: night-pilot/, argv.join(' '));
      assert.equal(result.stderr, '');
    }
  });
});
