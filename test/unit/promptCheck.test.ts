// The editor's diagnostics of a prompt file (core/promptCheck.ts) and where a prompt goes when its
// file or folder is renamed (prompts/promptRenames.ts).
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkPromptText } from '../../src/core/promptCheck';
import { movedPath } from '../../src/prompts/promptRenames';

describe('prompt file diagnostics', () => {
  it('points at the key: unknown keys warn (with a spelling hint), unusable values and bypass are errors', () => {
    const text =
      '---\ntitle: T\nmax_turns: 3\nmaxTurns: lots\npermissionMode: bypassPermissions\ncolour: blue\n---\nGo.\n';
    const problems = checkPromptText(text).map((p) => ({
      line: p.line,
      column: p.column,
      endColumn: p.endColumn,
      severity: p.severity,
      kind: p.issue.kind,
      suggestion: p.issue.kind === 'unknownKey' ? p.issue.suggestion : undefined,
    }));
    assert.deepEqual(problems, [
      { line: 3, column: 0, endColumn: 8, severity: 'error', kind: 'badValue', suggestion: undefined },
      { line: 4, column: 0, endColumn: 14, severity: 'error', kind: 'bypass', suggestion: undefined },
      { line: 2, column: 0, endColumn: 9, severity: 'warning', kind: 'unknownKey', suggestion: 'maxTurns' },
      { line: 5, column: 0, endColumn: 6, severity: 'warning', kind: 'unknownKey', suggestion: undefined },
    ]);
  });

  it('reports front matter that is not YAML and a file with no prompt text', () => {
    assert.deepEqual(
      checkPromptText('---\nmodel: [x\n---\nBody\n').map((p) => [p.line, p.issue.kind]),
      [[0, 'yaml']],
    );
    assert.deepEqual(
      checkPromptText('---\nmodel: sonnet\n---\n\n').map((p) => [p.line, p.severity, p.issue.kind]),
      [[2, 'error', 'empty']],
    );
    assert.deepEqual(checkPromptText('Just a prompt.\n'), []);
  });
});

describe('prompt renames', () => {
  const root = path.resolve('/ws/.nightpilot/prompts');
  it('follows a renamed file and a renamed folder above it, and nothing else', () => {
    const file = path.join(root, 'review.md');
    assert.equal(
      movedPath(file, [{ from: file, to: path.join(root, 'nightly.md') }]),
      path.join(root, 'nightly.md'),
    );
    assert.equal(
      movedPath(file, [{ from: root, to: path.resolve('/ws/prompts') }]),
      path.resolve('/ws/prompts/review.md'),
    );
    // A sibling whose name starts the same is not inside the moved folder.
    assert.equal(
      movedPath(path.resolve('/ws/.nightpilot/prompts-old/x.md'), [{ from: root, to: '/elsewhere' }]),
      undefined,
    );
  });
});
