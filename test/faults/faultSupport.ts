// Shared by the fault scenarios (npm run test:faults): the bundled CLI and writer fixtures, temp
// folders, process helpers, and the figures each scenario reports.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { NightPilotDatabase } from '../../src/storage/database';
import { buildCliBundle, isAlive } from '../unit/cliBundle';

export const ROOT = path.resolve(__dirname, '../..');
export const FAKE_CLAUDE = path.join(ROOT, 'test/fixtures/fakeClaude.mjs');

/** One measured figure of a scenario: what, how much, what it must be, and whether it is. */
export interface Figure {
  scenario: string;
  figure: string;
  value: string;
  target: string;
  ok: boolean;
}

/** A scenario's figures, or why it was skipped. */
export interface ScenarioResult {
  figures: Figure[];
  skipped?: string;
}

export interface Bundles {
  cli: string;
  writer: string;
  frozenWriter: string;
  stepWriter: string;
}

/** Builds the CLI and the writer fixtures as they run in production (esbuild, wasm beside). */
export async function buildBundles(dir: string): Promise<Bundles> {
  const cli = await buildCliBundle(dir);
  const bundle = async (entry: string, name: string) => {
    const out = path.join(dir, name);
    await esbuild.build({
      entryPoints: [path.join(ROOT, entry)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: out,
      logLevel: 'error',
    });
    return out;
  };
  return {
    cli,
    writer: await bundle('test/fixtures/storageWriter.ts', 'writer.js'),
    frozenWriter: await bundle('test/fixtures/frozenWriter.ts', 'frozenWriter.js'),
    stepWriter: await bundle('test/fixtures/stepWriter.ts', 'stepWriter.js'),
  };
}

const made: string[] = [];

/** A fresh folder under the suite's temp root (`NIGHT_PILOT_FAULTS_DIR`, else the OS temp folder). */
export function tempDir(prefix: string): string {
  const base = process.env.NIGHT_PILOT_FAULTS_DIR ?? os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A child process with its output collected. */
export interface Child {
  readonly proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

export function start(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Child {
  const proc = spawn(process.execPath, [file, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: options.cwd ?? os.tmpdir(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('close', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal });
    }),
  );
  return { proc, stdout: () => out, stderr: () => err, exited };
}

/** Runs the bundled CLI to its end. */
export async function cli(
  bundles: Bundles,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = start(bundles.cli, args, { cwd, env });
  const { code } = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr(), ms: Date.now() - started };
}

/** Ends every child still running (on failure or Ctrl-C). */
export function killChildren(): void {
  for (const proc of children) proc.kill('SIGKILL');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The pids of live processes whose working folder is `dir` (the fake claudes of a scenario). */
export function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/cwd`) === dir && isAlive(Number(entry))) found.push(Number(entry));
    } catch {
      // gone, or not ours to look at
    }
  }
  return found;
}

/** Files beside the database that a writer leaves when it dies mid-save or mid-lock. */
export function leftovers(dbPath: string): string[] {
  const base = path.basename(dbPath);
  return fs
    .readdirSync(path.dirname(dbPath))
    .filter(
      (name) =>
        name.startsWith(`${base}.lock`) ||
        name.startsWith(`${base}.tmp-`) ||
        name.startsWith(`${base}.wal.tmp-`),
    );
}

export function figure(
  scenario: string,
  name: string,
  value: string | number,
  target: string,
  ok: boolean,
): Figure {
  return { scenario, figure: name, value: String(value), target, ok };
}

/** Nearest-rank percentile of `values` (sorted copy). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A fresh database in its own temp folder, with one job for the writers to claim runs of. */
export async function databaseWithJob(
  prefix: string,
): Promise<{ dir: string; dbPath: string; db: NightPilotDatabase; jobId: string }> {
  const dir = tempDir(prefix);
  const dbPath = path.join(dir, 'night-pilot.db');
  const db = await NightPilotDatabase.open(dbPath, { lockTimeoutMs: 120_000 });
  const job = await db.write((tx) => {
    const prompt = tx.prompts.insert({ title: 'faults', content: 'p' });
    return tx.jobs.insert({
      name: 'faults',
      promptId: prompt.id,
      cronExpression: '0 2 * * *',
      timezone: 'UTC',
    });
  });
  return { dir, dbPath, db, jobId: job.id };
}
