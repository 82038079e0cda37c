// Writers killed with SIGKILL at random moments, and a writer frozen (SIGSTOP) in the middle of
// its save for longer than the old stale-lock timeout: no acknowledged write may be lost.
import { performance } from 'node:perf_hooks';
import { OTHER_HOST_STALE_MS } from '../../src/storage/fileLock';
import { waitFor } from '../unit/cliBundle';
import type { Bundles, ScenarioResult } from './faultSupport';
import { databaseWithJob, figure, leftovers, percentile, sleep, start } from './faultSupport';

const instant = (k: number) => new Date(Date.UTC(2026, 0, 1) + k * 1000).toISOString();

/** kill -9 of writers at random moments; each trial checks every acknowledged write, then writes. */
export async function killedWriters(bundles: Bundles, trials: number): Promise<ScenarioResult> {
  const name = 'kill -9 of writers';
  const { dir, dbPath, db, jobId } = await databaseWithJob('np-fault-kill-');
  let acknowledged = 0;
  let lost = 0;
  let killedMidSave = 0;
  let leftAfterNextWrite = 0;
  const nextWriteMs: number[] = [];
  try {
    for (let t = 0; t < trials; t++) {
      const attempt = 100 + t;
      // A checkpoint every 7 writes: a kill at a random moment lands in some of them too.
      const child = start(bundles.writer, [dbPath, jobId, String(attempt), '100000', '7'], { cwd: dir });
      await waitFor(
        'the writer to commit',
        () => (/committed 0\n/.test(child.stdout()) ? true : undefined),
        20_000,
      );
      await sleep(Math.random() * 120);
      child.proc.kill('SIGKILL');
      await child.exited;
      if (leftovers(dbPath).length > 0) killedMidSave++;
      const acked = [...child.stdout().matchAll(/committed (\d+)\n/g)].map((m) => Number(m[1]));
      acknowledged += acked.length;
      const began = performance.now();
      await db.write((tx) => tx.state.set('fault-probe', String(t)));
      nextWriteMs.push(performance.now() - began);
      if (leftovers(dbPath).length > 0) leftAfterNextWrite++;
      const present = new Set(
        db.read((tx) =>
          tx.sql
            .all('SELECT scheduled_for FROM job_runs WHERE job_id = ? AND attempt = ?', [jobId, attempt])
            .map((r) => String(r.scheduled_for)),
        ),
      );
      lost += acked.filter((k) => !present.has(instant(k))).length;
    }
  } finally {
    db.close();
  }
  const worst = Math.max(...nextWriteMs);
  return {
    figures: [
      figure(name, 'trials (writers killed at a random moment)', trials, '>= 100', trials >= 100),
      figure(name, 'acknowledged writes checked', acknowledged, '', true),
      figure(name, 'acknowledged writes lost', lost, '0', lost === 0),
      figure(name, 'kills that left a lock or temp file behind', killedMidSave, '(any)', true),
      figure(
        name,
        'lock or temp files left after the next write',
        leftAfterNextWrite,
        '0',
        leftAfterNextWrite === 0,
      ),
      figure(
        name,
        'next write after a kill: p50 / p99 / max',
        `${percentile(nextWriteMs, 50).toFixed(1)} / ${percentile(nextWriteMs, 99).toFixed(1)} / ${worst.toFixed(1)} ms`,
        '< 1000 ms',
        worst < 1000,
      ),
    ],
  };
}

/**
 * A writer frozen (SIGSTOP) half-way through its save, holding the lock, for longer than the
 * stale timeout; another writer waits meanwhile. Resumed, both writes must be there.
 */
export async function frozenWriter(bundles: Bundles): Promise<ScenarioResult> {
  const name = 'writer SIGSTOPped mid-save';
  const { dir, dbPath, db, jobId } = await databaseWithJob('np-fault-frozen-');
  const frozenFor = OTHER_HOST_STALE_MS + 2_000;
  const child = start(bundles.frozenWriter, [dbPath, jobId, instant(1)], { cwd: dir });
  try {
    await waitFor(
      'the writer to freeze',
      () => (child.stdout().includes('frozen') ? true : undefined),
      20_000,
    );
    let otherDone = false;
    const other = db
      .write((tx) =>
        tx.runs.claim({ jobId, trigger: 'manual', scheduledFor: instant(2), status: 'succeeded' }),
      )
      .then(() => (otherDone = true));
    await sleep(frozenFor);
    const tookOver = otherDone;
    child.proc.kill('SIGCONT');
    const { code } = await child.exited;
    await other;
    const present = db.read((tx) => tx.runs.list({ jobId }).map((r) => r.scheduledFor));
    const lost = [instant(1), instant(2)].filter((at) => !present.includes(at)).length;
    return {
      figures: [
        figure(
          name,
          'frozen for (stale timeout is 60 s)',
          `${(frozenFor / 1000).toFixed(0)} s`,
          '> 60 s',
          true,
        ),
        figure(
          name,
          "another writer took the frozen writer's lock",
          tookOver ? 'yes' : 'no',
          'no',
          !tookOver,
        ),
        figure(
          name,
          'frozen writer acknowledged after SIGCONT',
          code === 0 ? 'yes' : `no (exit ${code})`,
          'yes',
          code === 0,
        ),
        figure(name, 'acknowledged writes lost', lost, '0', lost === 0),
      ],
    };
  } finally {
    child.proc.kill('SIGKILL');
    db.close();
  }
}
