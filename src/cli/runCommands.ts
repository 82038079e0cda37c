// `night-pilot run ...`: the runs of jobs, newest first.

import { RUN_STATUSES } from '../core/model';
import type { RunStatus } from '../core/model';
import type { CommandContext } from './context';
import { integer, oneOf } from './jobOptions';
import { runJson } from './output';
import type { CommandSpec } from './registry';
import { resolveJob } from './resolve';
import { UsageError } from './exitCodes';
import { listToReview } from './runReviewCommands';
import { formatRunTable } from './textOutput';

/** How many runs `run list` prints unless told otherwise. */
export const DEFAULT_RUN_LIMIT = 20;
/** Upper bound on `--limit`: the whole history of a busy database is better read with SQL. */
export const MAX_RUN_LIMIT = 10_000;

function statuses(raw: string): RunStatus[] {
  return raw.split(',').map((part) => oneOf('--status', part.trim(), RUN_STATUSES));
}

const list: CommandSpec = {
  path: ['run', 'list'],
  summary: 'List runs, newest first, with their phases and token usage.',
  options: [
    { name: 'job', value: 'JOB_ID', description: 'Only the runs of this job (id, id prefix or exact name).' },
    {
      name: 'limit',
      value: 'N',
      description: `At most N runs (1-${MAX_RUN_LIMIT}). Default: ${DEFAULT_RUN_LIMIT}.`,
    },
    {
      name: 'status',
      value: 'LIST',
      description: `Only runs in these states (comma-separated): ${RUN_STATUSES.join(', ')}.`,
    },
    {
      name: 'to-review',
      description:
        'Only runs that worked in a git worktree and whose changes wait to be merged or discarded (run diff, run merge, run discard).',
    },
  ],
  examples: [
    'night-pilot run list --job nightly-review --limit 5',
    'night-pilot --json run list --status failed',
    'night-pilot run list --to-review',
  ],
  async run(ctx: CommandContext, args) {
    const limitOption = args.string('limit');
    const limit =
      limitOption === undefined ? DEFAULT_RUN_LIMIT : integer('--limit', limitOption, 1, MAX_RUN_LIMIT);
    const statusOption = args.string('status');
    const wanted = statusOption === undefined ? undefined : statuses(statusOption);
    const jobReference = args.string('job');
    if (args.flag('to-review')) {
      if (statusOption !== undefined)
        throw new UsageError('--to-review and --status cannot be used together');
      const jobId =
        jobReference === undefined
          ? undefined
          : await ctx.store.read((tx) => resolveJob(tx, jobReference, '--job').id);
      await listToReview(ctx, jobId, limit);
      return;
    }
    const { runs, zones } = await ctx.store.read((tx) => {
      const jobId = jobReference === undefined ? undefined : resolveJob(tx, jobReference, '--job').id;
      const jobs = new Map(tx.jobs.list().map((job) => [job.id, job]));
      const found = tx.runs.list({ jobId, statuses: wanted, limit });
      return {
        runs: found.map((run) =>
          runJson(
            run,
            jobs.get(run.jobId)?.name ?? null,
            tx.processes.listByRun(run.id),
            tx.usage.listByRun(run.id),
          ),
        ),
        zones: new Map([...jobs.values()].map((job) => [job.id, job.timezone])),
      };
    });
    ctx.print(runs, () => formatRunTable(runs, (run) => zones.get(run.jobId) ?? 'UTC'));
  },
};

/** The `run` commands, in the order help lists them. */
export const RUN_COMMANDS: readonly CommandSpec[] = [list];
