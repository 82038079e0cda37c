// Seeds what the worktrees e2e test needs: the workspace made a git repository (with a prompt
// file that lets Claude edit), and a worktree run of a job made and settled by the executor's own
// worktree code with real git, then pruned by retention (pruneRuns) before anyone merged or
// discarded it: its worktree and branch are left, pending review, with no run. A recent run of the
// same job makes this the first window of the day with runs, which is when the offer is made.
//   node --import tsx test/e2e/seedWorktrees.ts <database file> <workspace folder> <state file>
// Writes { worktree, branch } of the pruned run to the state file.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_EXECUTION_OPTIONS } from '../../src/core/model';
import { openRunWorktree, settleRunWorktree } from '../../src/scheduler/worktreeRun';
import { NightPilotDatabase } from '../../src/storage/database';
import { initRepository, insertWorktreeJob, startSeedRun } from './seedWorktreeJob';
import { pruneRuns } from '../../src/storage/retention';

const [dbPath, repo, stateFile] = process.argv.slice(2);
if (!dbPath || !repo || !stateFile)
  throw new Error('usage: seedWorktrees.ts <database file> <workspace folder> <state file>');

const DAY_MS = 24 * 3_600_000;

async function main(): Promise<void> {
  fs.writeFileSync(
    path.join(repo!, '.nightpilot/prompts/nightly-tidy.md'),
    '---\ntitle: Nightly tidy\npermissionMode: acceptEdits\n---\n\nTidy up the README.\n',
  );
  initRepository(repo!);

  fs.mkdirSync(path.dirname(dbPath!), { recursive: true });
  const db = await NightPilotDatabase.open(dbPath!);
  try {
    const { job, work } = await insertWorktreeJob(db, repo!, 'Old tidy', 'Tidy up the README.');
    const end = (id: string, at: string) =>
      db.write((tx) =>
        tx.runs.update(id, {
          status: 'succeeded',
          endedAt: new Date(Date.parse(at) + 300_000).toISOString(),
          owner: null,
        }),
      );

    // 40 days ago: a run with changes nobody reviewed.
    const oldAt = new Date(Date.now() - 40 * DAY_MS).toISOString();
    const old = await startSeedRun(db, job, oldAt);
    const opened = await openRunWorktree(work, dbPath!, old, job, {
      ...DEFAULT_EXECUTION_OPTIONS,
      ...job.options,
    });
    if (!opened.ok) throw new Error(opened.message);
    fs.writeFileSync(path.join(opened.cwd, 'README.md'), '# Sample\n\nTidied long ago.\n');
    const settled = await settleRunWorktree(work, opened.worktree, `Night Pilot: ${job.name}`, {
      states: ['active'],
      owner: 'seed',
    });
    if (settled.worktree?.state !== 'review') throw new Error(settled.summary);
    await end(old.id, oldAt);
    // Last night: a run that changed nothing, in the folder itself.
    const recentAt = new Date(Date.now() - 3 * 3_600_000).toISOString();
    await end((await startSeedRun(db, job, recentAt)).id, recentAt);

    const pruned = await pruneRuns(db, { maxAgeDays: 30, maxRunsPerJob: 0, timeZone: 'UTC' }, new Date());
    if (pruned.runsDeleted !== 1) throw new Error(`retention pruned ${pruned.runsDeleted} run(s), not 1`);
    const left = db.read((tx) => tx.worktrees.listWithoutRun(['review']));
    if (left.length !== 1) throw new Error(`${left.length} worktree(s) without a run, not 1`);
    fs.writeFileSync(stateFile!, JSON.stringify({ worktree: left[0]!.path, branch: left[0]!.branch }));
  } finally {
    db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
