// `night-pilot job dump` and `job import`: the jobs file of VS Code's Export Jobs / Import Jobs
// (core/jobTransfer.ts), for scripts and for machines without VS Code.

import fs from 'node:fs';
import path from 'node:path';
import type { Prompt } from '../core/model';
import { MAX_JOBS_FILE_BYTES, jobsFile, readJobsFileText } from '../core/jobTransfer';
import { ImportError, importJobs } from '../storage/jobImport';
import { UsageError } from './exitCodes';
import { jobJson } from './output';
import type { CommandSpec } from './registry';
import { resolveJob } from './resolve';
import { errorMessage } from '../core/errorMessage';

const dump: CommandSpec = {
  path: ['job', 'dump'],
  summary: 'Print the jobs file (every job, or the ones given) that job import reads.',
  usage: '[ID...] [--out FILE]',
  description:
    "The same JSON file as VS Code's Export Jobs: each job's schedule, prompt (its text and file path), " +
    'options, retries and parent; no runs or counters. A parent left out is left out of the link too.',
  positionals: [
    {
      name: 'ID',
      optional: true,
      variadic: true,
      description: 'The jobs to write; every job when none is given.',
    },
  ],
  options: [{ name: 'out', value: 'FILE', description: 'Write the file here instead of to stdout.' }],
  examples: [
    'night-pilot job dump --out jobs.json',
    'night-pilot job dump nightly-review report > two-jobs.json',
  ],
  async run(ctx, args) {
    const out = args.string('out');
    if (out !== undefined && out.trim() === '') throw new UsageError('--out: the file name is empty');
    const file = await ctx.store.read((tx) => {
      const jobs =
        args.positionals.length === 0 ? tx.jobs.list() : args.positionals.map((ref) => resolveJob(tx, ref));
      const prompts = new Map(tx.prompts.list().map((p): [string, Prompt] => [p.id, p]));
      return jobsFile(jobs, prompts, ctx.now());
    });
    const text = `${JSON.stringify(file, null, 2)}\n`;
    if (out === undefined) {
      ctx.io.stdout(text);
      return;
    }
    const target = path.resolve(ctx.io.cwd, out);
    fs.writeFileSync(target, text);
    ctx.note(`wrote ${file.jobs.length} job(s) to ${target}`);
  },
};

const importCommand: CommandSpec = {
  path: ['job', 'import'],
  summary: 'Import the jobs of a jobs file (job dump, VS Code Export Jobs): all of them, or none.',
  usage: 'FILE [--copies] [--allow-bypass]',
  description:
    'The whole file is checked first; a bad file is refused with every reason (exit 2) and nothing changes. ' +
    'Jobs keep their ids; a job whose id is already in the database is skipped, or imported again with a new ' +
    'id with --copies. Next fire times are computed from now. Jobs with permission mode bypassPermissions ' +
    'are only imported with --allow-bypass.',
  positionals: [{ name: 'FILE', description: 'The jobs file.' }],
  options: [
    { name: 'copies', description: 'Import the jobs already here again, as copies with new ids.' },
    { name: 'allow-bypass', description: 'Import jobs that run Claude with bypassPermissions.' },
  ],
  examples: ['night-pilot job import jobs.json', 'night-pilot job import jobs.json --copies'],
  async run(ctx, args) {
    const source = path.resolve(ctx.io.cwd, args.positionals[0]!);
    const refuse = (reasons: readonly string[]): never => {
      throw new UsageError(
        `${source} was not imported (nothing changed):\n${reasons.map((r) => `  - ${r}`).join('\n')}`,
      );
    };
    let text: string;
    try {
      const { size } = fs.statSync(source);
      if (size > MAX_JOBS_FILE_BYTES) refuse([`the file is ${size} bytes, more than a jobs file can be`]);
      text = fs.readFileSync(source, 'utf8');
    } catch (err) {
      if (err instanceof UsageError) throw err;
      return refuse([errorMessage(err)]);
    }
    const parsed = readJobsFileText(text);
    if (!parsed.ok) return refuse(parsed.problems);
    const bypass = parsed.jobs.filter((job) => job.options.permissionMode === 'bypassPermissions');
    if (bypass.length > 0 && !args.flag('allow-bypass')) {
      refuse([
        `${bypass.map((job) => `"${job.name}"`).join(', ')} run Claude with bypassPermissions; add --allow-bypass to import them`,
      ]);
    }
    const result = await ctx.store
      .write((tx) => {
        const imported = importJobs(tx, parsed.jobs, ctx.now(), args.flag('copies') ? 'copy' : 'skip');
        return {
          created: imported.created.map((job) => jobJson(job, tx.prompts.get(job.promptId))),
          skipped: imported.skipped.map((job) => ({ id: job.id, name: job.name })),
        };
      })
      .catch((err: unknown) => (err instanceof ImportError ? refuse(err.problems) : Promise.reject(err)));
    ctx.print(result, () =>
      [
        `Imported ${result.created.length} job(s) from ${source}.`,
        ...result.created.map((job) => `  ${job.id}  ${job.name}`),
        ...(result.skipped.length > 0
          ? [
              `Skipped ${result.skipped.length} already here (--copies imports them again):`,
              ...result.skipped.map((job) => `  ${job.id}  ${job.name}`),
            ]
          : []),
      ].join('\n'),
    );
  },
};

/** `job dump` and `job import`, in the order help lists them. */
export const JOB_TRANSFER_COMMANDS: readonly CommandSpec[] = [dump, importCommand];
