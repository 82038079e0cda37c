// Deleting a job is a lifecycle change like any other: its unfinished runs are cancelled first
// (a running one stops Claude and runs its cleanup phase, in whichever process runs it), and only
// then are the job, its runs and its log folder removed. The CLI's `job remove --force` and the
// extension's Delete Job share this.

import fs from 'node:fs';
import type { Job, Run } from '../core/model';
import type { NightPilotDatabase } from '../storage/database';
import { jobLogDirectory } from '../storage/paths';
import { ACTIVE_RUN_STATUSES } from '../storage/runRepository';
import type { CancelOptions } from './runCancel';
import { cancelRun } from './runCancel';

/** How often deletion looks whether the cancelled runs have ended. */
const WAIT_POLL_MS = 250;

export interface DeleteJobOptions extends CancelOptions {
  /** Told which runs are being cancelled, each time the set changes. */
  onWaiting?: (runs: Run[]) => void;
  /** Aborting stops waiting (the job stays paused, its runs cancelled) and rejects. */
  signal?: AbortSignal;
}

export interface DeleteJobResult {
  job: Job;
  /** Runs removed with the job (after the unfinished ones were cancelled). */
  runsRemoved: number;
  /** The unfinished runs that were cancelled first. */
  runsCancelled: number;
  promptRemoved: boolean;
  detachedChildren: Array<{ id: string; name: string }>;
  /** Whether the job's log folder was removed. */
  logsRemoved: boolean;
}

/**
 * Deletes a job after cancelling its unfinished runs and waiting for them to end. The job is
 * paused first, so no new fire is claimed meanwhile. Usage records keep their tokens and cost;
 * child jobs lose their parent; the prompt goes when no other job uses it.
 */
export async function deleteJob(
  db: NightPilotDatabase,
  jobId: string,
  options: DeleteJobOptions,
): Promise<DeleteJobResult> {
  await db.write((tx) => {
    const job = tx.jobs.require(jobId);
    if (job.status === 'active') tx.jobs.update(jobId, { status: 'paused' });
  });
  const cancelled = new Set<string>();
  let waitingFor = '';
  for (;;) {
    const unfinished = db.read((tx) => tx.runs.list({ jobId, statuses: ACTIVE_RUN_STATUSES }));
    if (unfinished.length === 0) {
      const removed = await db.write((tx) => {
        // A manual run may have been queued in between: then go round again.
        if (tx.runs.list({ jobId, statuses: ACTIVE_RUN_STATUSES, limit: 1 }).length > 0) return null;
        const job = tx.jobs.require(jobId);
        const runsRemoved = tx.runs.list({ jobId }).length;
        const detachedChildren = tx.jobs.children(jobId).map((child) => ({ id: child.id, name: child.name }));
        tx.jobs.remove(jobId);
        const promptRemoved = tx.prompts.removeIfUnused(job.promptId);
        return { job, runsRemoved, promptRemoved, detachedChildren };
      });
      if (removed === null) continue;
      return { ...removed, runsCancelled: cancelled.size, logsRemoved: removeJobLogs(db.path, jobId) };
    }
    for (const run of unfinished) {
      // Asked once per run; asked again only if its owner died meanwhile (cancelRun handles it).
      await cancelRun(db, run.id, options);
      cancelled.add(run.id);
    }
    const still = db.read((tx) => tx.runs.list({ jobId, statuses: ACTIVE_RUN_STATUSES }));
    const key = still.map((r) => `${r.id}:${r.status}`).join(',');
    if (still.length > 0 && key !== waitingFor) options.onWaiting?.(still);
    waitingFor = key;
    if (options.signal?.aborted)
      throw new Error("Stopped waiting for the job's runs to end; the job is paused.");
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

/** Removes `logs/<job id>` beside the database; returns whether there was one. */
export function removeJobLogs(databasePath: string, jobId: string): boolean {
  const dir = jobLogDirectory(databasePath, jobId);
  if (!fs.existsSync(dir)) return false;
  fs.rmSync(dir, { recursive: true, force: true });
  return true;
}
