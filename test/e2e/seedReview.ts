// Seeds what the To Review e2e test shows: a git repository and two worktree runs of a job, made
// and settled by the executor's own worktree code with real git (the changes written into each
// worktree as Claude would have), into the database the workbench's extension will open.
//   node --import tsx test/e2e/seedReview.ts <database file> <repository folder>
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_EXECUTION_OPTIONS } from '../../src/core/model';
import { openRunWorktree, settleRunWorktree } from '../../src/scheduler/worktreeRun';
import { NightPilotDatabase } from '../../src/storage/database';
import { initRepository, insertWorktreeJob, startSeedRun } from './seedWorktreeJob';

const [dbPath, repo] = process.argv.slice(2);
if (!dbPath || !repo) throw new Error('usage: seedReview.ts <database file> <repository folder>');

async function main(): Promise<void> {
  fs.mkdirSync(path.join(repo!, 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(repo!, 'src/math.ts'),
    'export function add(a: number, b: number) {\n  return a + b;\n}\n\nexport function mean(xs: number[]) {\n  return xs.reduce(add) / xs.length;\n}\n',
  );
  fs.writeFileSync(path.join(repo!, 'README.md'), '# Calculator\n');
  initRepository(repo!);

  fs.mkdirSync(path.dirname(dbPath!), { recursive: true });
  const db = await NightPilotDatabase.open(dbPath!);
  try {
    const { job, work } = await insertWorktreeJob(db, repo!, 'Nightly refactor', 'Tidy up src/.');
    const changes: Array<Record<string, string>> = [
      {
        'src/math.ts':
          'export function add(a: number, b: number): number {\n  return a + b;\n}\n\n/** The mean of xs; NaN for an empty list. */\nexport function mean(xs: readonly number[]): number {\n  if (xs.length === 0) return NaN;\n  return xs.reduce(add, 0) / xs.length;\n}\n',
        'src/math.test.ts': "import { mean } from './math';\n\nconsole.assert(Number.isNaN(mean([])));\n",
      },
      { 'README.md': '# Calculator\n\nAdds numbers. Badly.\n' },
    ];
    for (const [i, files] of changes.entries()) {
      const at = new Date(Date.now() - (3 - i) * 3_600_000).toISOString();
      const run = await startSeedRun(db, job, at);
      const opened = await openRunWorktree(work, dbPath!, run, job, {
        ...DEFAULT_EXECUTION_OPTIONS,
        ...job.options,
      });
      if (!opened.ok) throw new Error(opened.message);
      for (const [file, content] of Object.entries(files))
        fs.writeFileSync(path.join(opened.cwd, file), content);
      const settled = await settleRunWorktree(work, opened.worktree, `Night Pilot: ${job.name}`, {
        states: ['active'],
        owner: 'seed',
      });
      if (settled.worktree?.state !== 'review') throw new Error(settled.summary);
      await db.write((tx) =>
        tx.runs.update(run.id, {
          status: 'succeeded',
          endedAt: new Date(Date.parse(at) + 300_000).toISOString(),
          owner: null,
        }),
      );
    }
  } finally {
    db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
