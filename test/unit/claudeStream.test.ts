import assert from 'node:assert/strict';
import { ClaudeStreamParser } from '../../src/scheduler/claudeStream';

// Lines shaped like what the pinned CLI (2.1.332) printed against the fake API (fields trimmed).
const SESSION = 'b13f4be7-704c-4177-a2e4-56d6dc653f7f';
const INIT = JSON.stringify({
  type: 'system',
  subtype: 'init',
  cwd: '/tmp/work',
  session_id: SESSION,
  tools: ['Bash', 'Read'],
  model: 'claude-sonnet-4-5',
  permissionMode: 'default',
  apiKeySource: 'ANTHROPIC_API_KEY',
  claude_code_version: '2.1.332',
});
const ASSISTANT_OK = JSON.stringify({
  type: 'assistant',
  message: { id: 'msg_1', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'Hello' }] },
  session_id: SESSION,
});
const RESULT_OK = JSON.stringify({
  type: 'result',
  subtype: 'success',
  is_error: false,
  api_error_status: null,
  duration_ms: 182,
  num_turns: 1,
  result: 'Hello',
  session_id: SESSION,
  total_cost_usd: 0.0066630000000000005,
  usage: {
    input_tokens: 1111,
    output_tokens: 222,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  },
  modelUsage: {
    'claude-sonnet-4-5': {
      inputTokens: 2222,
      outputTokens: 444,
      cacheReadInputTokens: 10,
      cacheCreationInputTokens: 20,
      costUSD: 0.013326,
    },
  },
  model_usage_since_last_result: {
    'claude-sonnet-4-5': {
      inputTokens: 1111,
      outputTokens: 222,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
      costUSD: 0.006663,
    },
  },
  permission_denials: [],
});

function parse(lines: string[]): ReturnType<ClaudeStreamParser['summary']> {
  const parser = new ClaudeStreamParser();
  for (const line of lines) parser.pushLine(line);
  return parser.summary();
}

describe('ClaudeStreamParser', () => {
  it('summarises a successful run: session, model, text, cost and tokens per model', () => {
    const summary = parse([
      INIT,
      ASSISTANT_OK,
      '{"type":"rate_limit_event","rate_limit_info":{"status":"allowed","isUsingOverage":false}}',
      RESULT_OK,
    ]);
    assert.deepEqual(summary, {
      sessionId: SESSION,
      model: 'claude-sonnet-4-5',
      resultSeen: true,
      isError: false,
      subtype: 'success',
      resultText: 'Hello',
      errors: [],
      apiErrorStatus: null,
      numTurns: 1,
      durationMs: 182,
      totalCostUsd: 0.0066630000000000005,
      usageByModel: [
        {
          model: 'claude-sonnet-4-5',
          inputTokens: 2222,
          outputTokens: 444,
          cacheCreationTokens: 20,
          cacheReadTokens: 10,
          costUsd: 0.013326,
        },
      ],
      runUsageByModel: [
        {
          model: 'claude-sonnet-4-5',
          inputTokens: 1111,
          outputTokens: 222,
          cacheCreationTokens: 0,
          cacheReadTokens: 0,
          costUsd: 0.006663,
        },
      ],
      rateLimit: null,
      assistantError: null,
      permissionDenials: 0,
      unknownEventCount: 0,
      nonJsonLineCount: 0,
    });
  });

  it('keeps the rejected rate_limit_event and the API error of a subscription limit', () => {
    const summary = parse([
      INIT,
      '{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1795817237,"rateLimitType":"five_hour","isUsingOverage":false}}',
      JSON.stringify({
        type: 'assistant',
        message: {
          model: '<synthetic>',
          content: [{ type: 'text', text: "You've hit your 5-hour limit · resets 10:07pm (UTC)" }],
        },
        error: 'rate_limit',
        api_error_status: 429,
      }),
      JSON.stringify({
        type: 'result',
        subtype: 'success',
        is_error: true,
        api_error_status: 429,
        num_turns: 1,
        result: "You've hit your 5-hour limit · resets 10:07pm (UTC)",
        session_id: SESSION,
        total_cost_usd: 0,
        modelUsage: {},
      }),
    ]);
    assert.deepEqual(summary.rateLimit, {
      status: 'rejected',
      resetsAt: 1795817237,
      rateLimitType: 'five_hour',
    });
    assert.equal(summary.assistantError, 'rate_limit');
    assert.equal(summary.isError, true);
    assert.equal(summary.subtype, 'success');
    assert.equal(summary.apiErrorStatus, 429);
    assert.deepEqual(summary.usageByModel, []);
  });

  it('keeps a rejected event even when a later one only says allowed', () => {
    const summary = parse([
      '{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1700000000}}',
      '{"type":"rate_limit_event","rate_limit_info":{"status":"allowed"}}',
    ]);
    assert.deepEqual(summary.rateLimit, { status: 'rejected', resetsAt: 1700000000, rateLimitType: null });
  });

  it('reports an authentication failure through the assistant error', () => {
    const summary = parse([
      INIT,
      '{"type":"assistant","message":{"content":[{"type":"text","text":"Not logged in · Please run /login"}]},"error":"authentication_failed"}',
      '{"type":"result","subtype":"success","is_error":true,"api_error_status":null,"result":"Not logged in · Please run /login","session_id":"' +
        SESSION +
        '"}',
    ]);
    assert.equal(summary.assistantError, 'authentication_failed');
    assert.equal(summary.resultText, 'Not logged in · Please run /login');
    assert.equal(summary.apiErrorStatus, null);
  });

  it('reads errors, turns and permission denials of an error_max_turns result', () => {
    const summary = parse([
      INIT,
      '{"type":"system","subtype":"permission_denied","tool_name":"Bash","tool_use_id":"toolu_1","message":"denied"}',
      JSON.stringify({
        type: 'result',
        subtype: 'error_max_turns',
        is_error: true,
        num_turns: 2,
        errors: ['Reached maximum number of turns (1)'],
        permission_denials: [
          { tool_name: 'Bash', tool_use_id: 'toolu_1', tool_input: { command: 'rm -rf x' } },
        ],
        session_id: SESSION,
      }),
    ]);
    assert.equal(summary.subtype, 'error_max_turns');
    assert.equal(summary.resultText, null);
    assert.deepEqual(summary.errors, ['Reached maximum number of turns (1)']);
    assert.equal(summary.numTurns, 2);
    assert.equal(summary.permissionDenials, 1);
    assert.equal(summary.unknownEventCount, 0);
  });

  it('counts and reports lines it cannot read, without throwing', () => {
    const diagnostics: string[] = [];
    const parser = new ClaudeStreamParser({ onDiagnostic: (m) => diagnostics.push(m) });
    for (const line of [
      'Warning: something printed on stdout',
      '{"type":"assistant", truncated',
      '42',
      '["an","array"]',
      '{"no":"type"}',
      '{"type":"brand_new_event","x":1}',
      '',
      '   ',
      INIT,
    ]) {
      parser.pushLine(line);
    }
    const summary = parser.summary();
    assert.equal(summary.nonJsonLineCount, 2);
    assert.equal(summary.unknownEventCount, 4);
    assert.equal(summary.sessionId, SESSION);
    assert.equal(diagnostics.length, 6);
    assert.match(diagnostics[0] ?? '', /non-JSON line on Claude's stdout: Warning: something printed/);
    assert.match(diagnostics[5] ?? '', /unknown stream-json event type "brand_new_event"/);
  });

  it('ignores the known event types it has no use for', () => {
    const summary = parse([
      '{"type":"user","message":{"content":[{"type":"tool_result","content":"ok"}]}}',
      '{"type":"stream_event","event":{"type":"content_block_delta"}}',
      '{"type":"system","subtype":"api_retry","attempt":1,"max_retries":3,"retry_delay_ms":500,"error_status":529}',
    ]);
    assert.equal(summary.unknownEventCount, 0);
    assert.equal(summary.resultSeen, false);
  });

  it('takes the session id from the result when there was no init', () => {
    const summary = parse([
      '{"type":"result","subtype":"error_during_execution","is_error":true,"session_id":"abc"}',
    ]);
    assert.equal(summary.sessionId, 'abc');
    assert.equal(summary.resultSeen, true);
  });

  it('handles lines of several megabytes and keeps only what it needs', () => {
    const bigToolResult = JSON.stringify({
      type: 'user',
      message: { content: [{ type: 'tool_result', content: 'x'.repeat(5_000_000) }] },
    });
    const bigResult = JSON.stringify({
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'y'.repeat(3_000_000),
    });
    const summary = parse([INIT, bigToolResult, bigResult]);
    assert.equal(summary.resultText?.length, 3_000_000);
    assert.equal(summary.nonJsonLineCount, 0);
  });

  it('falls back to the main-loop usage when an older CLI sends no modelUsage', () => {
    const summary = parse([
      INIT,
      '{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0.01,"usage":{"input_tokens":5,"output_tokens":7,"cache_creation_input_tokens":1,"cache_read_input_tokens":2}}',
    ]);
    assert.deepEqual(summary.usageByModel, [
      {
        model: 'claude-sonnet-4-5',
        inputTokens: 5,
        outputTokens: 7,
        cacheCreationTokens: 1,
        cacheReadTokens: 2,
        costUsd: 0.01,
      },
    ]);
    assert.equal(summary.runUsageByModel, null);
  });

  it('tolerates CRLF line ends and returns snapshots that later lines do not change', () => {
    const parser = new ClaudeStreamParser();
    parser.pushLine(`${INIT}\r`);
    const before = parser.summary();
    parser.pushLine(RESULT_OK);
    assert.equal(before.resultSeen, false);
    assert.equal(before.sessionId, SESSION);
    assert.equal(parser.summary().resultSeen, true);
  });
});
