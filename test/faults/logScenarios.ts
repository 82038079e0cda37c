// The page log under fault injection: writers killed (SIGKILL) at every step of a save and of a
// checkpoint, chosen at random, and processes writing and reading while checkpoints replace the
// database file under them.
import fs from 'node:fs';
import { NightPilotDatabase } from '../../src/storage/database';
import { waitFor } from '../unit/cliBundle';
import type { Bundles, Figure, ScenarioResult } from './faultSupport';
import { databaseWithJob, figure, leftovers, sleep, start } from './faultSupport';

/** The instants (as write numbers) of a writer's runs present in the database. */
function presentWrites(db: NightPilotDatabase, jobId: string, attempt: number): number[] {
  const base = Date.UTC(2026, 0, 1);
  return db
    .read((tx) =>
      tx.sql
        .all('SELECT scheduled_for FROM job_runs WHERE job_id = ? AND attempt = ?', [jobId, attempt])
        .map((r) => (Date.parse(String(r.scheduled_for)) - base) / 1000),
    )
    .sort((a, b) => a - b);
}

/**
 * Writers killed with SIGKILL at a step chosen at random in one save or one checkpoint (half
 * each). After each kill: every acknowledged write is there, the writes there are the writer's
 * first ones with no gap (at most the one in flight beyond the acknowledged), the database opens
 * (a new instance on the files), and the next write leaves nothing behind.
 */
export async function killedInSteps(bundles: Bundles, trials: number): Promise<ScenarioResult> {
  const name = 'kill -9 inside saves and checkpoints';
  const { dir, dbPath, db, jobId } = await databaseWithJob('np-fault-steps-');
  let acknowledged = 0;
  let lost = 0;
  let gaps = 0;
  let unopenable = 0;
  let leftAfterNextWrite = 0;
  let checksFailed = 0;
  const stoppedAt = new Map<string, number>();
  const kinds = { save: 0, checkpoint: 0 };
  try {
    for (let t = 0; t < trials; t++) {
      const attempt = 1000 + t;
      const kind = t % 2 === 0 ? 'save' : 'checkpoint';
      const seed = Math.floor(Math.random() * 1_000_000);
      const child = start(bundles.stepWriter, [dbPath, jobId, String(attempt), kind, String(seed)], {
        cwd: dir,
      });
      await waitFor(
        'the writer to stop at its step',
        () => (/stopping at|done/.test(child.stdout()) ? true : undefined),
        30_000,
      ).catch(() => undefined);
      child.proc.kill('SIGKILL');
      await child.exited;
      const stop = /stopping at \d+ (\w+)/.exec(child.stdout());
      if (stop) {
        kinds[kind]++;
        stoppedAt.set(`${kind} ${stop[1]}`, (stoppedAt.get(`${kind} ${stop[1]}`) ?? 0) + 1);
      }
      const acked = [...child.stdout().matchAll(/committed (\d+)\n/g)].map((m) => Number(m[1]));
      acknowledged += acked.length;
      await db.write((tx) => tx.state.set('fault-probe', String(t)));
      if (leftovers(dbPath).length > 0) leftAfterNextWrite++;
      const present = presentWrites(db, jobId, attempt);
      lost += acked.filter((k) => !present.includes(k)).length;
      if (present.some((k, i) => k !== i) || present.length > acked.length + 1) gaps++;
      try {
        const other = await NightPilotDatabase.open(dbPath);
        other.read((tx) => tx.runs.count());
        other.close();
      } catch {
        unopenable++;
      }
      if (t % 25 === 24) {
        try {
          db.quickCheck();
        } catch {
          checksFailed++;
        }
      }
    }
    db.quickCheck();
  } finally {
    db.close();
  }
  const where = [...stoppedAt]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return {
    figures: [
      figure(
        name,
        'trials (a save / a checkpoint stopped at a random step, killed)',
        `${trials} (${kinds.save} / ${kinds.checkpoint})`,
        '>= 200',
        trials >= 200,
      ),
      figure(name, 'where they were killed (before this call)', where, '', true),
      figure(name, 'acknowledged writes checked', acknowledged, '', true),
      figure(name, 'acknowledged writes lost', lost, '0', lost === 0),
      figure(name, 'writers with a gap or an extra write', gaps, '0', gaps === 0),
      figure(name, 'kills after which the database did not open', unopenable, '0', unopenable === 0),
      figure(
        name,
        'quick_check failures (every 25 trials and at the end)',
        checksFailed,
        '0',
        checksFailed === 0,
      ),
      figure(name, 'temp files left after the next write', leftAfterNextWrite, '0', leftAfterNextWrite === 0),
    ],
  };
}

/**
 * Two processes writing, each folding the log into the file every few writes, while this one
 * reads all the time: no read may go back in time or fail, and every acknowledged write is there.
 */
export async function concurrentCheckpoints(bundles: Bundles): Promise<ScenarioResult> {
  const name = 'two writers and a reader across checkpoints';
  const { dir, dbPath, db, jobId } = await databaseWithJob('np-fault-concurrent-');
  const writes = 150;
  const children = [1, 2].map((attempt) =>
    start(bundles.writer, [dbPath, jobId, String(attempt), String(writes), String(attempt === 1 ? 20 : 30)], {
      cwd: dir,
    }),
  );
  let reads = 0;
  let backwards = 0;
  let readErrors = 0;
  let lastCount = 0;
  const bases = new Set<string>();
  const seen = new Set<string>();
  let running = true;
  const done = Promise.all(children.map((c) => c.exited)).then((codes) => {
    running = false;
    return codes;
  });
  try {
    while (running) {
      try {
        const ids = db.read((tx) => tx.sql.all('SELECT id FROM job_runs').map((r) => String(r.id)));
        reads++;
        if (ids.length < lastCount || [...seen].some((id) => !ids.includes(id))) backwards++;
        lastCount = ids.length;
        for (const id of ids.slice(-5)) seen.add(id);
        const ino = fs.statSync(dbPath, { bigint: true }).ino;
        bases.add(String(ino));
      } catch {
        readErrors++;
      }
      await sleep(5);
    }
    const codes = await done;
    const checkpoints = children.reduce((n, c) => n + [...c.stdout().matchAll(/checkpointed/g)].length, 0);
    const missing = [1, 2].reduce((n, attempt) => {
      const present = presentWrites(db, jobId, attempt);
      const acked = [...children[attempt - 1]!.stdout().matchAll(/committed (\d+)\n/g)].map((m) =>
        Number(m[1]),
      );
      return n + acked.filter((k) => !present.includes(k)).length;
    }, 0);
    db.quickCheck();
    const figures: Figure[] = [
      figure(
        name,
        'writers exited cleanly',
        codes.map((c) => c.code).join(', '),
        '0, 0',
        codes.every((c) => c.code === 0),
      ),
      figure(
        name,
        'writes acknowledged',
        children.reduce((n, c) => n + [...c.stdout().matchAll(/committed/g)].length, 0),
        `${2 * writes}`,
        true,
      ),
      figure(
        name,
        'checkpoints done by the writers / new files this reader saw',
        `${checkpoints} / ${bases.size - 1}`,
        '> 0',
        checkpoints > 0,
      ),
      figure(
        name,
        'reads, of which went back in time / failed',
        `${reads}, ${backwards} / ${readErrors}`,
        '0 / 0',
        backwards === 0 && readErrors === 0,
      ),
      figure(name, 'acknowledged writes missing at the end', missing, '0', missing === 0),
    ];
    return { figures };
  } finally {
    for (const c of children) c.proc.kill('SIGKILL');
    db.close();
  }
}
