// Import Jobs, inside one write: every job of a checked jobs file (core/jobTransfer.ts) with its
// prompt, parents linked, next fires computed from now. Any problem throws, and the transaction
// leaves the database as it was: an import is all or nothing.

import crypto from 'node:crypto';
import type { TransferJob } from '../core/jobTransfer';
import { planJobSchedule } from '../core/jobValidation';
import type { Job } from '../core/model';
import type { Tx } from './database';
import { ConstraintError } from './errors';

/** What to do with a job of the file whose id is already in the database. */
export type ExistingJobs = 'skip' | 'copy';

export interface ImportResult {
  created: Job[];
  /** Jobs of the file left out because a job with their id is already here (`skip`). */
  skipped: TransferJob[];
}

/** Thrown when the file cannot be imported into this database; nothing was written. */
export class ImportError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ImportError';
  }
}

/** The ids of the file's jobs that are already in the database. */
export function existingJobIds(tx: Tx, jobs: readonly TransferJob[]): string[] {
  return jobs.filter((job) => tx.jobs.get(job.id) !== undefined).map((job) => job.id);
}

/** Inside the write lock: imports `jobs` (checked by parseJobsFile) or throws ImportError. */
export function importJobs(
  tx: Tx,
  jobs: readonly TransferJob[],
  now: Date,
  existing: ExistingJobs,
): ImportResult {
  const here = new Set(existingJobIds(tx, jobs));
  const toCreate = existing === 'skip' ? jobs.filter((job) => !here.has(job.id)) : jobs;
  const skipped = existing === 'skip' ? jobs.filter((job) => here.has(job.id)) : [];
  // A job of the file gets its id back when it is free; a copy of one already here gets a new one.
  const ids = new Map<string, string>();
  for (const job of toCreate) ids.set(job.id, here.has(job.id) ? crypto.randomUUID() : job.id);
  const inFile = new Set(jobs.map((job) => job.id));
  const problems: string[] = [];
  const parentOf = (job: TransferJob): string | null => {
    if (job.parentJobId === null) return null;
    const mapped = ids.get(job.parentJobId);
    if (mapped !== undefined) return mapped;
    // A parent skipped because it is already here, or one only the database has.
    if (here.has(job.parentJobId) || (!inFile.has(job.parentJobId) && tx.jobs.get(job.parentJobId)))
      return job.parentJobId;
    problems.push(
      `"${job.name}": its parent job ${job.parentJobId} is neither in the file nor in this database`,
    );
    return null;
  };
  const planned = toCreate.map((job) => {
    const parentJobId = parentOf(job);
    const plan = planJobSchedule(
      {
        cronExpression: job.cronExpression,
        timezone: job.timezone,
        once: job.jobType === 'one_time',
        hasParent: parentJobId !== null,
      },
      now,
    );
    if (!plan.ok) {
      problems.push(
        `"${job.name}": ${plan.problem === 'cron' ? plan.detail : plan.problem === 'neverFires' ? `"${job.cronExpression}" never fires again` : 'it has neither a cron expression nor a parent'}`,
      );
    }
    return { job, parentJobId, nextRunTime: plan.ok && job.status === 'active' ? plan.nextRunTime : null };
  });
  if (problems.length > 0) throw new ImportError(problems);

  // Parents first, so every child's parent exists when it is inserted.
  const order = [...planned].sort((a, b) => depth(a.job, jobs) - depth(b.job, jobs));
  const created: Job[] = [];
  for (const { job, parentJobId, nextRunTime } of order) {
    const prompt = tx.prompts.insert({
      title: job.prompt.title,
      content: job.prompt.content,
      filePath: job.prompt.filePath,
    });
    try {
      created.push(
        tx.jobs.insert({
          id: ids.get(job.id)!,
          name: job.name,
          promptId: prompt.id,
          cronExpression: job.cronExpression.trim(),
          timezone: job.timezone,
          status: job.status,
          jobType: job.jobType,
          priority: job.priority,
          parentJobId,
          options: job.options,
          retry: job.retry,
          missedRunPolicy: job.missedRunPolicy,
          nextRunTime,
        }),
      );
    } catch (err) {
      if (err instanceof ConstraintError) throw new ImportError([`"${job.name}": ${err.message}`]);
      throw err;
    }
  }
  return { created, skipped };
}

/** How many parents up a job is in the file (0 for a top-level one). */
function depth(job: TransferJob, jobs: readonly TransferJob[]): number {
  let n = 0;
  for (let p = job.parentJobId; p !== null && n <= jobs.length; n++)
    p = jobs.find((j) => j.id === p)?.parentJobId ?? null;
  return n;
}
