// A run whose prompt file grants more than the user confirmed for its job waits, queued, with a
// reason that names the change, until the user reviews and accepts it (or the file goes back).
// The queue asks here before it starts a run, like the budgets (startGate.ts); accepting records
// the grants the user saw and lets the held runs start at once.

import type { PromptGrants } from '../core/model';
import type { GrantChange } from '../core/promptGrants';
import { describePromptRefusal, grantsUsedBy, resolvePromptOptions } from '../core/promptGrants';
import type { Job } from '../core/model';
import type { Tx } from '../storage/database';
import { NotFoundError } from '../storage/errors';
import { readRunPrompt } from './promptText';
import { NOT_STARTED } from './runOutcome';
import type { GateDecision } from './startGate';

/**
 * How often a held run looks at its prompt file again by itself (it may have been changed back).
 * Each look is a write, so not often; VS Code asks at once when it sees the file change
 * (recheckPromptHolds), and accepting releases the run at once.
 */
const RECHECK_MS = 15 * 60_000;

/** The start of the wait reason of a run held for review; the tree and the commands match it. */
export const PROMPT_REVIEW_REASON = "Waiting: the prompt's permissions changed";

/** Whether a run's wait reason is a prompt review (not a budget or smart start). */
export function isPromptReviewWait(waitReason: string | null): boolean {
  return waitReason !== null && waitReason.startsWith(PROMPT_REVIEW_REASON);
}

/** What reviewing a job's prompt shows: the grants its file asks for now and what is new in them. */
export interface PromptReview {
  job: Job;
  /** The grants the job would use from its prompt file now (what accepting confirms). */
  grants: PromptGrants;
  /** What goes beyond what the user confirmed; empty when nothing needs review. */
  changes: GrantChange[];
  /** The file asks for bypassPermissions, which is never taken from a file. */
  bypass: boolean;
}

/**
 * The review of a job's prompt as its file reads now; throws the prompt's problem (a missing file,
 * broken front matter) as PromptUnavailableError.
 */
export function reviewPrompt(tx: Tx, jobId: string): PromptReview {
  const job = tx.jobs.require(jobId);
  const read = readRunPrompt(tx.prompts.require(job.promptId));
  const grants = grantsUsedBy(job.options, read.settings);
  const resolved = resolvePromptOptions(job.options, read.settings);
  return {
    job,
    grants,
    changes: !resolved.ok && resolved.reason === 'review' ? resolved.changes : [],
    bypass: !resolved.ok && resolved.reason === 'bypass',
  };
}

/**
 * Inside the write lock: may `job`'s run start as far as its prompt goes? A file that cannot be
 * read is let through: the executor fails the run with the reason.
 */
export function checkPromptGate(tx: Tx, job: Job, now: Date): GateDecision {
  const prompt = tx.prompts.get(job.promptId);
  if (prompt === undefined) return { start: true };
  let resolved: ReturnType<typeof resolvePromptOptions>;
  try {
    resolved = resolvePromptOptions(job.options, readRunPrompt(prompt).settings);
  } catch {
    return { start: true };
  }
  if (resolved.ok || resolved.reason === 'bypass') return { start: true };
  const reason = describePromptRefusal(resolved).replace(/^the prompt's permissions changed/, '');
  return {
    start: false,
    until: new Date(now.getTime() + RECHECK_MS),
    reason:
      `${PROMPT_REVIEW_REASON}${reason}. Accept them with "Review Prompt Permissions" on the job in ` +
      `VS Code, or night-pilot job edit ${job.id} --accept-prompt.`,
  };
}

/**
 * Inside the write lock: confirms `grants` (what the user reviewed) as the job's prompt grants and
 * lets its runs held for review start now. Returns the job and how many runs were released.
 */
export function acceptPromptGrants(
  tx: Tx,
  jobId: string,
  grants: PromptGrants,
): { job: Job; released: number } {
  if (grants.permissionMode === 'bypassPermissions') {
    throw new Error('bypassPermissions is never taken from a prompt file; set it on the job itself.');
  }
  if (!tx.jobs.get(jobId)) throw new NotFoundError('job', jobId);
  const job = tx.jobs.update(jobId, { options: { promptGrants: grants } });
  let released = 0;
  for (const run of tx.runs.list({ jobId, statuses: ['queued'] })) {
    if (!isPromptReviewWait(run.waitReason)) continue;
    if (tx.runs.transition(run.id, NOT_STARTED, { resumeAt: null, waitReason: null })) released++;
  }
  return { job, released };
}

/** Whether any run waits for a prompt review (a read, to spare a write when none does). */
export function hasPromptHolds(tx: Tx): boolean {
  return tx.runs.list({ statuses: ['queued'] }).some((run) => isPromptReviewWait(run.waitReason));
}

/**
 * Inside the write lock: lets the queue look again now at every run held for a prompt review (a
 * prompt file changed: it may grant no more than confirmed now). A run still needing the review is
 * held again with the same reason. Returns how many runs were let through to the gate.
 */
export function recheckPromptHolds(tx: Tx): number {
  let count = 0;
  for (const run of tx.runs.list({ statuses: ['queued'] })) {
    if (isPromptReviewWait(run.waitReason) && run.resumeAt !== null) {
      if (tx.runs.transition(run.id, NOT_STARTED, { resumeAt: null })) count++;
    }
  }
  return count;
}
