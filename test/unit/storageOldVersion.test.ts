// The page log against the Night Pilot that came before it: the CLI built from the last commit
// without the log (the sources of that commit, bundled as the CLI ships). An existing database
// moves forward in place; once it has, the older CLI refuses it, reading and writing, and leaves
// both files as they were: it would otherwise read the base file alone, miss the commits in the
// log, and could save over them.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { NightPilotDatabase } from '../../src/storage/database';
import { LATEST_SCHEMA_VERSION, PAGE_LOG_SCHEMA_VERSION } from '../../src/storage/migrations';
import { logPathOf } from '../../src/storage/pageLog';
import { loadSqlJs } from '../../src/storage/sqlJs';
import { addJobArgs } from '../fixtures/damage';
import { buildCliBundle, startCli } from './cliBundle';
import { tempDir } from './storageHelpers';

const root = path.resolve(__dirname, '../..');
/** The last commit of main before the page log (issue 9's branch point). */
const BEFORE_THE_LOG = 'fa966ec33ef54d4e8365082afc431d683ee6827c';

async function buildOldCli(dir: string): Promise<string> {
  const sources = path.join(dir, 'old');
  fs.mkdirSync(sources);
  const archive = execFileSync('git', ['-C', root, 'archive', BEFORE_THE_LOG, 'src', 'package.json'], {
    maxBuffer: 64 << 20,
  });
  execFileSync('tar', ['-x', '-C', sources], { input: archive });
  const bundle = path.join(dir, 'old-cli.js');
  await esbuild.build({
    entryPoints: [path.join(sources, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    nodePaths: [path.join(root, 'node_modules')],
    logLevel: 'error',
  });
  fs.copyFileSync(path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), path.join(dir, 'sql-wasm.wasm'));
  return bundle;
}

async function run(
  bundle: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startCli(bundle, args, cwd);
  const { code } = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

const hash = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('storage: the Night Pilot before the page log', function () {
  this.timeout(120_000);
  let dir: { dir: string; cleanup: () => void };
  let oldCli: string;
  let newCli: string;

  before(async function () {
    try {
      execFileSync('git', ['-C', root, 'cat-file', '-e', `${BEFORE_THE_LOG}^{commit}`], { stdio: 'ignore' });
    } catch {
      // A source tarball without the repository's history: nothing to build the old CLI from.
      this.skip();
    }
    dir = tempDir('np-old-version-');
    oldCli = await buildOldCli(dir.dir);
    newCli = await buildCliBundle(fs.mkdtempSync(path.join(dir.dir, 'new-')));
  });

  after(() => dir?.cleanup());

  it('moves its database forward in place, and then refuses it, changing neither file', async () => {
    const work = fs.mkdtempSync(path.join(dir.dir, 'db-'));
    const db = path.join(work, 'claude-night-pilot.db');
    // A database as the older Night Pilot wrote it.
    const made = await run(oldCli, ['--db', db, ...addJobArgs('made before the log')], work);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(fs.existsSync(logPathOf(db)), false);

    // This version opens it: migrated in place, everything kept; its writes go to the log.
    const added = await run(newCli, ['--db', db, ...addJobArgs('made with the log')], work);
    assert.equal(added.code, 0, added.stderr);
    assert.ok(fs.existsSync(logPathOf(db)), 'the new job is in the page log');
    const SQL = await loadSqlJs();
    const base = new SQL.Database(fs.readFileSync(db));
    assert.equal(
      base.exec('PRAGMA user_version')[0]!.values[0]![0],
      LATEST_SCHEMA_VERSION,
      'the file itself carries the new version',
    );
    assert.ok(LATEST_SCHEMA_VERSION >= PAGE_LOG_SCHEMA_VERSION);
    base.close();
    const reopened = await NightPilotDatabase.open(db);
    assert.deepEqual(
      reopened.read((tx) => tx.jobs.list().map((j) => j.name)),
      ['made before the log', 'made with the log'],
    );
    reopened.close();

    const before = { base: hash(db), log: hash(logPathOf(db)), files: fs.readdirSync(work).sort() };
    for (const args of [['job', 'list'], addJobArgs('written by the old version')]) {
      const refused = await run(oldCli, ['--db', db, ...args], work);
      assert.equal(refused.code, 3, `${args.join(' ')}: ${refused.stderr}`);
      const known = /has schema version \d+, but this Night Pilot only understands versions up to (\d+)/.exec(
        refused.stderr,
      );
      assert.ok(known, refused.stderr);
      assert.ok(Number(known[1]) < PAGE_LOG_SCHEMA_VERSION, 'the older build knows no version with the log');
      assert.match(refused.stderr, /left untouched/);
      assert.equal(refused.stdout, '');
    }
    assert.deepEqual(
      { base: hash(db), log: hash(logPathOf(db)), files: fs.readdirSync(work).sort() },
      before,
      'both files as they were, nothing added',
    );
  });
});
