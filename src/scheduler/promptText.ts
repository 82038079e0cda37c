import fs from 'node:fs';
import { splitFrontMatter } from '../core/frontMatter';
import type { Prompt } from '../core/model';

/** Drops a leading YAML front-matter block: it configures the job, it is not said to Claude. */
function stripFrontMatter(text: string): string {
  return splitFrontMatter(text).body;
}

/**
 * The text to send for a prompt: the workspace file when it has one (so edits take effect on the
 * next run), else the stored content. Throws with the path when the file has gone.
 */
export function readPromptText(prompt: Prompt): string {
  if (prompt.filePath) {
    try {
      return stripFrontMatter(fs.readFileSync(prompt.filePath, 'utf8'));
    } catch (err) {
      if (prompt.content.trim().length > 0) return stripFrontMatter(prompt.content);
      throw new Error(`The prompt file ${prompt.filePath} cannot be read: ${(err as Error).message}`);
    }
  }
  if (prompt.content.trim().length === 0) throw new Error(`The prompt "${prompt.title}" is empty.`);
  return prompt.content;
}
