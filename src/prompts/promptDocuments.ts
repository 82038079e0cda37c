// Prompts that live only in the database (imported from the old app, or typed into Create Job)
// open in an editor tab as `nightpilot-prompt:/<prompt id>/<title>.md` and save back to the
// database; the next run uses the saved text. The same checks as a run apply on save.
import * as vscode from 'vscode';
import { jobSlug } from '../core/jobSlug';
import type { Prompt } from '../core/model';
import { checkPromptText } from '../core/promptCheck';
import type { NightPilotDatabase } from '../storage/database';
import { MAX_PROMPT_BYTES } from '../scheduler/promptText';

export const PROMPT_SCHEME = 'nightpilot-prompt';

/** The editor URI of a stored prompt. */
export function promptDocumentUri(prompt: Prompt): vscode.Uri {
  const name = jobSlug(prompt.title, prompt.id);
  return vscode.Uri.from({ scheme: PROMPT_SCHEME, path: `/${prompt.id}/${name}.md` });
}

function promptIdOf(uri: vscode.Uri): string {
  return uri.path.split('/')[1] ?? '';
}

export class PromptDocuments implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly _onDidChangeFile = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this._onDidChangeFile.event;
  /** The stored prompts open in editors, with the `updatedAt` they were last seen at. */
  private readonly _watched = new Map<string, { uri: vscode.Uri; updatedAt: string }>();

  constructor(private readonly _db: NightPilotDatabase) {}

  /** The database changed (maybe another window saved a prompt): open editors reload theirs. */
  refresh(): void {
    const changed: vscode.FileChangeEvent[] = [];
    for (const [id, seen] of this._watched) {
      const prompt = this._db.read((tx) => tx.prompts.get(id));
      if (prompt === undefined) {
        changed.push({ type: vscode.FileChangeType.Deleted, uri: seen.uri });
        this._watched.delete(id);
      } else if (prompt.updatedAt !== seen.updatedAt) {
        seen.updatedAt = prompt.updatedAt;
        changed.push({ type: vscode.FileChangeType.Changed, uri: seen.uri });
      }
    }
    if (changed.length > 0) this._onDidChangeFile.fire(changed);
  }

  watch(uri: vscode.Uri): vscode.Disposable {
    const id = promptIdOf(uri);
    const prompt = this._db.read((tx) => tx.prompts.get(id));
    if (prompt) this._watched.set(id, { uri, updatedAt: prompt.updatedAt });
    return new vscode.Disposable(() => this._watched.delete(id));
  }

  private _prompt(uri: vscode.Uri): Prompt {
    const prompt = this._db.read((tx) => tx.prompts.get(promptIdOf(uri)));
    if (!prompt) throw vscode.FileSystemError.FileNotFound(uri);
    return prompt;
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const prompt = this._prompt(uri);
    return {
      type: vscode.FileType.File,
      ctime: Date.parse(prompt.createdAt),
      mtime: Date.parse(prompt.updatedAt),
      size: Buffer.byteLength(prompt.content),
    };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    return new TextEncoder().encode(this._prompt(uri).content);
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const prompt = this._prompt(uri);
    if (content.byteLength > MAX_PROMPT_BYTES) {
      throw vscode.FileSystemError.NoPermissions(
        vscode.l10n.t('A prompt may be at most 1 MiB; this one is {0} bytes.', content.byteLength),
      );
    }
    const text = new TextDecoder().decode(content);
    // Saving a prompt no run could use would only move the error to 2 a.m.
    const fatal = checkPromptText(text).find((p) => p.severity === 'error');
    if (fatal) {
      throw vscode.FileSystemError.NoPermissions(
        fatal.issue.kind === 'empty'
          ? vscode.l10n.t('Not saved: the prompt has no text.')
          : vscode.l10n.t(
              'Not saved: the front matter has an error on line {0}; see the Problems view.',
              fatal.line + 1,
            ),
      );
    }
    const saved = await this._db.write((tx) => tx.prompts.update(prompt.id, { content: text }));
    const watched = this._watched.get(prompt.id);
    if (watched) watched.updatedAt = saved.updatedAt;
    this._onDidChangeFile.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this._onDidChangeFile.dispose();
  }
}
