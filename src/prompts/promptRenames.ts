// Renames and moves made in VS Code (the Explorer, a refactoring, `workspace.fs.rename`) keep
// jobs linked to their prompt files: every prompt whose file, or a folder above it, moved gets
// the new path in one write. Renames outside VS Code (a `git mv` in a terminal) cannot be seen:
// the job then shows its prompt file as missing, and Edit Job points it at the file again.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { Tx } from '../storage/database';
import { pathKey } from './promptLinks';

export interface Move {
  from: string;
  to: string;
}

/** Where `file` is after `moves` (a file moved itself, or one of its folders), or undefined. */
export function movedPath(file: string, moves: readonly Move[]): string | undefined {
  const key = pathKey(file);
  for (const move of moves) {
    const from = pathKey(move.from);
    if (key === from) return move.to;
    if (key.startsWith(from + path.sep)) return path.join(move.to, path.resolve(file).slice(from.length + 1));
  }
  return undefined;
}

/** Inside the write lock: points every prompt at its file's new place; returns how many changed. */
export function applyMoves(tx: Tx, moves: readonly Move[]): { id: string; from: string; to: string }[] {
  const changed: { id: string; from: string; to: string }[] = [];
  for (const prompt of tx.prompts.list()) {
    if (!prompt.filePath) continue;
    const to = movedPath(prompt.filePath, moves);
    if (to === undefined) continue;
    tx.prompts.update(prompt.id, { filePath: to });
    changed.push({ id: prompt.id, from: prompt.filePath, to });
  }
  return changed;
}

/** The file moves of a rename event (other schemes are not prompt files). */
export function movesOf(event: vscode.FileRenameEvent): Move[] {
  return event.files
    .filter((f) => f.oldUri.scheme === 'file' && f.newUri.scheme === 'file')
    .map((f) => ({ from: f.oldUri.fsPath, to: f.newUri.fsPath }));
}
