// Prompt files' YAML front matter: one reader for the CLI, the executor and the export.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readPromptSettings, splitFrontMatter } from '../../src/core/frontMatter';
import type { Prompt } from '../../src/core/model';
import { readRunPrompt } from '../../src/scheduler/promptText';

function filePrompt(file: string): Prompt {
  return { id: 'p', title: 'p', content: '', filePath: file, tags: [], createdAt: '', updatedAt: '' };
}

describe('prompt front matter', () => {
  it('never sends the front matter of a file saved with a BOM or closed by "..." to Claude', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-prompt-'));
    try {
      const bom = path.join(dir, 'bom.md');
      fs.writeFileSync(bom, '\uFEFF---\r\ntitle: Review\r\nmodel: opus\r\n---\r\nReview the day.\r\n');
      assert.equal(readRunPrompt(filePrompt(bom)).text, 'Review the day.\r\n');
      const dots = path.join(dir, 'dots.md');
      fs.writeFileSync(dots, '---\nmodel: opus\n...\n\nReview.\n');
      assert.equal(readRunPrompt(filePrompt(dots)).text, 'Review.\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the settings the front matter may carry and names the ones it cannot use', () => {
    const { data, body, error } = splitFrontMatter(
      '---\ntitle: Nightly\nmodel: sonnet\npermissionMode: acceptEdits\nallowedTools: "Read,Bash(git log:*)"\n' +
        'disallowedTools: [WebFetch]\nmaxTurns: 0\nenv: {CI: 1}\ncolour: blue\n---\nBody\n',
    );
    assert.equal(error, null);
    assert.equal(body, 'Body\n');
    const { settings, problems, unknownKeys } = readPromptSettings(data);
    assert.deepEqual(settings, {
      title: 'Nightly',
      model: 'sonnet',
      permissionMode: 'acceptEdits',
      allowedTools: ['Read', 'Bash(git log:*)'],
      disallowedTools: ['WebFetch'],
      env: { CI: '1' },
    });
    assert.deepEqual(problems, ['front matter "maxTurns": 0 is not a whole number from 1 to 10000']);
    assert.deepEqual(unknownKeys, ['colour']);
  });

  it('reports front matter that is not YAML, or not a mapping, and keeps the body', () => {
    assert.match(splitFrontMatter('---\nmodel: [x\n---\nBody').error ?? '', /not valid YAML/);
    assert.match(splitFrontMatter('---\n- a\n- b\n---\nBody').error ?? '', /not a mapping/);
    assert.equal(splitFrontMatter('---\n- a\n---\nBody').body, 'Body');
    assert.equal(splitFrontMatter('---\nunclosed\nBody').body, '---\nunclosed\nBody');
  });
});
