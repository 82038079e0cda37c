// The code cache the extension and the CLI start through (src/boot/codeCache.ts): real bundles,
// real node processes, real files. A cache only saves time, so every test also checks that the
// bundle ran as it does without one.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { codeCacheDir } from '../../src/boot/codeCache';
import { useCliBundle } from './cliBundle';
import { TempDirs } from './cliHarness';

const root = path.resolve(__dirname, '../..');

/** What the probe prints: the state of the cache at start, and what the bundle exported. */
interface Probe {
  state: string;
  cacheFile: string | null;
  exports: { sum: number; base: string; dirMatches: boolean; thisIsExports: boolean };
}

/** A small CommonJS bundle with functions to compile; `variant` changes its content (an update). */
function writeBundle(file: string, variant = ''): void {
  fs.writeFileSync(
    file,
    `'use strict';
const path = require('node:path');
function sum(values) { return values.reduce((a, b) => a + b, 0); }
module.exports = {
  sum: sum([1, 2, 3, 4]),
  base: path.basename(__filename),
  dirMatches: __dirname === path.dirname(__filename),
  thisIsExports: this === module.exports,
};
// ${variant}
`,
  );
}

describe('the code cache (src/boot/codeCache.ts)', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let probe: string;
  let dir: string;
  let cacheDir: string;
  let bundle: string;

  before(async () => {
    const out = temp.make('np-codecache-probe-');
    probe = path.join(out, 'probe.cjs');
    const entry = path.join(out, 'probe.ts');
    fs.writeFileSync(
      entry,
      `import { loadBundle } from ${JSON.stringify(path.join(root, 'src/boot/codeCache'))};
const dir = process.argv[3] === 'off' ? undefined : process.argv[3];
const loaded = loadBundle(process.argv[2]!, 'probe', dir);
const state = loaded.state;
loaded.save();
process.stdout.write(JSON.stringify({ state, cacheFile: loaded.cacheFile ?? null, exports: loaded.exports }));
`,
    );
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: probe,
    });
  });

  beforeEach(() => {
    dir = temp.make('np-codecache-');
    cacheDir = path.join(dir, 'cache');
    bundle = path.join(dir, 'bundle.js');
    writeBundle(bundle);
  });

  after(() => temp.cleanup());

  function start(cache: string = cacheDir): Probe {
    const child = spawnSync(process.execPath, [probe, bundle, cache], { encoding: 'utf8' });
    assert.equal(child.status, 0, `the probe failed (${child.signal ?? child.status}): ${child.stderr}`);
    const result = JSON.parse(child.stdout) as Probe;
    assert.deepEqual(result.exports, { sum: 10, base: 'bundle.js', dirMatches: true, thisIsExports: true });
    return result;
  }

  const cacheFiles = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).sort() : []);

  it('a start after the first uses the cache the first one wrote, and runs the bundle alike', () => {
    const first = start();
    assert.equal(first.state, 'absent');
    assert.deepEqual(cacheFiles(), [path.basename(first.cacheFile!)]);
    assert.match(
      path.basename(first.cacheFile!),
      new RegExp(`^probe-v8-${process.versions.v8}-[0-9a-f]{16}\\.bin$`),
    );
    const written = fs.statSync(first.cacheFile!);
    assert.equal(start().state, 'used');
    assert.equal(start().state, 'used');
    // Not written again by a start that used it.
    assert.equal(fs.statSync(first.cacheFile!).ino, written.ino);
  });

  it('a damaged cache file is ignored, never crashes the process, and is written anew', () => {
    // Without the file's own checksum V8 deserializes damaged bytes and node aborts (SIGTRAP).
    const { cacheFile } = start();
    const bytes = fs.readFileSync(cacheFile!);
    for (let i = Math.floor(bytes.length / 3); i < Math.floor(bytes.length / 3) + 400; i++) bytes[i]! ^= 0x5a;
    fs.writeFileSync(cacheFile!, bytes);
    assert.equal(start().state, 'damaged');
    assert.equal(start().state, 'used');
  });

  it('a cache cut short (a crash or a full disk while it was written) is ignored and written anew', () => {
    const { cacheFile } = start();
    const bytes = fs.readFileSync(cacheFile!);
    fs.writeFileSync(cacheFile!, bytes.subarray(0, Math.floor(bytes.length / 2)));
    assert.equal(start().state, 'damaged');
    fs.writeFileSync(cacheFile!, '');
    assert.equal(start().state, 'damaged');
    assert.equal(start().state, 'used');
  });

  it('a cache V8 refuses (written for other code) is not used, and is written anew', () => {
    const { cacheFile } = start();
    const other = path.join(dir, 'other.js');
    fs.writeFileSync(other, `module.exports = { other: [1, 2, 3].map((n) => n * 2) };\n`);
    const otherCache = path.join(dir, 'other-cache');
    const child = spawnSync(process.execPath, [probe, other, otherCache], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const [otherFile] = fs.readdirSync(otherCache);
    // The other bundle's cache, valid in itself, under this bundle's name.
    fs.copyFileSync(path.join(otherCache, otherFile!), cacheFile!);
    assert.equal(start().state, 'rejected');
    assert.equal(start().state, 'used');
  });

  it('an updated bundle gets a cache of its own and the old one is removed', () => {
    const old = start().cacheFile!;
    writeBundle(bundle, 'version 2');
    const updated = start();
    assert.equal(updated.state, 'absent');
    assert.notEqual(updated.cacheFile, old);
    assert.deepEqual(cacheFiles(), [path.basename(updated.cacheFile!)]);
    assert.equal(start().state, 'used');
  });

  it('a cache folder that cannot be written costs the cache, nothing else', () => {
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, 'not a folder');
    const inside = path.join(blocked, 'cache');
    assert.equal(start(inside).state, 'absent');
    assert.equal(start(inside).state, 'absent');
    assert.equal(fs.readFileSync(blocked, 'utf8'), 'not a folder');
  });

  it('takes the bundle by a relative path, as require does', () => {
    const child = spawnSync(process.execPath, [probe, 'bundle.js', cacheDir], { cwd: dir, encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.equal((JSON.parse(child.stdout) as Probe).exports.base, 'bundle.js');
    assert.equal(start().state, 'used');
  });

  it('runs without a cache when caching is off', () => {
    assert.equal(start('off').state, 'off');
    assert.equal(start('off').state, 'off');
    assert.deepEqual(cacheFiles(), []);
  });

  it("keeps its files in the platform's cache folder, or where NIGHT_PILOT_CODE_CACHE_DIR says", () => {
    const home = '/home/u';
    assert.equal(codeCacheDir({}, 'linux', home), '/home/u/.cache/night-pilot/code-cache');
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/x' }, 'linux', home), '/x/night-pilot/code-cache');
    // The XDG spec ignores a relative path.
    assert.equal(
      codeCacheDir({ XDG_CACHE_HOME: 'x' }, 'linux', home),
      '/home/u/.cache/night-pilot/code-cache',
    );
    assert.equal(codeCacheDir({}, 'darwin', home), '/home/u/Library/Caches/night-pilot/code-cache');
    assert.equal(
      codeCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', home),
      path.join('C:\\Users\\u\\AppData\\Local', 'night-pilot', 'code-cache'),
    );
    assert.equal(codeCacheDir({ NIGHT_PILOT_CODE_CACHE_DIR: '/c' }, 'linux', home), '/c');
    assert.equal(codeCacheDir({ NIGHT_PILOT_CODE_CACHE_DIR: 'off' }, 'linux', home), undefined);
    assert.equal(codeCacheDir({ NIGHT_PILOT_CODE_CACHE_DIR: '' }, 'linux', home), undefined);
  });
});

describe('the night-pilot executable starts through the code cache', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  const cliBundle = useCliBundle(temp);
  after(() => temp.cleanup());

  function run(home: string, env: NodeJS.ProcessEnv = {}) {
    const child = spawnSync(process.execPath, [cliBundle(), 'job', 'list'], {
      cwd: home,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: home, ...env },
    });
    assert.equal(child.status, 0, `night-pilot failed (${child.signal ?? child.status}): ${child.stderr}`);
    assert.equal(child.stderr, '');
    return child.stdout;
  }

  it('writes its cache in ~/.cache on the first run; the next runs print the same', () => {
    const home = temp.make('np-codecache-home-');
    const first = run(home);
    assert.match(first, /No jobs yet/);
    const folder = path.join(home, '.cache/night-pilot/code-cache');
    const files = fs.readdirSync(folder);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^cli-v8-.*\.bin$/);
    const ino = fs.statSync(path.join(folder, files[0]!)).ino;
    assert.equal(run(home), first);
    assert.equal(fs.statSync(path.join(folder, files[0]!)).ino, ino, 'the second run used the cache');
  });

  it('still runs when its cache file was damaged', () => {
    const home = temp.make('np-codecache-home-');
    const first = run(home);
    const folder = path.join(home, '.cache/night-pilot/code-cache');
    const file = path.join(folder, fs.readdirSync(folder)[0]!);
    const bytes = fs.readFileSync(file);
    for (let i = 1000; i < bytes.length; i += 97) bytes[i]! ^= 0xff;
    fs.writeFileSync(file, bytes);
    assert.equal(run(home), first);
    assert.equal(run(home), first);
  });

  it('follows XDG_CACHE_HOME, and writes nothing with NIGHT_PILOT_CODE_CACHE_DIR=off', () => {
    const home = temp.make('np-codecache-home-');
    const xdg = path.join(home, 'xdg');
    run(home, { XDG_CACHE_HOME: xdg });
    assert.equal(fs.readdirSync(path.join(xdg, 'night-pilot/code-cache')).length, 1);
    const other = temp.make('np-codecache-home-');
    run(other, { NIGHT_PILOT_CODE_CACHE_DIR: 'off' });
    assert.equal(fs.existsSync(path.join(other, '.cache')), false);
  });
});
