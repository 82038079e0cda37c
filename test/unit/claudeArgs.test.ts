import assert from 'node:assert/strict';
import { DEFAULT_EXECUTION_OPTIONS } from '../../src/core/model';
import type { ExecutionOptions } from '../../src/core/model';
import { buildClaudeArgs, CLAUDE_FLAGS_USED } from '../../src/scheduler/claudeArgs';

const STDIN = { promptViaStdin: true } as const;
const SESSION = '0f8fad5b-d9cb-469f-a165-70867728950e';

function options(overrides: Partial<ExecutionOptions>): ExecutionOptions {
  return { ...DEFAULT_EXECUTION_OPTIONS, ...overrides };
}

describe('buildClaudeArgs', () => {
  it('asks for print mode with stream-json, and nothing else, when no option is set', () => {
    assert.deepEqual(buildClaudeArgs(DEFAULT_EXECUTION_OPTIONS, STDIN), [
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
    ]);
  });

  it('passes every option that is set, each value as one argument', () => {
    const args = buildClaudeArgs(
      options({
        model: 'claude-sonnet-4-5',
        maxTurns: 12,
        permissionMode: 'acceptEdits',
        allowedTools: ['Read', 'Bash(git diff *)'],
        disallowedTools: ['WebFetch'],
        appendSystemPrompt: 'Be brief.\nQuote "exactly" and $(do not expand).',
      }),
      { ...STDIN, resumeSessionId: SESSION },
    );
    assert.deepEqual(args, [
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--model',
      'claude-sonnet-4-5',
      '--max-turns',
      '12',
      '--permission-mode',
      'acceptEdits',
      '--allowedTools',
      'Read,Bash(git diff *)',
      '--disallowedTools',
      'WebFetch',
      '--append-system-prompt',
      'Be brief.\nQuote "exactly" and $(do not expand).',
      '--resume',
      SESSION,
    ]);
  });

  it('only emits flags listed in CLAUDE_FLAGS_USED', () => {
    const args = buildClaudeArgs(
      options({
        model: 'opus',
        maxTurns: 1,
        maxBudgetUsd: 0.5,
        permissionMode: 'bypassPermissions',
        allowBypass: true,
        allowedTools: ['Read'],
        disallowedTools: ['Write'],
        appendSystemPrompt: 'x',
      }),
      { ...STDIN, resumeSessionId: SESSION },
    );
    const flags = args.filter((a) => a.startsWith('-'));
    assert.deepEqual(
      flags.filter((f) => !CLAUDE_FLAGS_USED.includes(f)),
      [],
    );
    assert.equal(flags.length, CLAUDE_FLAGS_USED.length);
  });

  it('refuses bypassPermissions unless the job opted in', () => {
    assert.throws(
      () => buildClaudeArgs(options({ permissionMode: 'bypassPermissions' }), STDIN),
      /bypassPermissions.*opt in.*--allow-bypass/,
    );
    assert.deepEqual(
      buildClaudeArgs(options({ permissionMode: 'bypassPermissions', allowBypass: true }), STDIN).slice(-2),
      ['--permission-mode', 'bypassPermissions'],
    );
  });

  it('leaves out an empty system prompt and a null session', () => {
    assert.equal(
      buildClaudeArgs(options({ appendSystemPrompt: '  ' }), { ...STDIN, resumeSessionId: null }).length,
      4,
    );
  });

  const invalid: Array<[string, Partial<ExecutionOptions>, RegExp]> = [
    ['an empty model', { model: ' ' }, /model: " " is not a model name/],
    ['a model that looks like a flag', { model: '--dangerously-skip-permissions' }, /model: "--dangerously/],
    ['zero turns', { maxTurns: 0 }, /maxTurns: 0 is not a whole number >= 1/],
    ['fractional turns', { maxTurns: 2.5 }, /maxTurns: 2.5/],
    [
      'an unknown permission mode',
      { permissionMode: 'yolo' as never },
      /permissionMode: "yolo" is not one of default, acceptEdits/,
    ],
    ['an empty tool rule', { allowedTools: ['Read', ''] }, /allowedTools\[1\]: "" is not a tool rule/],
    ['a tool rule with a newline', { disallowedTools: ['Bash\n(rm)'] }, /disallowedTools\[0\]/],
    [
      'a system prompt too long for argv',
      { appendSystemPrompt: 'x'.repeat(100_001) },
      /appendSystemPrompt: 100001 characters/,
    ],
  ];
  for (const [name, overrides, message] of invalid) {
    it(`rejects ${name} with a message naming the field`, () => {
      assert.throws(() => buildClaudeArgs(options(overrides), STDIN), message);
    });
  }

  it('rejects a resume id that is not a session UUID', () => {
    assert.throws(
      () => buildClaudeArgs(DEFAULT_EXECUTION_OPTIONS, { ...STDIN, resumeSessionId: '--continue' }),
      /resumeSessionId: "--continue" is not a Claude session id/,
    );
  });
});
