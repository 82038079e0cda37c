// What is wrong with a prompt file as text, with where it is: the editor's diagnostics. The same
// reader as a run (frontMatter.ts), so an error here is the reason the run would give.

import { PROMPT_SETTING_KEYS, readPromptSettings, splitFrontMatter } from './frontMatter';

/** One problem and the lines/columns it covers (0-based; `endColumn` exclusive). */
export interface PromptProblem {
  line: number;
  column: number;
  endColumn: number;
  severity: 'error' | 'warning';
  issue:
    | { kind: 'yaml'; detail: string }
    | { kind: 'notMapping' }
    | { kind: 'unknownKey'; key: string; suggestion: string | undefined }
    | { kind: 'badValue'; key: string; detail: string }
    | { kind: 'bypass' }
    | { kind: 'empty' };
}

/** The problems of a prompt file's text, front matter first. */
export function checkPromptText(text: string): PromptProblem[] {
  const split = splitFrontMatter(text);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const problems: PromptProblem[] = [];
  const whole = (line: number) => ({ line, column: 0, endColumn: Math.max(1, lines[line]?.length ?? 1) });
  const closing =
    split.raw === null ? -1 : lines.findIndex((l, i) => i > 0 && /^(?:---|\.\.\.)[ \t]*$/.test(l));
  /** The line of `key:` inside the front matter block, else the opening line. */
  const keyAt = (key: string) => {
    for (let i = 1; i < closing; i++) {
      const match = new RegExp(`^(\\s*["']?)(${escapeRegExp(key)})["']?\\s*:`).exec(lines[i]!);
      if (match) return { line: i, column: match[1]!.length, endColumn: match[1]!.length + key.length };
    }
    return whole(0);
  };
  if (split.error !== null) {
    problems.push({
      ...whole(0),
      severity: 'error',
      issue:
        split.raw !== null && /not a mapping/.test(split.error)
          ? { kind: 'notMapping' }
          : { kind: 'yaml', detail: split.error },
    });
  } else if (split.raw !== null) {
    const { problems: bad, unknownKeys } = readPromptSettings(split.data);
    for (const detail of bad) {
      const key = /^front matter "([^"]+)"/.exec(detail)?.[1] ?? '';
      problems.push({ ...keyAt(key), severity: 'error', issue: { kind: 'badValue', key, detail } });
    }
    if (split.data.permissionMode === 'bypassPermissions')
      problems.push({ ...keyAt('permissionMode'), severity: 'error', issue: { kind: 'bypass' } });
    for (const key of unknownKeys)
      problems.push({
        ...keyAt(key),
        severity: 'warning',
        issue: { kind: 'unknownKey', key, suggestion: suggest(key) },
      });
  }
  if (split.body.trim() === '') {
    const line = Math.min(lines.length - 1, closing === -1 ? 0 : closing);
    problems.push({ ...whole(line), severity: 'error', issue: { kind: 'empty' } });
  }
  return problems;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A known key that differs from `key` only in case or by a dash/underscore spelling. */
function suggest(key: string): string | undefined {
  const plain = (k: string) => k.toLowerCase().replace(/[-_\s]/g, '');
  return PROMPT_SETTING_KEYS.find((known) => plain(known) === plain(key));
}
