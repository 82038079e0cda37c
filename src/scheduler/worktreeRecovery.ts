// Worktrees whose run's process died before settling them. The rules (docs/architecture.md,
// "Worktree isolation and review"): a worktree still being made held no work yet, so it is
// removed with its branch; one the run worked in (or was committing) is settled as its run
// would have: what it changed is committed and kept for review, or both are removed when it
// changed nothing. A run that waits for a usage limit keeps its worktree for when it resumes.

import type { RunWorktree } from '../core/model';
import { UNSETTLED_WORKTREE_STATES } from '../core/model';
import { errorMessage } from '../core/errorMessage';
import { runCommitMessage } from '../core/runBranch';
import type { GitDeps } from '../git/gitCommand';
import type { NightPilotDatabase, Tx } from '../storage/database';
import type { HeartbeatSource } from './owner';
import { ownerIdIsGone } from './owner';
import { stopRecordedGroup } from './processGroup';
import { removeLeftovers, settleRunWorktree } from './worktreeRun';

/** Run states in which the run's owner (or the one that resumes it) still settles the worktree. */
const LIVE_RUN_STATES = new Set(['running', 'queued', 'waiting_for_limit']);

/** Unsettled worktrees nobody is settling: their run is over (or gone) and their owner is dead. */
export function findAbandonedWorktrees(
  tx: Tx,
  now: Date,
  staleAfterMs: number,
  self: string,
  heartbeats: HeartbeatSource,
): RunWorktree[] {
  return tx.worktrees.list(UNSETTLED_WORKTREE_STATES).filter((row) => {
    if (row.owner === self) return false;
    const run = tx.runs.get(row.runId);
    if (run !== undefined && LIVE_RUN_STATES.has(run.status)) return false;
    return ownerIdIsGone(row.owner, row.updatedAt, now, staleAfterMs, heartbeats);
  });
}

/** The interrupted run's words on its worktree, recorded in the row's detail. */
const INTERRUPTED = 'The run stopped before it finished (its process ended).';

/**
 * Recovers each abandoned worktree: the git command it was in is stopped first, then the worktree
 * is settled or removed as the rules above say. Returns what happened to each, for the log.
 */
export async function recoverAbandonedWorktrees(
  db: NightPilotDatabase,
  git: GitDeps,
  self: string,
  abandoned: readonly RunWorktree[],
  graceMs: number,
): Promise<string[]> {
  const said: string[] = [];
  for (const row of abandoned) {
    if (row.pgid !== null && row.pgidHost !== null)
      await stopRecordedGroup({ pgid: row.pgid, start: row.pgidStart, host: row.pgidHost }, graceMs);
    const write = <T>(fn: (tx: Tx) => T) => db.write(fn);
    if (row.state === 'creating') {
      // Claim it first, so two recoverers never remove the same worktree at once.
      const mine = await write((tx) =>
        tx.worktrees.transition(row.runId, { from: ['creating'], owner: row.owner }, { owner: self }),
      );
      if (mine === null) continue;
      try {
        await removeLeftovers({ git }, row);
        await write((tx) =>
          tx.worktrees.transition(
            row.runId,
            { from: ['creating'], owner: self },
            {
              state: 'no_changes',
              owner: null,
              pgid: null,
              pgidStart: null,
              pgidHost: null,
              detail:
                'The run stopped while its worktree was being made; the worktree and branch were removed.',
            },
          ),
        );
        said.push(`run ${row.runId}: its half-made worktree was removed`);
      } catch (err) {
        // Left claimed by us: the next scheduler, once we are gone, tries again.
        said.push(`run ${row.runId}: its half-made worktree could not be removed: ${errorMessage(err)}`);
      }
      continue;
    }
    const job = db.read((tx) => tx.jobs.get(row.jobId));
    const run = db.read((tx) => tx.runs.get(row.runId));
    const settled = await settleRunWorktree(
      { git, owner: self, write },
      row,
      `${runCommitMessage(job ?? { name: row.jobName, timezone: 'UTC' }, run?.scheduledFor ?? row.createdAt)} (interrupted)`,
      { states: [row.state], owner: row.owner },
      INTERRUPTED,
    );
    said.push(`run ${row.runId}: its worktree: ${settled.summary}`);
  }
  return said;
}
