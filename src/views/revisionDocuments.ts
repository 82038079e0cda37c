// Read-only documents of a file at a commit (`night-pilot-rev:`), for the diff editor of a run's
// changes when the built-in Git extension does not have the repository open. A file that does not
// exist at that commit (added, or deleted by the run) is an empty document.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fileAtCommit } from '../git/diff';
import { runSupervisedProcess } from '../scheduler/processSupervisor';

export const REVISION_SCHEME = 'night-pilot-rev';

/** The document of `relative` (a repository path with `/`) at `commit` in `repository`. */
export function revisionUri(repository: string, relative: string, commit: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: REVISION_SCHEME,
    // The file's name last, so the editor picks its language and icon from it.
    path: `/${commit.slice(0, 12)}/${relative}`,
    query: JSON.stringify({ repository, relative, commit }),
  });
}

class RevisionProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { repository, relative, commit } = JSON.parse(uri.query) as {
      repository: string;
      relative: string;
      commit: string;
    };
    const text = await fileAtCommit(
      { runner: runSupervisedProcess, gitPath: 'git', env: process.env },
      path.resolve(repository),
      commit,
      relative,
    );
    return text ?? '';
  }
}

/** Registers the provider; the returned disposable unregisters it. */
export function registerRevisionDocuments(): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(REVISION_SCHEME, new RevisionProvider());
}
