// The floor of the Jobs view's first paint, in a fresh process of the Node that runs VS Code's
// extension host: sql.js starting, the database file opened, and the query the view's root makes
// (the jobs and their overviews). Run from an esbuild bundle; prints one JSON line.
//   node bench.cjs <database file>
import { performance } from 'node:perf_hooks';
import { NightPilotDatabase } from '../src/storage/database';
import { readJobOverviews } from '../src/storage/jobOverview';
import { loadSqlJs } from '../src/storage/sqlJs';

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const t0 = performance.now();
  await loadSqlJs();
  const t1 = performance.now();
  const db = await NightPilotDatabase.open(file);
  const t2 = performance.now();
  const jobs = db.read((tx) => {
    const list = tx.jobs.list();
    readJobOverviews(tx);
    return list.length;
  });
  const t3 = performance.now();
  db.close();
  process.stdout.write(
    `${JSON.stringify({ initMs: t1 - t0, openMs: t2 - t1, queryMs: t3 - t2, totalMs: t3 - t0, jobs })}\n`,
  );
}

void main();
