// Shared by the GitHub Actions export tests: a job as the database holds it, and the exported
// workflow's guard script, loaded from the YAML text and run as GitHub's runner would run it.
import vm from 'node:vm';
import { parse } from 'yaml';
import { DEFAULT_EXECUTION_OPTIONS, DEFAULT_RETRY } from '../../src/core/model';
import type { ExecutionOptions, Job } from '../../src/core/model';

export function testJob(
  overrides: Partial<Omit<Job, 'options'>> & { options?: Partial<ExecutionOptions> } = {},
): Job {
  const { options, ...rest } = overrides;
  return {
    id: '3f2a9c1e-5b7d-4c2a-9e61-0d8f3b2a7c45',
    name: 'Nightly review',
    promptId: '9b1c2d3e-0000-4000-8000-000000000000',
    cronExpression: '0 2 * * *',
    timezone: 'Europe/Berlin',
    status: 'active',
    jobType: 'scheduled',
    priority: 5,
    parentJobId: null,
    options: { ...DEFAULT_EXECUTION_OPTIONS, ...options },
    retry: DEFAULT_RETRY,
    missedRunPolicy: 'run_once',
    executionCount: 0,
    failureCount: 0,
    lastRunTime: null,
    nextRunTime: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...rest,
  };
}

export interface GuardDecision {
  run: boolean;
  at: number;
  why?: string;
  warning?: string;
}

export interface LoadedWorkflow {
  // The parsed YAML, as loosely typed as the file itself.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  doc: any;
  crons: string[];
  guardSource: string;
  decide(event: string, schedule: string, now: number): GuardDecision;
}

/** Parses a generated workflow and compiles its guard step's script (the text of `run:`, unchanged). */
export function loadWorkflow(yamlText: string): LoadedWorkflow {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc = parse(yamlText) as any;
  const guardSource = doc.jobs.guard.steps[0].run as string;
  // The CommonJS wrapper node itself puts around a script file; `module` is not require.main, so
  // the script defines its functions without running main().
  const factory = vm.runInNewContext(
    `(function (require, module) {\n${guardSource}\nreturn { decide };\n})`,
    {
      console,
    },
  ) as (req: NodeRequire, mod: object) => { decide: LoadedWorkflow['decide'] };
  const { decide } = factory(require, {});
  const crons = (doc.on.schedule as { cron: string }[]).map((s) => s.cron);
  return { doc, crons, guardSource, decide };
}
