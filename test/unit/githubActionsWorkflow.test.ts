// The exported workflow file: valid for GitHub's own parser in every option combination, the
// job's options passed to the pinned Claude Code CLI exactly as the local executor passes them,
// no secret value written, refusals with their reason, and golden files per representative job.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { splitFrontMatter } from '../../src/core/frontMatter';
import { PERMISSION_MODES } from '../../src/core/model';
import type { ExecutionOptions, Job, MissedRunPolicy, PermissionMode } from '../../src/core/model';
import { TESTED_CLAUDE_CODE_VERSION, exportJob } from '../../src/githubActions/exportJob';
import type { ExportInput } from '../../src/githubActions/exportJob';
import { buildClaudeArgs } from '../../src/scheduler/claudeArgs';
import { loadWorkflow, testJob } from './githubActionsHarness';

const ROOT = path.resolve(__dirname, '../..');
const GOLDEN = path.join(__dirname, 'golden/github-actions');
const NOW = new Date('2025-12-20T09:00:00Z');

// An ES module only: loaded with import() from this CommonJS test.
// eslint-disable-next-line @typescript-eslint/consistent-type-imports
type WorkflowParser = typeof import('@actions/workflow-parser', { with: { 'resolution-mode': 'import' } });
let parser: WorkflowParser;

function input(job: Job, extra: Partial<ExportInput> = {}): ExportInput {
  return {
    job,
    prompt: { path: 'prompts/nightly-review.md', text: 'Review the changes of the day.\n' },
    workingDirectory: { path: '' },
    now: NOW,
    ...extra,
  };
}

function exported(job: Job, extra: Partial<ExportInput> = {}): string {
  const result = exportJob(input(job, extra));
  assert.ok(result.ok, `refused: ${result.ok ? '' : result.reasons.join('; ')}`);
  return result.yaml;
}

function refusals(job: Job, extra: Partial<ExportInput> = {}): string[] {
  const result = exportJob(input(job, extra));
  assert.ok(!result.ok, 'the job was exported');
  return result.reasons;
}

/** GitHub's parser and converter: every error, schedule cron and step it reports. */
async function parseWithGitHub(yamlText: string): Promise<string[]> {
  const trace = new parser.NoOperationTraceWriter();
  const parsed = parser.parseWorkflow(
    { name: '.github/workflows/night-pilot.yml', content: yamlText },
    trace,
  );
  assert.ok(parsed.value, 'the parser returned no workflow');
  await parser.convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => e.message);
}

/** The argv the Claude step passes, read back by a real bash. */
function claudeArgv(yamlText: string): string[] {
  const script = loadWorkflow(yamlText).doc.jobs.run.steps.find((s: { id?: string }) => s.id === 'claude')
    .run as string;
  const words = /^claude ([\s\S]*?) < "\$out\/prompt\.md" > "\$out\/execution\.jsonl"$/m.exec(script)?.[1];
  assert.ok(words, 'no claude command line');
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${words}`]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

describe('GitHub Actions export: the workflow file', function () {
  this.timeout(120_000);

  before(async () => {
    parser = await import('@actions/workflow-parser');
  });

  it('installs the Claude Code version this project tests with', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    assert.equal(TESTED_CLAUDE_CODE_VERSION, pkg.devDependencies['@anthropic-ai/claude-code']);
    const yamlText = exported(testJob());
    assert.ok(
      yamlText.includes(`npm install --global @anthropic-ai/claude-code@${TESTED_CLAUDE_CODE_VERSION}`),
    );
  });

  it('is accepted by GitHub’s workflow parser for every combination of options', async () => {
    const modes: (PermissionMode | null)[] = [null, ...PERMISSION_MODES];
    const policies: MissedRunPolicy[] = ['skip', 'run_once', 'run_all'];
    let count = 0;
    // Every subset of the phase commands and the timeout, crossed with every permission mode; the
    // remaining options alternate so each appears with and without the others.
    for (let phases = 0; phases < 16; phases++) {
      for (const mode of modes) {
        // The policy only changes the guard's permissions: it takes turns instead of multiplying.
        const policy = policies[count % policies.length]!;
        const flip = (count & 1) === 1;
        const options: Partial<ExecutionOptions> = {
          setupCommand: phases & 1 ? 'npm ci' : null,
          validationCommand: phases & 2 ? 'npm test && echo "it\'s ${{ fine }}"' : null,
          cleanupCommand: phases & 4 ? 'rm -rf .cache/tmp' : null,
          timeoutSeconds: phases & 8 ? 1800 : null,
          permissionMode: mode,
          allowBypass: mode === 'bypassPermissions',
          model: flip ? 'sonnet' : null,
          maxTurns: flip ? null : 25,
          allowedTools: flip ? ['Read', 'Bash(git log:*)', 'Edit'] : [],
          disallowedTools: flip ? [] : ['WebFetch', 'Bash(rm -rf *)'],
          appendSystemPrompt:
            count % 3 === 0 ? 'Be brief.\nSay "done" when done; it\'s ${{ not }} an expression.' : null,
          env: count % 4 === 0 ? { CI: '1', NODE_ENV: 'test', SERVICE_TOKEN: 'x' } : {},
        };
        // The zone does not change the steps; UTC keeps 336 exports quick (zones: the schedule tests).
        const yamlText = exported(testJob({ options, missedRunPolicy: policy, timezone: 'UTC' }), {
          workingDirectory: { path: count % 5 === 0 ? 'packages/app' : '' },
          maxBudgetUsd: count % 2 === 0 ? 2.5 : null,
        });
        assert.deepEqual(await parseWithGitHub(yamlText), [], `combination ${count}:\n${yamlText}`);
        const doc = loadWorkflow(yamlText).doc;
        const stepIds = doc.jobs.run.steps.map((s: { id?: string }) => s.id).filter(Boolean);
        const expected = ['setup', 'claude', 'validation', 'cleanup'].filter(
          (id) => id === 'claude' || options[`${id}Command` as keyof ExecutionOptions] !== null,
        );
        assert.deepEqual(stepIds, expected);
        assert.deepEqual(doc.jobs.run.permissions, { contents: 'write', 'pull-requests': 'write' });
        assert.deepEqual(doc.jobs.guard.permissions, policy === 'skip' ? { actions: 'read' } : {});
        count++;
      }
    }
    assert.equal(count, 16 * 7);
  });

  it('passes the same Claude arguments as the local executor, read back by bash', () => {
    const options: Partial<ExecutionOptions> = {
      model: 'claude-sonnet-4-5',
      maxTurns: 40,
      permissionMode: 'acceptEdits',
      allowedTools: ['Read', 'Bash(git diff *)', 'Edit(src/**)'],
      disallowedTools: ['WebFetch'],
      appendSystemPrompt: `Reply in English; don't push. Use $HOME and \`backticks\` "as is".\nSecond line.`,
    };
    const job = testJob({ options });
    const argv = claudeArgv(exported(job, { maxBudgetUsd: 3 }));
    assert.deepEqual(argv, [
      ...buildClaudeArgs(job.options, { promptViaStdin: true }),
      '--max-budget-usd',
      '3',
    ]);
  });

  it('fills the options the job leaves unset from the prompt file’s front matter', () => {
    const text =
      '---\ntitle: Review\nmodel: opus\nmaxTurns: 12\nallowedTools: [Read, "Bash(git log:*)"]\n---\n\nReview.\n';
    const job = testJob({ options: { model: 'sonnet' } });
    const argv = claudeArgv(exported(job, { prompt: { path: 'prompts/review.md', text } }));
    assert.deepEqual(argv.slice(4), [
      '--model',
      'sonnet',
      '--max-turns',
      '12',
      '--allowedTools',
      'Read,Bash(git log:*)',
    ]);
  });

  it('strips front matter on the runner exactly as Night Pilot does on the machine', () => {
    const yamlText = exported(testJob());
    const script = loadWorkflow(yamlText).doc.jobs.run.steps.find((s: { id?: string }) => s.id === 'claude')
      .run as string;
    const snippet = /node -e '([^']*)'/.exec(script)?.[1];
    assert.ok(snippet, 'no front matter step');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-frontmatter-'));
    try {
      const samples = [
        '---\ntitle: x\n---\nBody\n',
        '---\ntitle: x\n---\n\nBody after a blank line\n',
        '\uFEFF---\r\ntitle: x\r\n...\r\nWindows body\r\n',
        '--- \nmodel: opus\n---\t\nTrailing spaces on the delimiters',
        'No front matter\n---\nnot: this\n---\n',
        '---\nunclosed: yes\nso it is all body\n',
      ];
      samples.forEach((text, i) => {
        const file = path.join(dir, `p${i}.md`);
        fs.writeFileSync(file, text);
        const out = execFileSync(process.execPath, ['-e', snippet, file]).toString('utf8');
        assert.equal(out, splitFrontMatter(text).body, `sample ${i}`);
      });
      fs.writeFileSync(path.join(dir, 'empty.md'), '---\ntitle: only\n---\n');
      assert.throws(
        () => execFileSync(process.execPath, ['-e', snippet, path.join(dir, 'empty.md')], { stdio: 'pipe' }),
        /has no prompt text/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('references secret-looking environment values as repository secrets, never writes them', () => {
    const secrets = {
      ANTHROPIC_API_KEY: 'sk-ant-api03-AbCdEf0123456789AbCdEf0123456789',
      DB_PASSWORD: 'hunter2',
      DATABASE_URL: 'postgres://app:s3cret@db.internal:5432/app',
      STRIPE: 'sk_live_51HxYzAbCdEf0123456789',
      GH_PAT: 'ghp_0123456789abcdefABCDEF0123456789abcd',
      SIGNING: 'q8Zr2Kx91LmPq7Vb3Nw5Ty0Ud4Ie6Of',
      PEM: '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----',
    };
    const env = { ...secrets, CI: '1', NODE_ENV: 'production', REGION: 'eu-central-1' };
    const result = exportJob(input(testJob({ options: { env } })));
    assert.ok(result.ok, result.ok ? '' : result.reasons.join('; '));
    for (const value of Object.values(secrets)) {
      for (const piece of value.split('\n')) assert.ok(!result.yaml.includes(piece), `${piece} was written`);
    }
    const runEnv = loadWorkflow(result.yaml).doc.jobs.run.env as Record<string, string>;
    for (const name of Object.keys(secrets).filter((n) => n !== 'ANTHROPIC_API_KEY')) {
      assert.equal(runEnv[name], `\${{ secrets.${name} }}`);
    }
    assert.deepEqual(result.secrets, ['DATABASE_URL', 'DB_PASSWORD', 'GH_PAT', 'PEM', 'SIGNING', 'STRIPE']);
    assert.equal(runEnv.CI, '1');
    assert.equal(runEnv.REGION, 'eu-central-1');
    assert.equal(
      runEnv.ANTHROPIC_API_KEY,
      undefined,
      'the Claude credential belongs to the Claude step only',
    );
  });

  it('refuses a job whose commands or options carry a secret-looking value', () => {
    const reasons = refusals(
      testJob({
        options: {
          validationCommand:
            'curl -H "Authorization: Bearer ghp_0123456789abcdefABCDEF0123456789abcd" https://x',
          appendSystemPrompt: 'Use the key sk-ant-api03-AbCdEf0123456789AbCdEf0123456789',
        },
      }),
    );
    assert.match(reasons.join('\n'), /validation command contains what looks like a token \(ghp_01\.\.\.\)/);
    assert.match(reasons.join('\n'), /Claude options contains what looks like a token/);
  });

  it('writes a literal ${{ in a job value so that GitHub does not evaluate it', async () => {
    const yamlText = exported(
      testJob({
        name: 'Deploy ${{ secrets.AWS_KEY }}',
        options: { setupCommand: 'echo ${{ secrets.AWS_KEY }}' },
      }),
    );
    const withoutComments = yamlText.replace(/^#.*$/gm, '');
    assert.ok(
      !withoutComments.includes('${{ secrets.AWS_KEY'),
      'an expression from the job reached the file',
    );
    assert.deepEqual(await parseWithGitHub(yamlText), []);
  });

  it('refuses what GitHub Actions cannot run faithfully, with the reason', () => {
    const cases: [Parameters<typeof testJob>[0], Partial<ExportInput>, RegExp][] = [
      [{ cronExpression: '*/30 * * * * *' }, {}, /seconds past the minute.*minute precision/],
      [{ cronExpression: '*/2 * * * *' }, {}, /fires 2 minute\(s\) apart.*at most every 5 minutes/],
      [{ cronExpression: '@secondly' }, {}, /seconds past the minute/],
      [{ jobType: 'one_time' }, {}, /one-time job, and GitHub Actions schedules repeat/],
      [
        { jobType: 'triggered', cronExpression: '', parentJobId: 'p' },
        {},
        /runs when its parent job succeeds/,
      ],
      [{ options: { permissionMode: 'bypassPermissions' } }, {}, /must opt in explicitly/],
      [{ options: { timeoutSeconds: 8 * 3600 } }, {}, /timeout of 480 minutes does not fit in the 6 hours/],
      [
        { options: { env: { GITHUB_SECRET_THING: 'x' } } },
        {},
        /GITHUB_SECRET_THING.*GitHub reserves names starting with GITHUB_/,
      ],
      [
        {},
        { prompt: { problem: 'its prompt is stored text, not a file' } },
        /its prompt is stored text, not a file/,
      ],
      [
        {},
        { workingDirectory: { problem: 'its working folder /srv is outside the repository' } },
        /outside the repository/,
      ],
      [
        {},
        { prompt: { path: 'p.md', text: '---\nmodel: [unclosed\n---\nBody' } },
        /front matter is not valid YAML/,
      ],
    ];
    for (const [job, extra, reason] of cases) {
      assert.match(refusals(testJob(job), extra).join('\n'), reason);
    }
  });

  it('lists every reason at once', () => {
    const reasons = refusals(
      testJob({ cronExpression: '*/10 * * * * *', options: { timeoutSeconds: 9 * 3600 } }),
      {
        prompt: { problem: 'its prompt is stored text, not a file' },
      },
    );
    assert.equal(reasons.length, 3, reasons.join('\n'));
  });

  it('runs its guard script with node as GitHub runs it, writing the step outputs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-guard-'));
    try {
      const guard = loadWorkflow(exported(testJob({ name: 'Nightly review' }))).guardSource;
      const file = path.join(dir, 'guard.js');
      fs.writeFileSync(file, guard);
      const output = path.join(dir, 'output');
      execFileSync(process.execPath, [file], {
        env: { ...process.env, NP_EVENT: 'workflow_dispatch', NP_SCHEDULE: '', GITHUB_OUTPUT: output },
      });
      const lines = fs.readFileSync(output, 'utf8').trim().split('\n');
      assert.equal(lines[0], 'run=true');
      assert.match(lines[3]!, /^branch=night-pilot\/nightly-review\/\d{8}-\d{4}$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with missed-run policy skip, skips a fire while an earlier run of the workflow is going', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-guard-'));
    // GitHub's REST API is remote; this stand-in on 127.0.0.1 answers the two calls the guard makes.
    let going = [{ id: 41 }, { id: 42 }];
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== 'Bearer test-token') res.statusCode = 401;
      if (req.url === '/repos/me/app/actions/runs/42') res.end(JSON.stringify({ id: 42, workflow_id: 7 }));
      else if (req.url === '/repos/me/app/actions/workflows/7/runs?status=in_progress&per_page=100') {
        res.end(JSON.stringify({ workflow_runs: going }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      // Every 5 minutes: whenever the script runs, its trigger is a fire, so only the policy decides.
      const job = testJob({ cronExpression: '*/5 * * * *', timezone: 'UTC', missedRunPolicy: 'skip' });
      const workflow = loadWorkflow(exported(job));
      const file = path.join(dir, 'guard.js');
      fs.writeFileSync(file, workflow.guardSource);
      const run = async () => {
        const output = path.join(dir, `out-${going.length}`);
        const child = spawn(process.execPath, [file], {
          env: {
            ...process.env,
            NP_EVENT: 'schedule',
            NP_SCHEDULE: workflow.crons[0],
            GITHUB_OUTPUT: output,
            GITHUB_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            GITHUB_REPOSITORY: 'me/app',
            GITHUB_RUN_ID: '42',
            GH_TOKEN: 'test-token',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += String(d)));
        await new Promise((resolve) => child.on('close', resolve));
        return { stdout, output: fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : '' };
      };
      const busy = await run();
      assert.match(busy.output, /^run=false$/m, busy.stdout);
      assert.match(busy.stdout, /an earlier run is still going \(missed-run policy: skip\)/);
      going = [{ id: 42 }];
      const free = await run();
      assert.match(free.output, /^run=true$/m, free.stdout);
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('golden files (reviewed by eye once, then kept)', () => {
    const cases: [string, Job, Partial<ExportInput>][] = [
      [
        'nightly-review-berlin',
        testJob({
          options: {
            model: 'sonnet',
            maxTurns: 30,
            permissionMode: 'acceptEdits',
            validationCommand: 'npm test',
          },
        }),
        {},
      ],
      [
        'weekly-deps-new-york',
        testJob({
          name: 'Weekly dependency bump',
          cronExpression: '30 0 * * 1',
          timezone: 'America/New_York',
          missedRunPolicy: 'skip',
          options: {
            allowedTools: ['Read', 'Edit', 'Bash(npm outdated:*)', 'Bash(npm install:*)'],
            disallowedTools: ['WebFetch'],
            appendSystemPrompt: 'Only patch and minor updates.',
            env: { CI: '1', NPM_TOKEN: 'npm_AbCdEf0123456789AbCdEf0123456789' },
            setupCommand: 'npm ci',
            validationCommand: 'npm test',
            cleanupCommand: 'rm -rf node_modules/.cache',
            timeoutSeconds: 2700,
          },
        }),
        {
          workingDirectory: { path: 'packages/web' },
          prompt: { path: 'packages/web/prompts/deps.md', text: 'Bump.' },
        },
      ],
      [
        'monthly-report-sydney',
        testJob({ name: 'Monthly report', cronExpression: '@monthly', timezone: 'Australia/Sydney' }),
        {
          maxBudgetUsd: 5,
          prompt: { path: 'docs/report.md', text: '---\nmodel: opus\npermissionMode: plan\n---\nReport.' },
        },
      ],
      ['hourly-triage-utc', testJob({ name: 'Triage', cronExpression: '15 * * * *', timezone: 'UTC' }), {}],
    ];
    for (const [name, job, extra] of cases) {
      it(name, async () => {
        const yamlText = exported(job, extra);
        assert.deepEqual(await parseWithGitHub(yamlText), []);
        const file = path.join(GOLDEN, `${name}.yml`);
        if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, yamlText);
        assert.equal(yamlText, fs.readFileSync(file, 'utf8'), `${file} differs; UPDATE_GOLDEN=1 rewrites it`);
      });
    }
  });
});
