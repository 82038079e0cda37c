// Loads a bundle (dist/extension-main.js, dist/cli-main.js) through V8's code cache, so that every
// start after the first of a version skips compiling the JavaScript the last start ran: ~5 ms of
// a ~45 ms cold open on the 2-core test machine (docs/architecture.md, "Layers"). The cache only
// saves time: when it is missing, damaged, refused by V8 or cannot be written, the bundle runs as
// it would without it.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire, wrap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/**
 * Why the file carries its own checksum: V8 checks a cache's version, flags and the source's
 * length, not its bytes, and a damaged cache crashes the process inside the deserializer
 * (measured: node 20 stops with "Fatal error ... unreachable code"). A torn or damaged file must
 * cost a slower start, never the extension host.
 */
const MAGIC = Buffer.from('NPCODE1\n', 'latin1');
const DIGEST_BYTES = 32;

/** What happened to this start's cache; `save` writes one unless it was `used` or `off`. */
export type CodeCacheState = 'used' | 'absent' | 'damaged' | 'rejected' | 'off';

export interface LoadedBundle {
  readonly exports: unknown;
  readonly state: CodeCacheState;
  /** The cache file this start read or will write (undefined when caching is off). */
  readonly cacheFile: string | undefined;
  /**
   * Writes the cache from what has been compiled so far (call it once the start's work is done,
   * so the functions it ran are in it). Does nothing when this start used a cache; never throws.
   */
  save(): void;
}

/**
 * The folder of the caches: NIGHT_PILOT_CODE_CACHE_DIR when set ('' or 'off' turns caching off),
 * else the platform's cache folder.
 */
export function codeCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string | undefined {
  const configured = env.NIGHT_PILOT_CODE_CACHE_DIR;
  if (configured !== undefined) return configured === '' || configured === 'off' ? undefined : configured;
  if (platform === 'win32') {
    return env.LOCALAPPDATA ? path.join(env.LOCALAPPDATA, 'night-pilot', 'code-cache') : undefined;
  }
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'night-pilot', 'code-cache');
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache');
  return path.join(base, 'night-pilot', 'code-cache');
}

const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest();

function readCache(file: string): { data?: Buffer; state: CodeCacheState } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return { state: 'absent' };
  }
  const header = MAGIC.length + DIGEST_BYTES;
  if (bytes.length <= header || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return { state: 'damaged' };
  const data = bytes.subarray(header);
  return sha256(data).equals(bytes.subarray(MAGIC.length, header))
    ? { data, state: 'used' }
    : { state: 'damaged' };
}

/**
 * Runs the CommonJS bundle at `bundle` as `require` would and returns its exports. `name` names its
 * cache files; one file per name, V8 version and bundle content is kept in `dir` (undefined: no
 * cache; the entries pass codeCacheDir()).
 */
export function loadBundle(bundle: string, name: string, dir: string | undefined): LoadedBundle {
  // require() takes a relative path; createRequire() below needs an absolute one.
  const file = path.resolve(bundle);
  // Read as a string (node's fast path), not as bytes hashed and then decoded: a 1 MB Buffer that
  // becomes garbage at once made the open that follows ~6 ms slower (interleaved A/B, 22 rounds),
  // more than the ~1.5 ms that hashing the string instead costs.
  const source = fs.readFileSync(file, 'utf8');
  // One V8 per prefix: VS Code stable and Insiders (different Electrons) keep a cache each.
  const prefix = `${name}-v8-${process.versions.v8}-`;
  const cacheFile = dir && path.join(dir, `${prefix}${sha256(source).toString('hex').slice(0, 16)}.bin`);
  const read = cacheFile ? readCache(cacheFile) : { state: 'off' as const };
  // The #! line of a CLI bundle is not JavaScript; node strips it when it requires a file.
  const script = new vm.Script(wrap(source.replace(/^#!.*/, '')), {
    filename: file,
    cachedData: read.data,
  });
  const state: CodeCacheState = read.data && script.cachedDataRejected ? 'rejected' : read.state;
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  let saved = false;
  return {
    exports: module.exports,
    state,
    cacheFile,
    save() {
      if (saved || !cacheFile || state === 'used') return;
      saved = true;
      try {
        writeCache(cacheFile, prefix, script.createCachedData());
      } catch {
        // Only time is lost: the next start compiles and tries again.
      }
    },
  };
}

function writeCache(cacheFile: string, prefix: string, data: Buffer): void {
  const dir = path.dirname(cacheFile);
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temp, Buffer.concat([MAGIC, sha256(data), data]));
    // No fsync: a file torn by a crash fails its checksum and is written again next time.
    fs.renameSync(temp, cacheFile);
  } catch (err) {
    // A read-only or full disk costs the next start its compile time, nothing else.
    removeQuietly(temp);
    throw err;
  }
  // Earlier versions' caches (and temp files of writers killed mid-write) are dead weight.
  for (const other of safeList(dir)) {
    if (other.startsWith(prefix) && path.join(dir, other) !== cacheFile) {
      removeQuietly(path.join(dir, other));
    }
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Another user's file, or a folder gone read-only: it stays, nothing depends on it.
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
