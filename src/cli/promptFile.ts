// Reading a prompt from a Markdown file for `--prompt-file`: the job keeps the file's absolute
// path (the file stays the user's to edit) and a copy of its content as of now.

import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './exitCodes';

/** Prompts are sent on stdin on every run and copied into the database: keep them reasonable. */
export const MAX_PROMPT_BYTES = 1024 * 1024;

export interface PromptFile {
  /** Absolute path. */
  filePath: string;
  content: string;
  /** The front matter's `title:`, else the file name. */
  title: string;
}

/** Reads and checks `--prompt-file` (relative to `cwd`); throws UsageError naming the problem. */
export function readPromptFile(value: string, cwd: string): PromptFile {
  const option = '--prompt-file';
  if (value.trim() === '') throw new UsageError(`${option}: the file name is empty`);
  const filePath = path.resolve(cwd, value);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch {
    throw new UsageError(`${option}: ${filePath} does not exist`);
  }
  if (!stat.isFile()) throw new UsageError(`${option}: ${filePath} is not a file`);
  if (stat.size > MAX_PROMPT_BYTES) {
    throw new UsageError(
      `${option}: ${filePath} is ${stat.size} bytes; a prompt may be at most ${MAX_PROMPT_BYTES} bytes (1 MiB)`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(filePath);
  } catch (err) {
    throw new UsageError(`${option}: cannot read ${filePath}: ${(err as Error).message}`);
  }
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${option}: ${filePath} is not UTF-8 text`);
  }
  const { title, body } = splitFrontMatter(content);
  if (body.trim() === '') throw new UsageError(`${option}: ${filePath} has no prompt text`);
  return { filePath, content, title: title ?? path.basename(filePath) };
}

/**
 * Splits YAML front matter (`---` ... `---` or `...` at the very top) from the Markdown body and
 * reads its top-level `title:` scalar. Only that one key matters here, so this reads it without
 * a YAML library: plain, 'single' or "double" quoted, with a trailing ` # comment` on plain ones.
 */
export function splitFrontMatter(text: string): { title: string | undefined; body: string } {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = source.split(/\r?\n/);
  if (lines[0]?.trimEnd() !== '---') return { title: undefined, body: source };
  const end = lines.findIndex((line, i) => i > 0 && (line.trimEnd() === '---' || line.trimEnd() === '...'));
  if (end === -1) return { title: undefined, body: source };
  let title: string | undefined;
  for (const line of lines.slice(1, end)) {
    const match = /^title\s*:(.*)$/.exec(line);
    if (match) title = yamlScalar(match[1]!.trim());
  }
  return { title: title === '' ? undefined : title, body: lines.slice(end + 1).join('\n') };
}

function yamlScalar(raw: string): string {
  if (raw.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(raw);
    if (m) {
      try {
        return JSON.parse(`"${m[1]!}"`) as string;
      } catch {
        return m[1]!;
      }
    }
  }
  if (raw.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'/.exec(raw);
    if (m) return m[1]!.replace(/''/g, "'");
  }
  return raw.replace(/\s+#.*$/, '').trim();
}
