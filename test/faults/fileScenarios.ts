// The database file itself: a page overwritten early and late, permissions a user set, and a
// full disk on a small tmpfs (when this machine allows mounting one).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NightPilotDatabase } from '../../src/storage/database';
import { addJobArgs, damagePages, pageCount, populateDatabase } from '../fixtures/damage';
import type { Bundles, ScenarioResult } from './faultSupport';
import { FAKE_CLAUDE, cli, figure, leftovers, tempDir } from './faultSupport';

const ADD = addJobArgs;

/** A database with `jobs` jobs and `runs` finished runs each (the late pages hold runs). */
async function populated(prefix: string, jobs: number, runs = 0): Promise<{ dir: string; db: string }> {
  const dir = tempDir(prefix);
  const db = path.join(dir, 'night-pilot.db');
  await populateDatabase(db, jobs, runs);
  return { dir, db };
}

export async function damagedPages(bundles: Bundles): Promise<ScenarioResult> {
  const name = 'damaged page';
  const early = await populated('np-fault-early-', 2, 3);
  damagePages(early.db, 2, 4);
  const list = await cli(bundles, ['--db', early.db, 'job', 'list'], early.dir);
  const movedEarly = /moved aside to (\S+?) and/.exec(list.stderr)?.[1];

  const late = await populated('np-fault-late-', 40, 30);
  const check = await cli(bundles, ['--db', late.db, 'db', 'check'], late.dir);
  const n = pageCount(late.db);
  damagePages(late.db, n, n);
  const unnoticed = await cli(bundles, ['--db', late.db, 'job', 'list'], late.dir);
  const found = await cli(bundles, ['--db', late.db, 'db', 'check'], late.dir);
  const restored = await cli(bundles, ['--db', late.db, 'db', 'restore'], late.dir);
  const after = await cli(bundles, ['--db', late.db, '--json', 'job', 'list'], late.dir);
  const jobsBack = after.code === 0 ? (JSON.parse(after.stdout) as unknown[]).length : -1;
  return {
    figures: [
      figure(
        name,
        'early: `job list` exit code',
        list.code ?? '-',
        '3',
        list.code === 3 && !/internal error/.test(list.stderr),
      ),
      figure(
        name,
        'early: file moved aside, path told',
        movedEarly && fs.existsSync(movedEarly) ? 'yes' : 'no',
        'yes',
        !!movedEarly,
      ),
      figure(
        name,
        'late: `job list` before the check (exit)',
        unnoticed.code ?? '-',
        '0 (unnoticed)',
        unnoticed.code === 0,
      ),
      figure(
        name,
        'late: `db check` (before / after the damage)',
        `${check.code} / ${found.code}`,
        '0 / 3',
        check.code === 0 && found.code === 3,
      ),
      figure(
        name,
        'late: `db restore`, jobs back',
        `${restored.code}, ${jobsBack}/40`,
        '0, 40/40',
        restored.code === 0 && jobsBack === 40,
      ),
    ],
  };
}

export async function permissions(bundles: Bundles): Promise<ScenarioResult> {
  const name = 'permissions';
  if (process.platform === 'win32') return { figures: [], skipped: 'no POSIX modes on Windows' };
  const { dir, db } = await populated('np-fault-perms-', 1);
  fs.chmodSync(db, 0o640);
  const kept = await cli(bundles, ['--db', db, ...ADD('two')], dir);
  const mode = (fs.statSync(db).mode & 0o777).toString(8);
  fs.chmodSync(db, 0o444);
  const readOnly = await cli(bundles, ['--db', db, ...ADD('three')], dir);
  const figures = [
    figure(
      name,
      'a write keeps mode 0640',
      `${kept.code}, ${mode}`,
      '0, 640',
      kept.code === 0 && mode === '640',
    ),
    figure(
      name,
      'write to a chmod 444 file (exit, mode after)',
      `${readOnly.code}, ${(fs.statSync(db).mode & 0o777).toString(8)}`,
      '3, 444',
      readOnly.code === 3 && /read-only/.test(readOnly.stderr),
    ),
  ];
  if (process.getuid?.() !== 0) return { figures, skipped: 'another owner: needs root to chown the file' };
  fs.chmodSync(db, 0o640);
  fs.chownSync(db, 4242, 4242);
  const foreign = await cli(bundles, ['--db', db, ...ADD('as root')], dir);
  const read = await cli(bundles, ['--db', db, 'job', 'list'], dir);
  figures.push(
    figure(
      name,
      "root writing another user's file (exit, owner after)",
      `${foreign.code}, uid ${fs.statSync(db).uid}`,
      '3, uid 4242',
      foreign.code === 3 && fs.statSync(db).uid === 4242,
    ),
    figure(name, "`job list` of another user's file", read.code ?? '-', '0', read.code === 0),
  );
  return { figures };
}

export async function fullDisk(bundles: Bundles): Promise<ScenarioResult> {
  const name = 'full disk (16 MiB tmpfs)';
  if (process.platform !== 'linux') return { figures: [], skipped: 'tmpfs needs Linux' };
  const mount = tempDir('np-fault-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount], { stdio: 'pipe' });
  } catch (err) {
    const why = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message)
      .trim()
      .split('\n')[0];
    return { figures: [], skipped: `mounting a tmpfs is not permitted here (${why})` };
  }
  try {
    const db = path.join(mount, 'night-pilot.db');
    const base = ['--db', db, '--claude', FAKE_CLAUDE];
    await cli(
      bundles,
      [
        ...base,
        ...ADD('flood'),
        '--cwd',
        mount,
        '--env',
        'FAKE_CLAUDE_MODE=flood',
        '--env',
        'FAKE_CLAUDE_BYTES=60000000',
      ],
      mount,
    );
    const flood = await cli(bundles, [...base, '--json', 'job', 'run', 'flood'], mount);
    const floodRun = flood.stdout ? (JSON.parse(flood.stdout) as { status: string; error: string }) : null;

    const filler = path.join(mount, 'filler');
    const fd = fs.openSync(filler, 'w');
    try {
      for (const size of [1 << 20, 4096, 1]) {
        try {
          for (;;) fs.writeSync(fd, Buffer.alloc(size, 1));
        } catch {
          // this size no longer fits: try a smaller one
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    const refused = await cli(bundles, [...base, ...ADD('on a full disk')], mount);
    const left = leftovers(db);
    const run = await cli(bundles, [...base, 'job', 'run', 'flood'], mount);
    fs.rmSync(filler);
    // The write itself, in this process (a CLI's start-up time is not the storage's).
    const database = await NightPilotDatabase.open(db);
    const began = performance.now();
    let nextOk = true;
    try {
      await database.write((tx) => tx.state.set('after-full-disk', 'yes'));
    } catch {
      nextOk = false;
    } finally {
      database.close();
    }
    const nextMs = performance.now() - began;
    return {
      figures: [
        figure(
          name,
          'run whose log fills the disk: status',
          floodRun?.status ?? `exit ${flood.code}`,
          'failed',
          floodRun?.status === 'failed' && /log could not be written/.test(floodRun.error),
        ),
        figure(
          name,
          'write on a full disk: exit code',
          refused.code ?? '-',
          '3',
          refused.code === 3 && /is full/.test(refused.stderr),
        ),
        figure(
          name,
          '`job run` on a full disk: exit code',
          run.code ?? '-',
          '3',
          run.code === 3 && !/internal error/.test(run.stderr),
        ),
        figure(name, 'lock or temp files left', left.length, '0', left.length === 0),
        figure(
          name,
          'next write once space is back',
          `${nextOk ? 'ok' : 'failed'}, ${nextMs.toFixed(1)} ms`,
          'ok, < 1000 ms',
          nextOk && nextMs < 1000,
        ),
      ],
    };
  } finally {
    try {
      execFileSync('umount', [mount], { stdio: 'ignore' });
    } catch {
      execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
    }
  }
}
