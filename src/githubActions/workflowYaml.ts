// The exported workflow as YAML: a guard job that keeps one run per local fire, then the run job
// (checkout, the pinned Claude Code CLI, setup, Claude, validation, cleanup, a branch and a pull
// request). Every value from the job is escaped for GitHub's `${{ }}` expressions.

import { Document, Scalar } from 'yaml';
import type { UtcSchedule } from './utcSchedule';
import { PULL_REQUEST_SCRIPT, claudeScript } from './workflowSteps';

/** Everything the workflow file is made of, already checked and mapped. */
export interface WorkflowSpec {
  jobName: string;
  slug: string;
  cron: string;
  zone: string;
  schedules: readonly UtcSchedule[];
  /** One comment per schedule, e.g. `02:00 Europe/Berlin at UTC+1 and UTC+2`. */
  scheduleComments: readonly string[];
  guardScript: string;
  skipWhileRunning: boolean;
  claudeVersion: string;
  nodeVersion: string;
  claudeArgs: readonly string[];
  promptPath: string;
  /** Relative to the repository root; '' for the root. */
  workingDirectory: string;
  env: Record<string, string>;
  secretEnv: readonly string[];
  timeoutMinutes: number | null;
  cleanupTimeoutMinutes: number;
  setupCommand: string | null;
  validationCommand: string | null;
  cleanupCommand: string | null;
  header: readonly string[];
}

/** A literal `${{` in a value, written so GitHub does not read it as the start of an expression. */
export function escapeExpressions(value: string): string {
  return value.replace(/\$\{\{/g, "${{ '${{' }}");
}

const AUTH_ENV = {
  ANTHROPIC_API_KEY: '${{ secrets.ANTHROPIC_API_KEY }}',
  CLAUDE_CODE_OAUTH_TOKEN: '${{ secrets.CLAUDE_CODE_OAUTH_TOKEN }}',
};

type Step = Record<string, unknown>;

function commandStep(
  name: string,
  id: string,
  command: string,
  timeoutMinutes: number | null,
  extra: Step = {},
): Step {
  // `sh` like the local executor (a shell command line, not a bash script with -e).
  return {
    name,
    id,
    ...extra,
    shell: 'sh {0}',
    ...(timeoutMinutes === null ? {} : { 'timeout-minutes': timeoutMinutes }),
    run: escapeExpressions(command),
  };
}

/** The workflow file's text. */
export function workflowYaml(spec: WorkflowSpec): string {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.env)) env[key] = escapeExpressions(value);
  for (const key of spec.secretEnv) env[key] = `\${{ secrets.${key} }}`;
  const timeout = spec.timeoutMinutes;
  const steps: Step[] = [
    { name: 'Check out the repository', uses: 'actions/checkout@v4' },
    {
      name: `Set up Node.js ${spec.nodeVersion}`,
      uses: 'actions/setup-node@v4',
      with: { 'node-version': spec.nodeVersion },
    },
    {
      name: `Install Claude Code ${spec.claudeVersion}`,
      run: `npm install --global @anthropic-ai/claude-code@${spec.claudeVersion}`,
    },
  ];
  if (spec.setupCommand !== null) steps.push(commandStep('Setup', 'setup', spec.setupCommand, timeout));
  steps.push({
    name: 'Claude',
    id: 'claude',
    shell: 'bash',
    ...(timeout === null ? {} : { 'timeout-minutes': timeout }),
    env: { ...AUTH_ENV, NIGHT_PILOT_PROMPT: escapeExpressions(spec.promptPath) },
    run: escapeExpressions(claudeScript(spec.claudeArgs)),
  });
  if (spec.validationCommand !== null) {
    steps.push(commandStep('Validation', 'validation', spec.validationCommand, timeout));
  }
  if (spec.cleanupCommand !== null) {
    // As on the machine, cleanup always runs, and its failure does not change the run's result.
    steps.push(
      commandStep('Cleanup', 'cleanup', spec.cleanupCommand, spec.cleanupTimeoutMinutes, {
        if: 'always()',
        'continue-on-error': true,
      }),
    );
  }
  steps.push(
    {
      name: "Keep Claude's output",
      if: "always() && steps.claude.outcome != 'skipped'",
      uses: 'actions/upload-artifact@v4',
      with: {
        name: `night-pilot-${spec.slug}-\${{ github.run_id }}`,
        path: '${{ runner.temp }}/night-pilot/',
        'if-no-files-found': 'ignore',
      },
    },
    {
      name: 'Commit to a branch and open a pull request',
      if: "!cancelled() && steps.claude.outcome == 'success'",
      shell: 'bash',
      'working-directory': '${{ github.workspace }}',
      env: {
        GH_TOKEN: '${{ github.token }}',
        NIGHT_PILOT_JOB: escapeExpressions(spec.jobName),
        NIGHT_PILOT_BRANCH: '${{ needs.guard.outputs.branch }}',
        NIGHT_PILOT_LOCAL: '${{ needs.guard.outputs.local }}',
        NIGHT_PILOT_BASE: '${{ github.ref_name }}',
        NIGHT_PILOT_RUN_OK: "${{ job.status == 'success' }}",
      },
      run: PULL_REQUEST_SCRIPT,
    },
  );

  const workflow = {
    // The workflow's name allows no expression at all, not even a quoted `${{`.
    name: `Night Pilot: ${spec.jobName.replace(/\$\{\{/g, '${ {')}`,
    on: { schedule: spec.schedules.map((s) => ({ cron: s.cron })), workflow_dispatch: {} },
    permissions: {},
    jobs: {
      guard: {
        name: `Local time check (${spec.zone})`,
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 5,
        permissions: spec.skipWhileRunning ? { actions: 'read' } : {},
        outputs: Object.fromEntries(
          ['run', 'fire', 'local', 'branch'].map((key) => [key, `\${{ steps.guard.outputs.${key} }}`]),
        ),
        steps: [
          {
            name: `Is this a fire of "${spec.cron}" in ${spec.zone}?`,
            id: 'guard',
            shell: 'node {0}',
            env: {
              NP_EVENT: '${{ github.event_name }}',
              NP_SCHEDULE: '${{ github.event.schedule }}',
              ...(spec.skipWhileRunning ? { GH_TOKEN: '${{ github.token }}' } : {}),
            },
            run: spec.guardScript,
          },
        ],
      },
      run: {
        name: escapeExpressions(spec.jobName),
        needs: 'guard',
        if: "needs.guard.outputs.run == 'true'",
        'runs-on': 'ubuntu-latest',
        permissions: { contents: 'write', 'pull-requests': 'write' },
        // Never two runs of the job at once; a fire that comes while one runs waits for it (GitHub
        // keeps one waiting run per group, so several such fires collapse into one).
        concurrency: { group: `night-pilot-${spec.slug}`, 'cancel-in-progress': false },
        ...(Object.keys(env).length > 0 ? { env } : {}),
        defaults: { run: { 'working-directory': escapeExpressions(spec.workingDirectory || '.') } },
        steps,
      },
    },
  };

  const doc = new Document(workflow);
  doc.commentBefore = spec.header.map((line) => (line === '' ? '' : ` ${line}`)).join('\n');
  spec.schedules.forEach((_, index) => {
    const node = doc.getIn(['on', 'schedule', index, 'cron'], true) as Scalar;
    node.type = Scalar.QUOTE_SINGLE;
    node.comment = ` ${spec.scheduleComments[index] ?? ''}`;
  });
  return doc.toString({ lineWidth: 0, blockQuote: 'literal' });
}
