// `night-pilot job ...`: create, change, inspect, pause, resume and remove jobs.

import { cronWarnings } from '../core/cron';
import { nextRunTimeFor } from '../core/jobValidation';
import { DEFAULT_EXECUTION_OPTIONS } from '../core/model';
import type { Isolation, Job, JobStatus, PromptGrants } from '../core/model';
import { describeGrantChange, hasGrants } from '../core/promptGrants';
import { defaultTimeZone } from '../core/timeZone';
import type { Tx } from '../storage/database';
import { ConstraintError } from '../storage/errors';
import type { JobPatch } from '../storage/jobRepository';
import { setJobPrompt } from '../storage/jobPrompt';
import { deleteJob } from '../scheduler/jobDeletion';
import { acceptPromptGrants, reviewPrompt } from '../scheduler/promptGate';
import { ACTIVE_RUN_STATUSES } from '../storage/runRepository';
import { cancelOptions } from './cliScheduler';
import type { PositionalSpec } from './args';
import type { CommandContext } from './context';
import { CRON_HELP } from './cronHelp';
import { UsageError } from './exitCodes';
import { checkIsolation } from './jobIsolation';
import type { JobFlags } from './jobOptions';
import { EDIT_ONLY_OPTIONS, JOB_OPTIONS, integer, readJobFlags } from './jobOptions';
import { planJobEdit, planNewJob, promptFor } from './jobPlan';
import type { JobJson, RunJson } from './output';
import { jobJson, runJson } from './output';
import type { CommandSpec } from './registry';
import { resolveJob } from './resolve';
import { formatJobDetail, formatJobTable } from './textOutput';
import { errorMessage } from '../core/errorMessage';

export const JOB_ID: PositionalSpec = {
  name: 'ID',
  description: 'The job: its id, a unique id prefix of at least 4 characters, or its exact name.',
};

/** How many recent runs `job show` includes unless told otherwise. */
export const DEFAULT_SHOW_RUNS = 10;

function toJson(tx: Tx, job: Job, withContent = false): JobJson {
  return jobJson(job, tx.prompts.get(job.promptId), withContent);
}

/** The recent runs of `job`, newest first, with their processes and usage. */
export function recentRuns(tx: Tx, job: Job, limit: number): RunJson[] {
  return tx.runs
    .list({ jobId: job.id, limit })
    .map((run) => runJson(run, job.name, tx.processes.listByRun(run.id), tx.usage.listByRun(run.id)));
}

/** A legal expression that is probably not meant (`*\/60` is just minute 0) is said so on stderr. */
function warnAboutCron(ctx: CommandContext, cron: string | undefined): void {
  if (!cron) return;
  for (const warning of cronWarnings(cron)) ctx.note(`warning: --cron: ${warning}`);
}

function printJob(ctx: CommandContext, job: JobJson, headline: string): void {
  ctx.print(job, () => `${headline}\n\n${formatJobDetail(job, null, [], ctx.now())}`);
}

/** ConstraintError from the repository (a parent cycle) is about --parent: say so. */
function parentProblem<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConstraintError) throw new UsageError(`--parent: ${err.message}`);
    throw err;
  }
}

/** Says on stderr what a prompt file named on the command line was trusted with. */
function noteGrants(ctx: CommandContext, grants: PromptGrants | null): void {
  if (grants === null || !hasGrants(grants)) return;
  const parts = [
    grants.permissionMode ? `permissionMode ${grants.permissionMode}` : null,
    grants.allowedTools.length > 0 ? `allowedTools ${grants.allowedTools.join(',')}` : null,
    ...Object.keys(grants.env).map((name) => `env ${name}`),
  ].filter(Boolean);
  ctx.note(
    `the prompt file grants ${parts.join('; ')}: confirmed for this job (a later change to them waits for review)`,
  );
}

/** `--accept-prompt`: confirms what the job's prompt file grants now and releases held runs. */
function acceptPrompt(tx: Tx, jobId: string): { job: Job; note: string } {
  let review: ReturnType<typeof reviewPrompt>;
  try {
    review = reviewPrompt(tx, jobId);
  } catch (err) {
    throw new UsageError(`--accept-prompt: ${errorMessage(err).replace(/\.$/, '')}`);
  }
  if (review.bypass) {
    throw new UsageError(
      '--accept-prompt: the prompt file asks for permissionMode bypassPermissions, which Night Pilot never takes from a file',
    );
  }
  const { job, released } = acceptPromptGrants(tx, jobId, review.grants);
  const note =
    review.changes.length > 0
      ? `accepted the prompt's ${review.changes.map(describeGrantChange).join('; ')}${released > 0 ? `; ${released} held run(s) start now` : ''}`
      : "the prompt's permissions needed no review";
  return { job, note };
}

/** The isolation a `--prompt-file` asks for in its front matter, if one is given. */
function promptFileIsolation(flags: JobFlags): Isolation | undefined {
  return flags.prompt?.kind === 'file' ? flags.prompt.file.settings.isolation : undefined;
}

const add: CommandSpec = {
  path: ['job', 'add'],
  summary: 'Create a job and print it.',
  usage: '--name NAME (--prompt TEXT | --prompt-file FILE) (--cron EXPR | --parent JOB_ID) [options]',
  description:
    'A job needs a name, a prompt (--prompt or --prompt-file) and a schedule: --cron, or --parent for a job ' +
    "that fires each time its parent succeeds. The first fire time is computed in --tz (default: this machine's zone).\n\n" +
    CRON_HELP,
  options: JOB_OPTIONS,
  examples: [
    "night-pilot job add --name nightly-review --prompt-file prompts/review.md --cron '0 2 * * *' --tz Europe/Berlin",
    "night-pilot job add --name tests --prompt 'Run the tests and fix failures' --cron '30 3 * * 1-5' --cwd ~/src/app --retries 2",
    'night-pilot job add --name report --prompt "Summarise the review" --parent nightly-review',
  ],
  async run(ctx, args) {
    const flags = readJobFlags(args, 'add', ctx.io.cwd);
    const plan = planNewJob(flags, ctx.now(), defaultTimeZone());
    warnAboutCron(ctx, flags.cron);
    await checkIsolation(
      ctx,
      { ...DEFAULT_EXECUTION_OPTIONS, ...plan.job.options },
      promptFileIsolation(flags),
    );
    const created = await ctx.store.write((tx) => {
      const parentJobId = plan.parentRef === null ? null : resolveJob(tx, plan.parentRef, '--parent').id;
      const prompt = tx.prompts.insert(plan.prompt);
      const job = parentProblem(() => tx.jobs.insert({ ...plan.job, promptId: prompt.id, parentJobId }));
      return toJson(tx, job);
    });
    noteGrants(ctx, created.options.promptGrants);
    printJob(ctx, created, `Created job "${created.name}" (${created.id}).`);
  },
};

const edit: CommandSpec = {
  path: ['job', 'edit'],
  summary: 'Change the given settings of a job and print it.',
  usage: 'ID [options]',
  description:
    'Only the options given change; the result is checked like a new job. Changing --cron, --tz or --once ' +
    'recomputes the next fire time from now. An empty value clears an optional setting (e.g. --model "" or ' +
    '--parent ""); --cron "" removes the schedule of a job that has a parent, making it triggered. A new prompt ' +
    "replaces the job's own prompt; a prompt shared with other jobs is left to them and the job gets a copy.\n\n" +
    CRON_HELP,
  positionals: [JOB_ID],
  options: [...JOB_OPTIONS, ...EDIT_ONLY_OPTIONS],
  examples: [
    "night-pilot job edit nightly-review --cron '0 3 * * *' --priority 2",
    'night-pilot job edit 3f2a --model ""',
  ],
  async run(ctx, args) {
    const reference = args.positionals[0]!;
    const flags = readJobFlags(args, 'edit', ctx.io.cwd);
    warnAboutCron(ctx, flags.cron);
    const o = flags.options;
    if ('isolation' in o || 'baseBranch' in o || 'workingDirectory' in o || flags.prompt?.kind === 'file') {
      const current = await ctx.store.read((tx) => resolveJob(tx, reference).options);
      await checkIsolation(ctx, { ...current, ...o }, promptFileIsolation(flags));
    }
    const now = ctx.now();
    let accepted: string | undefined;
    const updated = await ctx.store.write((tx) => {
      const job = resolveJob(tx, reference);
      const parentJobId =
        flags.parent === undefined
          ? undefined
          : flags.parent === null
            ? null
            : resolveJob(tx, flags.parent, '--parent').id;
      const patch: JobPatch = planJobEdit(flags, job, parentJobId, now);
      if (flags.prompt !== undefined) {
        const promptId = setJobPrompt(tx, job.id, promptFor(flags.prompt, patch.name ?? job.name));
        if (promptId !== job.promptId) patch.promptId = promptId;
      }
      let result = parentProblem(() => tx.jobs.update(job.id, patch));
      // The note is said once the write is saved (a write may run again after a fence).
      accepted = undefined;
      if (flags.acceptPrompt) ({ job: result, note: accepted } = acceptPrompt(tx, result.id));
      return toJson(tx, result);
    });
    if (accepted !== undefined) ctx.note(accepted);
    noteGrants(ctx, flags.prompt === undefined ? null : updated.options.promptGrants);
    printJob(ctx, updated, `Updated job "${updated.name}".`);
  },
};

const list: CommandSpec = {
  path: ['job', 'list'],
  summary: 'List all jobs with their schedule and next fire time.',
  async run(ctx) {
    const jobs = await ctx.store.read((tx) => tx.jobs.list().map((job) => toJson(tx, job)));
    ctx.print(jobs, () => formatJobTable(jobs, ctx.now()));
  },
};

const show: CommandSpec = {
  path: ['job', 'show'],
  summary: 'Show a job, its prompt and its recent runs (with phases and usage).',
  positionals: [JOB_ID],
  options: [
    {
      name: 'runs',
      value: 'N',
      description: `How many recent runs to include (0-1000). Default: ${DEFAULT_SHOW_RUNS}.`,
    },
  ],
  async run(ctx, args) {
    const reference = args.positionals[0]!;
    const runsOption = args.string('runs');
    const limit = runsOption === undefined ? DEFAULT_SHOW_RUNS : integer('--runs', runsOption, 0, 1000);
    const detail = await ctx.store.read((tx) => {
      const job = resolveJob(tx, reference);
      const parent = job.parentJobId === null ? undefined : tx.jobs.get(job.parentJobId);
      return {
        ...toJson(tx, job, true),
        parentName: parent?.name ?? null,
        children: tx.jobs.children(job.id).map((child) => ({ id: child.id, name: child.name })),
        runs: limit === 0 ? [] : recentRuns(tx, job, limit),
      };
    });
    ctx.print(detail, () => formatJobDetail(detail, detail.parentName, detail.runs, ctx.now()));
  },
};

/**
 * Pausing a paused job (or resuming an active one) is not an error: says so, prints the job as it
 * is and returns true, so the command changes nothing.
 */
async function alreadyIn(ctx: CommandContext, reference: string, status: JobStatus): Promise<boolean> {
  const current = await ctx.store.read((tx) => toJson(tx, resolveJob(tx, reference)));
  if (current.status !== status) return false;
  ctx.note(`job "${current.name}" is already ${status}`);
  printJob(ctx, current, `Job "${current.name}" is ${status}.`);
  return true;
}

const pause: CommandSpec = {
  path: ['job', 'pause'],
  summary: 'Stop a job from firing until it is resumed.',
  positionals: [JOB_ID],
  async run(ctx, args) {
    const reference = args.positionals[0]!;
    if (await alreadyIn(ctx, reference, 'paused')) return;
    const job = await ctx.store.write((tx) => {
      const found = resolveJob(tx, reference);
      return toJson(tx, tx.jobs.update(found.id, { status: 'paused' }));
    });
    printJob(ctx, job, `Paused job "${job.name}".`);
  },
};

const resume: CommandSpec = {
  path: ['job', 'resume'],
  summary: 'Make a paused (or completed, or failed) job active again, from its next fire time after now.',
  description:
    'Fires missed while the job was paused are not caught up: the next fire time is computed from now.',
  positionals: [JOB_ID],
  async run(ctx, args) {
    const reference = args.positionals[0]!;
    const now = ctx.now();
    if (await alreadyIn(ctx, reference, 'active')) return;
    const job = await ctx.store.write((tx) => {
      const found = resolveJob(tx, reference);
      return toJson(tx, tx.jobs.update(found.id, { status: 'active', nextRunTime: nextRunFrom(found, now) }));
    });
    if (job.cronExpression === '' && job.parentJobId === null) {
      ctx.note(
        `job "${job.name}" has neither a cron expression nor a parent, so it never fires; add one with "job edit --cron"`,
      );
    }
    printJob(ctx, job, `Resumed job "${job.name}".`);
  },
};

function nextRunFrom(job: Job, now: Date): string | null {
  try {
    return nextRunTimeFor(job, now);
  } catch (err) {
    throw new UsageError(
      `job "${job.name}" cannot be scheduled: ${errorMessage(err)}; fix it with "night-pilot job edit ${job.id} --cron EXPR"`,
    );
  }
}

const remove: CommandSpec = {
  path: ['job', 'remove'],
  summary: 'Delete a job with its runs, processes and logs (and its prompt, when no other job uses it).',
  description:
    'Usage records keep their tokens and cost. Child jobs are kept and lose their parent. A job with unfinished ' +
    'runs (queued, running, waiting for a usage limit) is only removed with --force, which cancels them first: ' +
    'a running one is stopped by the process running it (Claude stopped, cleanup phase run), and the command ' +
    "waits for that before it deletes anything. The job's log folder is removed with it.",
  positionals: [JOB_ID],
  options: [{ name: 'force', description: 'Cancel the unfinished runs of the job first, then remove it.' }],
  async run(ctx, args) {
    const reference = args.positionals[0]!;
    const force = args.flag('force');
    const { job, unfinished } = await ctx.store.read((tx) => {
      const found = resolveJob(tx, reference);
      return { job: found, unfinished: tx.runs.list({ jobId: found.id, statuses: ACTIVE_RUN_STATUSES }) };
    });
    if (unfinished.length > 0 && !force) {
      const states = [...new Set(unfinished.map((run) => run.status))].join(', ');
      throw new UsageError(
        `job "${job.name}" has ${unfinished.length} unfinished run(s) (${states}); wait for them or add --force ` +
          '(which cancels them first)',
      );
    }
    const before = await ctx.store.read((tx) => toJson(tx, job));
    const db = await ctx.store.open();
    const result = await deleteJob(db, job.id, {
      ...cancelOptions(ctx),
      onWaiting: (runs) =>
        ctx.note(
          `waiting for ${runs.length} cancelled run(s) of "${job.name}" to stop (${runs
            .map((run) => `${run.id.slice(0, 8)} ${run.status}${run.owner ? ` in ${run.owner}` : ''}`)
            .join(', ')}); their cleanup phases run first`,
        ),
    });
    for (const child of result.detachedChildren) {
      ctx.note(`job "${child.name}" (${child.id}) no longer has a parent`);
    }
    const output = {
      job: before,
      runsRemoved: result.runsRemoved,
      runsCancelled: result.runsCancelled,
      promptRemoved: result.promptRemoved,
      logsRemoved: result.logsRemoved,
      detachedChildren: result.detachedChildren,
    };
    ctx.print(output, () => {
      const extra = [`${output.runsRemoved} run(s)`, output.promptRemoved ? 'its prompt' : null]
        .filter(Boolean)
        .join(' and ');
      const cancelled =
        output.runsCancelled > 0 ? ` (${output.runsCancelled} unfinished run(s) cancelled first)` : '';
      return `Removed job "${output.job.name}" (${output.job.id}) with ${extra}${cancelled}.`;
    });
  },
};

/** The `job` commands, in the order help lists them. */
export const JOB_COMMANDS: readonly CommandSpec[] = [add, edit, list, show, pause, resume, remove];
