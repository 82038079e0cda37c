// A job's prompt as one run uses it: the workspace file read fresh (so edits apply to the next
// run), its YAML front matter split off as job defaults (core/promptGrants.ts decides what of it
// applies), or the text stored in the database. A file that is gone or unreadable fails the run
// with that reason: a run never falls back to an old stored copy.

import fs from 'node:fs';
import type { PromptSettings } from '../core/frontMatter';
import { readPromptSettings, splitFrontMatter } from '../core/frontMatter';
import type { Prompt } from '../core/model';
import { errorMessage } from '../core/errorMessage';

/** Prompts are sent on stdin and parsed on every run: keep them reasonable. */
export const MAX_PROMPT_BYTES = 1024 * 1024;

export interface RunPrompt {
  /** What Claude is told: the text without its front matter. */
  text: string;
  /** The front matter's settings (empty without front matter). */
  settings: PromptSettings;
  /** Keys the front matter has that Night Pilot does not know (typos); they are not used. */
  unknownKeys: string[];
}

/** Why a prompt cannot be used for a run; the message names the file and what to do. */
export class PromptUnavailableError extends Error {
  constructor(
    message: string,
    readonly kind: 'missing' | 'unreadable' | 'invalid' | 'empty',
  ) {
    super(message);
    this.name = 'PromptUnavailableError';
  }
}

/**
 * Reads the prompt for a run. Throws PromptUnavailableError when its file is gone or unreadable,
 * its front matter is not valid (a key Night Pilot cannot read would otherwise be silently
 * dropped: a `maxTurns` typo must not mean "no limit"), or there is no text to send.
 */
export function readRunPrompt(prompt: Prompt): RunPrompt {
  if (prompt.filePath === null) return parsePrompt(`The prompt "${prompt.title}"`, prompt.content);
  try {
    return loadPromptFile(prompt.filePath).prompt;
  } catch (err) {
    if (err instanceof PromptUnavailableError && err.kind === 'missing') {
      throw new PromptUnavailableError(
        `${err.message.replace(/\.$/, '')} (deleted, or moved outside VS Code). Restore it, or choose the job's prompt again (Edit Job, or night-pilot job edit --prompt-file).`,
        'missing',
      );
    }
    throw err;
  }
}

/** A prompt file's text and what a run makes of it; the same checks as readRunPrompt. */
export function loadPromptFile(file: string): { content: string; prompt: RunPrompt } {
  const content = readPromptFileText(file);
  return { content, prompt: parsePrompt(`The prompt file ${file}`, content) };
}

function parsePrompt(where: string, source: string): RunPrompt {
  const split = splitFrontMatter(source);
  if (split.error !== null) throw new PromptUnavailableError(`${where}: ${split.error}.`, 'invalid');
  const { settings, problems, unknownKeys } = readPromptSettings(split.data);
  if (problems.length > 0) {
    throw new PromptUnavailableError(
      `${where} has front matter Night Pilot cannot use: ${problems.join('; ')}. Fix it and run again.`,
      'invalid',
    );
  }
  if (split.body.trim() === '') throw new PromptUnavailableError(`${where} has no prompt text.`, 'empty');
  return { text: split.body, settings, unknownKeys };
}

function readPromptFileText(file: string): string {
  const unreadable = (err: unknown) =>
    new PromptUnavailableError(`The prompt file ${file} cannot be read: ${errorMessage(err)}`, 'unreadable');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new PromptUnavailableError(`The prompt file ${file} does not exist.`, 'missing');
    throw unreadable(err);
  }
  if (!stat.isFile())
    throw new PromptUnavailableError(`The prompt file ${file} is not a file.`, 'unreadable');
  if (stat.size > MAX_PROMPT_BYTES) {
    throw new PromptUnavailableError(
      `The prompt file ${file} is ${stat.size} bytes; a prompt may be at most ${MAX_PROMPT_BYTES} bytes (1 MiB).`,
      'invalid',
    );
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw unreadable(err);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new PromptUnavailableError(`The prompt file ${file} is not UTF-8 text.`, 'invalid');
  }
}
