// The REAL pinned Claude Code CLI (node_modules/.bin/claude) against the fake Anthropic API: argv from
// buildClaudeArgs, prompt on stdin, stdout through ClaudeStreamParser into detectUsageLimit. Only the
// remote model is fake. Each run takes about a second.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_EXECUTION_OPTIONS, PERMISSION_MODES } from '../../src/core/model';
import type { ExecutionOptions } from '../../src/core/model';
import { detectUsageLimit } from '../../src/core/usageLimit';
import { buildClaudeArgs, CLAUDE_FLAGS_USED, CLAUDE_HIDDEN_FLAGS } from '../../src/scheduler/claudeArgs';
import { ClaudeStreamParser } from '../../src/scheduler/claudeStream';
import type { ClaudeRunSummary } from '../../src/scheduler/claudeStream';
import { CLAUDE_BIN, claudeTestEnv, makeTempDir, runClaudeOnce } from '../fixtures/claudeEnv';
import { lastUserTexts, startFakeAnthropicApi } from '../fixtures/fakeAnthropicApi';
import type { FakeApi } from '../fixtures/fakeAnthropicApi';

const MODEL = 'claude-sonnet-4-5';
const MACHINE_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

interface RealRun {
  exitCode: number | null;
  stderr: string;
  summary: ClaudeRunSummary;
}

describe('the real Claude Code CLI against the fake Anthropic API', function () {
  // About a second per CLI run on an idle machine; generous because the machine is shared.
  this.timeout(60_000);
  let api: FakeApi;
  let home: string;
  let cwd: string;
  const tempDirs: string[] = [];

  beforeEach(async () => {
    api = await startFakeAnthropicApi();
    home = makeTempDir('home');
    cwd = makeTempDir('cwd');
    tempDirs.push(home, cwd);
  });
  afterEach(async () => {
    await api.close();
  });
  after(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function run(
    options: Partial<ExecutionOptions>,
    prompt: string,
    auth: 'apiKey' | 'oauth' | 'none',
    extra: { resumeSessionId?: string; env?: Record<string, string>; home?: string } = {},
  ): Promise<RealRun> {
    const args = buildClaudeArgs(
      { ...DEFAULT_EXECUTION_OPTIONS, ...options },
      { promptViaStdin: true, resumeSessionId: extra.resumeSessionId ?? null },
    );
    const result = await runClaudeOnce({
      args,
      stdin: prompt,
      env: claudeTestEnv(api, { auth, home: extra.home ?? home, extra: extra.env ?? {} }),
      cwd,
    });
    const parser = new ClaudeStreamParser();
    for (const line of result.stdoutLines) parser.pushLine(line);
    return { exitCode: result.exitCode, stderr: result.stderr, summary: parser.summary() };
  }

  function detect(
    summary: ClaudeRunSummary,
    stderr: string,
    overrides: { useEvent?: boolean; zone?: string } = {},
  ) {
    return detectUsageLimit({
      rateLimitRejectedResetsAt: overrides.useEvent === false ? null : (summary.rateLimit?.resetsAt ?? null),
      isError: summary.isError,
      apiErrorStatus: summary.apiErrorStatus,
      resultText: summary.resultText,
      stderr,
      now: new Date(),
      defaultZone: overrides.zone ?? MACHINE_ZONE,
    });
  }

  it('runs a prompt: session id, text, tokens and the CLI-priced cost per model, and a transcript', async () => {
    api.setScenario({ kind: 'success', text: 'All done.', inputTokens: 1111, outputTokens: 222 });
    const { exitCode, stderr, summary } = await run({ model: MODEL }, 'Say hello', 'apiKey');

    assert.equal(exitCode, 0, stderr);
    assert.match(summary.sessionId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(summary.model, MODEL);
    assert.equal(summary.isError, false);
    assert.equal(summary.resultText, 'All done.');
    assert.equal(summary.usageByModel.length, 1);
    const usage = summary.usageByModel[0];
    assert.equal(usage?.model, MODEL);
    assert.deepEqual([usage?.inputTokens, usage?.outputTokens], [1111, 222]);
    // The CLI's own price for claude-sonnet-4-5: 1111 * $3/M + 222 * $15/M.
    assert.ok(Math.abs((usage?.costUsd ?? 0) - 0.006663) < 1e-9, String(usage?.costUsd));
    assert.ok(Math.abs((summary.totalCostUsd ?? 0) - 0.006663) < 1e-9);
    assert.equal(summary.unknownEventCount + summary.nonJsonLineCount, 0);
    assert.equal(detect(summary, stderr), null);

    const [request] = api.messageRequests();
    assert.equal((request?.body as { model?: string }).model, MODEL);
    assert.equal(request?.headers['x-api-key'], '<redacted>');

    const transcript = path.join(
      home,
      '.claude',
      'projects',
      cwd.replace(/\//g, '-'),
      `${summary.sessionId}.jsonl`,
    );
    const entries = fs
      .readFileSync(transcript, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as { type?: string; message?: { usage?: { input_tokens?: number } } });
    assert.ok(entries.some((e) => e.type === 'assistant' && e.message?.usage?.input_tokens === 1111));
  });

  it('detects the subscription limit with its reset, then resumes the session once it lifts', async () => {
    const resetsAt = Math.floor(Date.now() / 60_000) * 60 + 2 * 3600; // on a whole minute, 2 h ahead
    const tokyo = { env: { TZ: 'Asia/Tokyo' } };
    api.setScenario([
      { kind: 'success', text: 'first answer', inputTokens: 1111, outputTokens: 222 },
      { kind: 'subscriptionLimit', resetsAt },
      { kind: 'success', text: 'second answer', inputTokens: 1111, outputTokens: 222 },
    ]);
    const first = await run({ model: MODEL }, 'first prompt', 'oauth', tokyo);
    const sessionId = first.summary.sessionId ?? '';
    assert.equal(first.exitCode, 0, first.stderr);

    const limited = await run({ model: MODEL }, 'second prompt', 'oauth', {
      ...tokyo,
      resumeSessionId: sessionId,
    });
    assert.equal(limited.exitCode, 1);
    assert.deepEqual(limited.summary.rateLimit, { status: 'rejected', resetsAt, rateLimitType: 'five_hour' });
    assert.equal(limited.summary.assistantError, 'rate_limit');
    assert.equal(limited.summary.apiErrorStatus, 429);
    assert.match(
      limited.summary.resultText ?? '',
      /^You've hit your 5-hour limit · resets \d{1,2}:\d{2}[ap]m \(Asia\/Tokyo\)$/,
    );
    assert.deepEqual(detect(limited.summary, limited.stderr), {
      resetAt: new Date(resetsAt * 1000),
      source: 'rate_limit_event',
      message: limited.summary.resultText,
    });
    // Without the event, the printed time in its own zone (not the machine's) gives the same instant.
    const fromText = detect(limited.summary, limited.stderr, { useEvent: false, zone: 'America/New_York' });
    assert.equal(fromText?.source, 'text');
    assert.equal(fromText?.resetAt?.toISOString(), new Date(resetsAt * 1000).toISOString());

    const resumed = await run({ model: MODEL }, 'third prompt', 'oauth', {
      ...tokyo,
      resumeSessionId: sessionId,
    });
    assert.equal(resumed.exitCode, 0, resumed.stderr);
    assert.equal(resumed.summary.sessionId, sessionId);
    assert.equal(resumed.summary.resultText, 'second answer');
    // Totals cover the whole conversation (two answered turns); this run's own share is one turn.
    assert.deepEqual(
      resumed.summary.usageByModel.map((u) => [u.model, u.inputTokens, u.outputTokens]),
      [[MODEL, 2222, 444]],
    );
    assert.ok(Math.abs((resumed.summary.totalCostUsd ?? 0) - 0.013326) < 1e-9);
    assert.deepEqual(
      resumed.summary.runUsageByModel?.map((u) => [u.model, u.inputTokens, u.outputTokens]),
      [[MODEL, 1111, 222]],
    );
    const lastRequest = api.messageRequests().at(-1);
    const sentMessages = JSON.stringify((lastRequest?.body as { messages?: unknown }).messages);
    for (const text of ['first prompt', 'first answer', 'second prompt', 'third prompt']) {
      assert.ok(sentMessages.includes(text), `the resumed request carries "${text}"`);
    }
  });

  it('treats a plain 429 on an API key as a limit with an unknown reset', async () => {
    api.setScenario({
      kind: 'apiKeyRateLimit',
      message: 'Number of request tokens has exceeded your rate limit.',
    });
    const { exitCode, stderr, summary } = await run({ model: MODEL }, 'hi', 'apiKey');
    assert.equal(exitCode, 1);
    assert.equal(summary.rateLimit, null);
    assert.equal(summary.assistantError, 'rate_limit');
    assert.deepEqual(detect(summary, stderr), {
      resetAt: null,
      source: 'api_429',
      message: 'API Error: Request rejected (429) · Number of request tokens has exceeded your rate limit.',
    });
  });

  it('reports missing credentials as an auth failure, not a limit, without calling the API', async () => {
    const { exitCode, stderr, summary } = await run({ model: MODEL }, 'hi', 'none');
    assert.equal(exitCode, 1);
    assert.equal(summary.isError, true);
    assert.equal(summary.resultText, 'Not logged in · Please run /login');
    assert.equal(summary.assistantError, 'authentication_failed');
    assert.equal(detect(summary, stderr), null);
    assert.equal(api.messageRequests().length, 0);
  });

  it('reports a 500 and a 529 as errors, not limits', async () => {
    for (const status of [500, 529] as const) {
      api.setScenario({ kind: 'serverError', status });
      const { exitCode, stderr, summary } = await run({ model: MODEL }, 'hi', 'apiKey');
      assert.equal(exitCode, 1);
      assert.equal(summary.isError, true);
      assert.equal(summary.apiErrorStatus, status);
      assert.equal(summary.assistantError, 'server_error');
      assert.equal(detect(summary, stderr), null);
    }
  });

  it('delivers a prompt and options with shell metacharacters byte for byte, running none of them', async () => {
    const marker = path.join(cwd, 'SOMEFILE');
    const prompt = [
      `Run $(touch ${marker}) and \`touch ${marker}\` and $HOME;`,
      `it's "quoted" 'twice' \\ back\\slash; | & > ${marker} < /dev/null`,
      '',
      'ünïcödé ✓\ttab\r\nCRLF and a trailing newline',
      '',
    ].join('\n');
    const appended = `Append $(touch ${marker}) "as is" 'too'`;
    const { exitCode, stderr } = await run({ model: MODEL, appendSystemPrompt: appended }, prompt, 'apiKey');
    assert.equal(exitCode, 0, stderr);
    const [request] = api.messageRequests();
    assert.ok(request);
    assert.equal(lastUserTexts(request).at(-1), prompt);
    assert.ok(
      JSON.stringify((request.body as { system?: unknown }).system).includes(
        JSON.stringify(appended).slice(1, -1),
      ),
    );
    assert.equal(fs.existsSync(marker), false);
  });

  it('applies allowed and disallowed tool rules (comma-joined, spaces inside the parentheses)', async () => {
    const made = path.join(cwd, 'made by tool');
    const touch = {
      kind: 'toolUse',
      name: 'Bash',
      input: { command: `touch '${made}'`, description: 'touch' },
    } as const;
    api.setScenario([touch, { kind: 'success' }]);
    const allowed = await run({ model: MODEL, allowedTools: ['Read', 'Bash(touch *)'] }, 'go', 'apiKey');
    assert.equal(allowed.exitCode, 0, allowed.stderr);
    assert.equal(allowed.summary.permissionDenials, 0);
    assert.equal(fs.existsSync(made), true);
    fs.rmSync(made);

    api.setScenario([touch, { kind: 'success' }]);
    const denied = await run(
      { model: MODEL, allowedTools: ['Bash(touch *)'], disallowedTools: ['Bash(touch *)'] },
      'go',
      'apiKey',
    );
    assert.equal(denied.exitCode, 0, denied.stderr);
    assert.equal(denied.summary.permissionDenials, 1);
    assert.equal(fs.existsSync(made), false);
  });

  it('knows every flag it passes: listed in --help, or (hidden ones) honoured by a real run', async () => {
    const { stdout } = await promisify(execFile)(CLAUDE_BIN, ['--help'], {
      env: claudeTestEnv(api, { auth: 'none', home }),
    });
    const missing = CLAUDE_FLAGS_USED.filter(
      (flag) => !new RegExp(`(^|[\\s,])${flag}([\\s,]|$)`, 'm').test(stdout),
    );
    assert.deepEqual(missing, [...CLAUDE_HIDDEN_FLAGS], 'flags missing from --help');

    // --max-turns is hidden from --help in 2.1.332 yet works: one tool turn is the limit here.
    api.setScenario([
      { kind: 'toolUse', name: 'Read', input: { file_path: '/etc/hostname' } },
      { kind: 'success' },
    ]);
    const { exitCode, summary } = await run(
      { model: MODEL, maxTurns: 1, allowedTools: ['Read'] },
      'go',
      'apiKey',
    );
    assert.equal(exitCode, 1);
    assert.equal(summary.subtype, 'error_max_turns');
    assert.deepEqual(summary.errors, ['Reached maximum number of turns (1)']);
  });

  it('accepts every permission mode of the model', async () => {
    const { stdout } = await promisify(execFile)(CLAUDE_BIN, ['--help'], {
      env: claudeTestEnv(api, { auth: 'none', home }),
    });
    const choices = /--permission-mode <mode>[\s\S]*?\(choices:([^)]*)\)/.exec(stdout)?.[1] ?? '';
    const listed = [...choices.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    // 2.1.332 lists acceptEdits, auto, bypassPermissions, manual, dontAsk, plan; "default" is an
    // accepted alias it does not list, so that one is checked with a real run.
    assert.deepEqual(
      PERMISSION_MODES.filter((mode) => !listed.includes(mode)),
      ['default'],
    );
    const { exitCode, stderr, summary } = await run(
      { model: MODEL, permissionMode: 'default' },
      'hi',
      'apiKey',
    );
    assert.equal(exitCode, 0, stderr);
    assert.equal(summary.isError, false);
  });

  it('surfaces what the CLI says about bypassPermissions for this user', async function () {
    const result = await run(
      { model: MODEL, permissionMode: 'bypassPermissions', allowBypass: true },
      'hi',
      'apiKey',
    );
    if (process.getuid?.() === 0) {
      assert.equal(result.exitCode, 1);
      assert.match(result.stderr, /--dangerously-skip-permissions cannot be used with root\/sudo privileges/);
      assert.equal(result.summary.resultSeen, false);
    } else {
      assert.equal(result.exitCode, 0, result.stderr);
    }
  });
});

describe('the fake Anthropic API itself', () => {
  it('answers after a delay, and close() ends a request it never answers', async () => {
    const api = await startFakeAnthropicApi({
      scenario: [
        { kind: 'slow', delayMs: 50 },
        { kind: 'slow', delayMs: 'never' },
      ],
    });
    const post = () =>
      fetch(`${api.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
      });
    const answered = (await (await post()).json()) as { content: Array<{ text: string }> };
    assert.equal(answered.content[0]?.text, 'OK from the fake API');
    const hanging = post().then(
      () => 'answered',
      () => 'connection closed',
    );
    while (api.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
    await api.close();
    assert.equal(await hanging, 'connection closed');
  });

  it('answers unknown paths with 404 and tells the test', async () => {
    const unknown: string[] = [];
    const api = await startFakeAnthropicApi({ onUnknownPath: (r) => unknown.push(r.url) });
    try {
      const response = await fetch(`${api.url}/v1/unheard_of?x=1`);
      assert.equal(response.status, 404);
      assert.deepEqual(unknown, ['/v1/unheard_of?x=1']);
      assert.equal((await fetch(`${api.url}/v1/models`)).status, 200);
    } finally {
      await api.close();
    }
  });
});
