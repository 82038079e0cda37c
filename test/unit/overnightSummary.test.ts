// The first window of the day's summary: counted from the database, said once a day whichever
// window (or how many at once) opens first.
import assert from 'node:assert/strict';
import path from 'node:path';
import { claimOvernightSummary } from '../../src/scheduler/overnightSummary';
import { NightPilotDatabase } from '../../src/storage/database';
import { useTempDir } from './storageHelpers';

describe('overnight summary', () => {
  const tmp = useTempDir('np-overnight-');

  it('counts the runs that ended overnight, those to review and those failed, once a day', async () => {
    const db = await NightPilotDatabase.open(path.join(tmp.dir, 'np.db'));
    try {
      const ended = (status: 'succeeded' | 'failed', at: string, worktree: 'review' | 'no_changes' | null) =>
        db.write((tx) => {
          const prompt = tx.prompts.insert({ title: 'p', content: 'Hi' });
          const job = tx.jobs.insert({
            name: 'j',
            promptId: prompt.id,
            cronExpression: '0 2 * * *',
            timezone: 'UTC',
          });
          const run = tx.runs.claim({
            jobId: job.id,
            trigger: 'schedule',
            scheduledFor: at,
            status: 'queued',
          })!;
          tx.runs.update(run.id, { status, startedAt: at, endedAt: at });
          if (worktree !== null)
            tx.worktrees.insert({
              runId: run.id,
              jobId: job.id,
              jobName: job.name,
              repository: '/r',
              path: `/w/${run.id}`,
              subfolder: '',
              branch: `night-pilot/j/${run.id}`,
              baseBranch: 'main',
              baseCommit: 'abc',
              state: worktree,
              owner: null,
            });
        });
      await ended('succeeded', '2026-11-26T07:00:00.000Z', 'review'); // more than a day before: not last night
      await ended('succeeded', '2026-11-27T01:00:00.000Z', 'review');
      await ended('succeeded', '2026-11-27T02:00:00.000Z', 'review');
      await ended('succeeded', '2026-11-27T03:00:00.000Z', 'no_changes');
      await ended('failed', '2026-11-27T04:00:00.000Z', null);
      await ended('succeeded', '2026-11-27T05:00:00.000Z', null);
      const morning = new Date('2026-11-27T08:00:00.000Z');
      assert.deepEqual(await db.write((tx) => claimOvernightSummary(tx, morning, 'Europe/Berlin')), {
        runs: 5,
        toReview: 2,
        failed: 1,
      });
      // A second window that morning, and the same one at noon, say nothing.
      assert.equal(await db.write((tx) => claimOvernightSummary(tx, morning, 'Europe/Berlin')), null);
      assert.equal(
        await db.write((tx) =>
          claimOvernightSummary(tx, new Date('2026-11-27T12:00:00.000Z'), 'Europe/Berlin'),
        ),
        null,
      );
      // The next morning counts only what ended since the last summary.
      await ended('failed', '2026-11-28T02:00:00.000Z', null);
      assert.deepEqual(
        await db.write((tx) =>
          claimOvernightSummary(tx, new Date('2026-11-28T07:00:00.000Z'), 'Europe/Berlin'),
        ),
        {
          runs: 1,
          toReview: 0,
          failed: 1,
        },
      );
    } finally {
      db.close();
    }
  });
});
