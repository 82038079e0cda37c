// Shared by the test/unit/cli*.test.ts files: runs the CLI in-process with captured output,
// and gives each test a throwaway folder.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliIo } from '../../src/cli/runCli';
import { runCli } from '../../src/cli/runCli';
import { FAKE_CLAUDE } from './cliBundle';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Replaces the harness's environment (which points NIGHT_PILOT_DB into `dir`). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  now?: Date;
}

/** A temp folder per test file; `cleanup()` removes all of them. */
export class TempDirs {
  private readonly _dirs: string[] = [];

  make(prefix = 'np-cli-'): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this._dirs.push(dir);
    return dir;
  }

  cleanup(): void {
    for (const dir of this._dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `night-pilot argv...` in this process. The default environment sets no database. */
export async function cli(argv: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: options.env ?? { PATH: process.env.PATH },
    cwd: options.cwd ?? process.cwd(),
  };
  if (options.now) {
    const fixed = options.now;
    io.now = () => new Date(fixed.getTime());
  }
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A job as `job add --json` prints it (the fields the tests look at). */
export interface AddedJob {
  id: string;
  name: string;
}

/**
 * A fresh folder of `temp` with a database path in it (not created yet); `run`: the in-process
 * CLI bound to that database and to the fake claude, run in that folder; `addJob`: a daily UTC job
 * working in that folder, with `extra` options (`--env FAKE_CLAUDE_MODE=hang`...).
 */
export function fakeClaudeWorkspace(
  temp: TempDirs,
  prefix: string,
): {
  dir: string;
  db: string;
  run(argv: readonly string[], now?: Date): Promise<CliResult>;
  addJob(name: string, ...extra: string[]): Promise<AddedJob>;
} {
  const dir = temp.make(prefix);
  const db = path.join(dir, 'night-pilot.db');
  const run = (argv: readonly string[], now?: Date) =>
    cli(['--db', db, '--claude', FAKE_CLAUDE, ...argv], { cwd: dir, now });
  const addJob = async (name: string, ...extra: string[]) =>
    json<AddedJob>(
      ok(
        await run([
          '--json',
          'job',
          'add',
          '--name',
          name,
          '--prompt',
          'Say hi',
          '--cron',
          '0 3 * * *',
          '--tz',
          'UTC',
          '--cwd',
          dir,
          ...extra,
        ]),
      ),
    );
  return { dir, db, run, addJob };
}

/** Parses stdout as the one JSON document it must be, failing with the output when it is not. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

/** Fails with the whole output unless the command exited 0. */
export function ok(result: CliResult): CliResult {
  if (result.code !== 0) {
    throw new Error(
      `expected exit 0, got ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  return result;
}

/** SHA-256 of a file, or null when it does not exist. */
export function fileHash(file: string): string | null {
  if (!fs.existsSync(file)) return null;
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * The first instant after `after` (at a whole minute) where the wall clock in `zone` reaches
 * `hour`:`minute` on some day, found by stepping minute by minute through Intl's view of the
 * zone. Independent of src/core/cron: a wall time skipped by DST counts as reached at the first
 * minute past it, and a repeated one only the first time.
 */
export function nextWallClock(after: Date, zone: string, hour: number, minute: number): Date {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const wall = (t: number) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    return {
      day: `${parts.year}-${parts.month}-${parts.day}`,
      minutes: Number(parts.hour) * 60 + Number(parts.minute),
    };
  };
  const target = hour * 60 + minute;
  let t = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < 3 * 24 * 60; i++, t += 60_000) {
    const now = wall(t);
    if (now.minutes === target) return new Date(t);
    const before = wall(t - 60_000);
    if (before.day === now.day && before.minutes < target && now.minutes > target) return new Date(t);
  }
  throw new Error(`no ${hour}:${minute} in ${zone} within 3 days of ${after.toISOString()}`);
}
