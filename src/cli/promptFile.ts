// Reading a prompt from a Markdown file for `--prompt-file`: the job keeps the file's absolute
// path (the file stays the user's to edit) and a copy of its content as of now.

import fs from 'node:fs';
import path from 'node:path';
import { readPromptSettings, splitFrontMatter } from '../core/frontMatter';
import { UsageError } from './exitCodes';
import { errorMessage } from '../core/errorMessage';

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
    throw new UsageError(`${option}: cannot read ${filePath}: ${errorMessage(err)}`);
  }
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${option}: ${filePath} is not UTF-8 text`);
  }
  const { data, body, error } = splitFrontMatter(content);
  if (error !== null) throw new UsageError(`${option}: ${filePath}: ${error}`);
  if (body.trim() === '') throw new UsageError(`${option}: ${filePath} has no prompt text`);
  const { settings } = readPromptSettings(data);
  return { filePath, content, title: settings.title ?? path.basename(filePath) };
}
