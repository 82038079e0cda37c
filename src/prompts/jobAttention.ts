// What the Jobs view must show about a job's prompt and folder before its next run finds out: the
// prompt file is gone or broken, its permissions changed and wait for review, the working folder
// is gone. The tree calls `decorateJobItem`; this file owns the wording so the tree's own layout
// can change around it.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Job, Prompt } from '../core/model';
import { resolvePromptOptions } from '../core/promptGrants';
import { PromptUnavailableError, readRunPrompt } from '../scheduler/promptText';
import { isDirectory } from '../scheduler/workingFolder';
import { escapeMarkdown } from '../views/format';

/** What needs the user's attention, most serious first. */
export type JobAttention =
  | { kind: 'promptMissing'; file: string }
  | { kind: 'promptBroken'; message: string }
  | { kind: 'folderMissing'; folder: string }
  | { kind: 'review' };

interface Cached {
  /** When the file was last looked at (ms); within FRESH_MS it is not looked at again. */
  checkedAt: number;
  mtimeMs: number;
  size: number;
  /** What readRunPrompt made of the file at that version (settings, or the problem). */
  read: ReturnType<typeof readRunPrompt> | PromptUnavailableError;
}

// A tree of 1,000 jobs repaints often while runs write: it must not stat 2,000 paths each time.
// Files and folders are looked at again after FRESH_MS, or at once when VS Code reports a change
// (forgetPromptFiles); a file is read again only when its size or modification time changed.
const FRESH_MS = 5_000;
const CACHE_LIMIT = 2_000;
const files = new Map<string, Cached>();
const folders = new Map<string, { checkedAt: number; exists: boolean }>();

/** Files or folders changed (saved, created, renamed, deleted): look at them again. */
export function forgetPromptFiles(): void {
  files.clear();
  folders.clear();
}

function readPrompt(prompt: Prompt): ReturnType<typeof readRunPrompt> | PromptUnavailableError {
  try {
    return readRunPrompt(prompt);
  } catch (err) {
    return err instanceof PromptUnavailableError
      ? err
      : new PromptUnavailableError(String(err), 'unreadable');
  }
}

function readCached(prompt: Prompt, now: number): ReturnType<typeof readRunPrompt> | PromptUnavailableError {
  const file = prompt.filePath;
  if (file === null) return readPrompt(prompt);
  const hit = files.get(file);
  if (hit && now - hit.checkedAt < FRESH_MS) return hit.read;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    stat = undefined;
  }
  const read =
    hit && stat && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size ? hit.read : readPrompt(prompt);
  if (files.size >= CACHE_LIMIT) files.clear();
  files.set(file, { checkedAt: now, mtimeMs: stat?.mtimeMs ?? -1, size: stat?.size ?? -1, read });
  return read;
}

function folderExists(folder: string, now: number): boolean {
  const hit = folders.get(folder);
  if (hit && now - hit.checkedAt < FRESH_MS) return hit.exists;
  const exists = isDirectory(folder);
  if (folders.size >= CACHE_LIMIT) folders.clear();
  folders.set(folder, { checkedAt: now, exists });
  return exists;
}

/** What about this job needs attention now, or undefined when nothing does. */
export function jobAttention(job: Job, prompt: Prompt | undefined): JobAttention | undefined {
  const now = Date.now();
  if (prompt) {
    const read = readCached(prompt, now);
    if (read instanceof PromptUnavailableError) {
      return read.kind === 'missing' && prompt.filePath !== null
        ? { kind: 'promptMissing', file: prompt.filePath }
        : { kind: 'promptBroken', message: read.message };
    }
    const folder = job.options.workingDirectory;
    if (folder !== null && !folderExists(folder, now)) return { kind: 'folderMissing', folder };
    const resolved = resolvePromptOptions(job.options, read.settings);
    if (!resolved.ok && resolved.reason === 'review') return { kind: 'review' };
    if (!resolved.ok)
      return {
        kind: 'promptBroken',
        message: vscode.l10n.t(
          'The prompt file asks for bypassPermissions, which Night Pilot never takes from a file.',
        ),
      };
    return undefined;
  }
  const folder = job.options.workingDirectory;
  return folder !== null && !folderExists(folder, now) ? { kind: 'folderMissing', folder } : undefined;
}

interface AttentionNote {
  /** Before the row's description. */
  short: string;
  /** In the tooltip. */
  long: string;
  error: boolean;
}

function noteOf(attention: JobAttention): AttentionNote {
  switch (attention.kind) {
    case 'promptMissing':
      return {
        short: vscode.l10n.t('prompt file missing'),
        long: vscode.l10n.t(
          'The prompt file {0} does not exist: the next run fails. Restore it, or choose another prompt with Edit Job.',
          attention.file,
        ),
        error: true,
      };
    case 'promptBroken':
      return { short: vscode.l10n.t('prompt has errors'), long: attention.message, error: true };
    case 'folderMissing':
      return {
        short: vscode.l10n.t('folder missing'),
        long: vscode.l10n.t(
          'The working folder {0} does not exist: the next run fails. Restore it, or choose another folder with Edit Job.',
          attention.folder,
        ),
        error: true,
      };
    case 'review':
      return {
        short: vscode.l10n.t('review prompt permissions'),
        long: vscode.l10n.t(
          "The prompt's permissions changed since you confirmed them: its next run waits until you review them (Review Prompt Permissions).",
        ),
        error: false,
      };
  }
}

/**
 * Marks a job's row when its prompt or folder needs the user: a short note before the
 * description, a warning or error icon, and `+promptReview` in the contextValue when the prompt's
 * permissions wait for review (the menu offers "Review Prompt Permissions").
 */
export function decorateJobItem(item: vscode.TreeItem, job: Job, prompt: Prompt | undefined): void {
  const attention = jobAttention(job, prompt);
  if (!attention) return;
  const note = noteOf(attention);
  const description = String(item.description ?? '');
  // A run already held for the review says so in the description (the tree's hold label).
  const said = attention.kind === 'review' && description.includes(vscode.l10n.t('waits for your review'));
  if (!said) item.description = description ? `${note.short} · ${description}` : note.short;
  item.iconPath = new vscode.ThemeIcon(
    note.error ? 'error' : 'warning',
    new vscode.ThemeColor(note.error ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground'),
  );
  if (attention.kind === 'review') item.contextValue = `${item.contextValue ?? 'job'}+promptReview`;
}

/** The tooltip's line about what needs the user, when something does. */
export function appendJobAttention(
  tooltip: vscode.MarkdownString,
  job: Job,
  prompt: Prompt | undefined,
): void {
  const attention = jobAttention(job, prompt);
  if (!attention) return;
  const note = noteOf(attention);
  tooltip.appendMarkdown(`\n\n$(${note.error ? 'error' : 'warning'}) ${escapeMarkdown(note.long)}`);
}
