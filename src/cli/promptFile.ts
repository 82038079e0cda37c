// Reading a prompt from a Markdown file for `--prompt-file`: the job keeps the file's absolute
// path (the file stays the user's to edit; every run reads it again) and a copy of its content as
// of now. The file is checked as a run would read it (scheduler/promptText.ts).

import path from 'node:path';
import type { PromptSettings } from '../core/frontMatter';
import { loadPromptFile } from '../scheduler/promptText';
import { UsageError } from './exitCodes';
import { errorMessage } from '../core/errorMessage';

export interface PromptFile {
  /** Absolute path. */
  filePath: string;
  content: string;
  /** The front matter's `title:`, else the file name. */
  title: string;
  /** The front matter's settings: job defaults (see core/promptGrants.ts). */
  settings: PromptSettings;
}

/** Reads and checks `--prompt-file` (relative to `cwd`); throws UsageError naming the problem. */
export function readPromptFile(value: string, cwd: string): PromptFile {
  const option = '--prompt-file';
  if (value.trim() === '') throw new UsageError(`${option}: the file name is empty`);
  const filePath = path.resolve(cwd, value);
  let loaded: ReturnType<typeof loadPromptFile>;
  try {
    loaded = loadPromptFile(filePath);
  } catch (err) {
    throw new UsageError(`${option}: ${errorMessage(err).replace(/\.$/, '')}`);
  }
  const { settings } = loaded.prompt;
  return { filePath, content: loaded.content, title: settings.title ?? path.basename(filePath), settings };
}
