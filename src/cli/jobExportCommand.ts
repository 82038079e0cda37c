// `night-pilot job export JOB --to github-actions [--out FILE]`: writes the job as a GitHub Actions
// workflow in its repository and says what is left to do.

import { exportJobToFile, nextSteps } from '../githubActions/repositoryExport';
import { CliError, ExitCode, UsageError } from './exitCodes';
import { JOB_ID } from './jobCommands';
import type { CommandSpec } from './registry';
import { resolveJob } from './resolve';
import { errorMessage } from '../core/errorMessage';

const TARGETS = ['github-actions'] as const;

function budget(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 10_000) {
    throw new UsageError(
      `--max-budget-usd: ${JSON.stringify(raw)} is not an amount of dollars above 0 (e.g. 5 or 2.50)`,
    );
  }
  return value;
}

export const jobExportCommand: CommandSpec = {
  path: ['job', 'export'],
  summary: 'Write a job as a GitHub Actions workflow in its repository.',
  usage: 'ID --to github-actions [--out FILE] [--max-budget-usd USD] [--force]',
  description:
    "The workflow runs the job's prompt file from the repository on GitHub's runners at the job's local times " +
    '(UTC schedules for every offset of its zone, and a guard that keeps one run per local fire), with the ' +
    "pinned Claude Code CLI and the job's options, its setup, validation and cleanup commands, and opens a pull " +
    'request from a night-pilot/<job>/<YYYYMMDD-HHMM> branch when Claude changed something. A job that cannot be ' +
    'mapped faithfully (seconds, fires under 5 minutes apart, a prompt that is not a file in the repository, ' +
    'a secret-looking value in its commands) is refused with the reasons, and nothing is written.',
  positionals: [JOB_ID],
  options: [
    { name: 'to', value: 'TARGET', description: 'Where to export: github-actions. Required.' },
    {
      name: 'out',
      value: 'FILE',
      description:
        "The file to write. Default: .github/workflows/night-pilot-<job>.yml in the job's repository.",
    },
    {
      name: 'max-budget-usd',
      value: 'USD',
      description: "Stop Claude when a run has cost this much (Claude Code's --max-budget-usd).",
    },
    { name: 'force', description: 'Overwrite FILE even if Night Pilot did not write it.' },
  ],
  examples: [
    'night-pilot job export nightly-review --to github-actions',
    'night-pilot job export 3f2a --to github-actions --out ci/nightly.yml --max-budget-usd 5',
  ],
  async run(ctx, args) {
    const reference = args.positionals[0]!;
    const to = args.string('to');
    if (to === undefined) throw new UsageError('missing --to: the only target is --to github-actions');
    if (!(TARGETS as readonly string[]).includes(to)) {
      throw new UsageError(`--to: "${to}" is not a target; use --to github-actions`);
    }
    const maxBudgetUsd = budget(args.string('max-budget-usd'));
    const out = args.string('out');
    if (out !== undefined && out.trim() === '') throw new UsageError('--out: the file name is empty');
    const { job, prompt } = await ctx.store.read((tx) => {
      const found = resolveJob(tx, reference);
      return { job: found, prompt: tx.prompts.get(found.promptId) };
    });
    let result: ReturnType<typeof exportJobToFile>;
    try {
      result = exportJobToFile(job, prompt, {
        out,
        cwd: ctx.io.cwd,
        now: ctx.now(),
        maxBudgetUsd,
        force: args.flag('force'),
      });
    } catch (err) {
      throw new CliError(`the workflow could not be written: ${errorMessage(err)}`, ExitCode.failure);
    }
    if (!result.ok) {
      throw new UsageError(
        `job "${job.name}" cannot be exported to GitHub Actions:\n${result.reasons.map((r) => `  - ${r}`).join('\n')}`,
      );
    }
    const { written } = result;
    const steps = nextSteps(written);
    ctx.print({ ...written, nextSteps: steps }, () =>
      [
        `Wrote ${written.file} for job "${job.name}".`,
        ...(written.notes.length > 0 ? ['', 'Notes:', ...written.notes.map((n) => `  - ${n}`)] : []),
        '',
        'What is left to do:',
        ...steps.map((step, i) => `  ${i + 1}. ${step}`),
      ].join('\n'),
    );
  },
};
