// The prompt-file features of the editor, built once the database is open: diagnostics, the
// CodeLens, stored prompts in editor tabs, and rename tracking. `refresh` is called after every
// change of the jobs (the tree's coalesced repaint).
import * as vscode from 'vscode';
import type { NightPilotDatabase } from '../storage/database';
import type { Logger } from '../services/logger';
import { errorMessage } from '../core/errorMessage';
import { PromptCodeLensProvider } from './promptCodeLens';
import { PromptDiagnostics } from './promptDiagnostics';
import { PROMPT_SCHEME, PromptDocuments } from './promptDocuments';
import { hasPromptHolds, recheckPromptHolds } from '../scheduler/promptGate';
import { forgetPromptFiles } from './jobAttention';
import { isInPromptFolder } from './promptFolder';
import { PromptLinks } from './promptLinks';
import { applyMoves, movesOf } from './promptRenames';

export interface PromptFeatures {
  readonly links: PromptLinks;
  readonly disposables: vscode.Disposable[];
  /** The jobs or prompts changed: lenses, diagnostics and open stored prompts follow. */
  refresh(): void;
}

/**
 * @param onPromptFilesChanged  a prompt file used by a job was saved, created, renamed or
 *   deleted: the tree shows what that means for its jobs (a missing file, a review).
 */
export function registerPrompts(
  db: NightPilotDatabase,
  log: Logger,
  onPromptFilesChanged: () => void,
): PromptFeatures {
  const links = new PromptLinks(db);
  const codeLens = new PromptCodeLensProvider(links);
  const diagnostics = new PromptDiagnostics((uri) => links.isUsed(uri));
  const documents = new PromptDocuments(db);
  const relevant = (uri: vscode.Uri) => isInPromptFolder(uri) || links.isUsed(uri);
  const changed = () => {
    forgetPromptFiles();
    onPromptFilesChanged();
    // A run waiting for a prompt review may go now if the file was changed back.
    if (db.read((tx) => hasPromptHolds(tx))) {
      db.write((tx) => recheckPromptHolds(tx)).catch((err: unknown) =>
        log.warn(`Could not look at the runs held for a prompt review again: ${errorMessage(err)}`),
      );
    }
  };
  // Changes made outside VS Code (a git pull, a terminal) to the workspace's Markdown files.
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.md');
  const onWatched = (uri: vscode.Uri) => {
    if (relevant(uri)) changed();
  };
  const disposables: vscode.Disposable[] = [
    watcher,
    watcher.onDidChange(onWatched),
    watcher.onDidCreate(onWatched),
    watcher.onDidDelete(onWatched),
    codeLens,
    diagnostics,
    documents,
    vscode.languages.registerCodeLensProvider({ language: 'markdown', scheme: 'file' }, codeLens),
    vscode.workspace.registerFileSystemProvider(PROMPT_SCHEME, documents, { isCaseSensitive: true }),
    vscode.workspace.onDidRenameFiles(async (event) => {
      const moves = movesOf(event);
      if (moves.length === 0) return;
      try {
        const moved = await db.write((tx) => applyMoves(tx, moves));
        for (const c of moved) log.info(`Prompt ${c.id} moved with its file: ${c.from} -> ${c.to}.`);
        if (moved.length > 0) changed();
      } catch (err) {
        log.error(`Could not follow a renamed prompt file: ${errorMessage(err)}`, err);
        void vscode.window.showErrorMessage(
          vscode.l10n.t('Night Pilot could not follow the renamed prompt file: {0}', errorMessage(err)),
        );
      }
    }),
    // A deleted folder may hold prompt files or be a job's working folder.
    vscode.workspace.onDidDeleteFiles((e) => {
      if (e.files.some((uri) => uri.scheme === 'file')) changed();
    }),
    vscode.workspace.onDidCreateFiles((e) => {
      if (e.files.some(relevant)) changed();
    }),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (relevant(d.uri)) changed();
    }),
  ];
  return {
    links,
    disposables,
    refresh: () => {
      codeLens.refresh();
      diagnostics.refreshAll();
      documents.refresh();
    },
  };
}
