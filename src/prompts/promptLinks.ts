// Which jobs use which prompt file, read from the database once per change of it: the CodeLens,
// the diagnostics and rename tracking ask here instead of querying for every document.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { Job, Prompt } from '../core/model';
import type { NightPilotDatabase } from '../storage/database';

/** A prompt file's path as compared here (case-folded where the file system folds case). */
export function pathKey(file: string): string {
  const resolved = path.resolve(file);
  return process.platform === 'win32' || process.platform === 'darwin' ? resolved.toLowerCase() : resolved;
}

export interface PromptUse {
  job: Job;
  prompt: Prompt;
}

export class PromptLinks {
  private _byFile: Map<string, PromptUse[]> | undefined;
  private _generation = -1;

  constructor(private readonly _db: NightPilotDatabase) {}

  /** The jobs whose prompt is this file, by name. */
  jobsUsing(uri: vscode.Uri): PromptUse[] {
    if (uri.scheme !== 'file') return [];
    return this._index().get(pathKey(uri.fsPath)) ?? [];
  }

  /** Whether any job uses this file. */
  isUsed(uri: vscode.Uri): boolean {
    return this.jobsUsing(uri).length > 0;
  }

  private _index(): Map<string, PromptUse[]> {
    // The generation changes with every write this process saw and every reload of the file.
    if (this._byFile && this._generation === this._db.generation) return this._byFile;
    const index = new Map<string, PromptUse[]>();
    this._db.read((tx) => {
      const prompts = new Map(tx.prompts.list().map((p) => [p.id, p]));
      for (const job of tx.jobs.list()) {
        const prompt = prompts.get(job.promptId);
        if (!prompt?.filePath) continue;
        const key = pathKey(prompt.filePath);
        index.set(key, [...(index.get(key) ?? []), { job, prompt }]);
      }
    });
    for (const uses of index.values()) uses.sort((a, b) => a.job.name.localeCompare(b.job.name));
    this._byFile = index;
    this._generation = this._db.generation;
    return index;
  }
}
