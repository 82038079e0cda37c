// Shared by the CLI tests that need real OS processes (signals, several processes on one
// database): builds the CLI as it ships (esbuild bundle beside sql-wasm.wasm) and runs it.

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { TempDirs } from './cliHarness';

const root = path.resolve(__dirname, '../..');

/** The fake `claude` executable (see its header comment for FAKE_CLAUDE_MODE). */
export const FAKE_CLAUDE = path.join(root, 'test/fixtures/fakeClaude.mjs');

/**
 * Bundles the CLI into `outDir` as esbuild.mjs ships it: cli.js (the loader, src/boot/cliEntry.ts)
 * beside cli-main.js (src/cli/main.ts) and the wasm; returns the path of cli.js.
 */
export async function buildCliBundle(outDir: string): Promise<string> {
  const bundle = path.join(outDir, 'cli.js');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  } as const;
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'src/boot/cliEntry.ts')],
    outfile: bundle,
    banner: { js: '#!/usr/bin/env node' },
  });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    outfile: path.join(outDir, 'cli-main.js'),
  });
  fs.copyFileSync(
    path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'),
    path.join(outDir, 'sql-wasm.wasm'),
  );
  // As esbuild.mjs ships it: runnable through its #! line.
  fs.chmodSync(bundle, 0o755);
  return bundle;
}

/**
 * Builds the bundle into a folder of `temp` in a mocha `before` of the calling describe, and
 * returns the bundle's path from then on. `temp.cleanup()` removes it with the rest.
 */
export function useCliBundle(temp: TempDirs): () => string {
  let bundle: string | undefined;
  before(async function () {
    this.timeout(60_000);
    bundle = await buildCliBundle(temp.make('np-cli-bundle-'));
  });
  return () => {
    if (bundle === undefined)
      throw new Error('useCliBundle: the bundle is built in before(); use it in a test');
    return bundle;
  };
}

/** A running `night-pilot` process with its output collected as it comes. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when ended by a signal) once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node bundle argv...` in `cwd` with only PATH and HOME from this process, plus `env`. */
export function startCli(
  bundle: string,
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): CliProcess {
  const child = spawn(process.execPath, [bundle, ...argv], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, pid: child.pid!, stdout: () => out, stderr: () => err, exited };
}

/** Runs `night-pilot argv...` to its end. */
export async function runCliProcess(
  bundle: string,
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = startCli(bundle, argv, cwd, env);
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** Polls `check` every 100 ms until it returns a value other than undefined, or fails after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits for the fake claude to write its grandchild's pid to `pidFile` (FAKE_CLAUDE_PID_FILE). */
export function waitForGrandchildPid(pidFile: string): Promise<number> {
  return waitFor('the fake claude to start its grandchild', () =>
    fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8') !== ''
      ? Number(fs.readFileSync(pidFile, 'utf8'))
      : undefined,
  );
}

/** The state letter of /proc/<pid>/stat (R, S, T for stopped, Z...); null when there is none. */
function procState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/** Whether the process is stopped (SIGSTOP); false where /proc cannot tell. */
export function isStopped(pid: number): boolean {
  return procState(pid) === 'T';
}

/** Whether a process with this pid exists (and is not a zombie we could still signal). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped) still answers kill(0); it is not running any more.
  const state = procState(pid);
  if (state === null) return process.platform !== 'linux';
  return state !== 'Z' && state !== 'X';
}
