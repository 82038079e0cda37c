// Diagnostics on prompt files as the user types: unknown front matter keys, values a run cannot
// use, bypassPermissions, no prompt text. Shown for Markdown in the prompt folder and for any file
// a job uses (core/promptCheck.ts is the same reader a run uses).
import * as vscode from 'vscode';
import type { PromptProblem } from '../core/promptCheck';
import { checkPromptText } from '../core/promptCheck';
import { isInPromptFolder } from './promptFolder';

/** The user's language for one problem; technical details (a YAML error) stay as the parser says. */
function message(issue: PromptProblem['issue']): string {
  switch (issue.kind) {
    case 'yaml':
      return vscode.l10n.t('Night Pilot cannot read this front matter: {0}', issue.detail);
    case 'notMapping':
      return vscode.l10n.t('The front matter must be a mapping of keys to values (key: value lines).');
    case 'unknownKey':
      return issue.suggestion
        ? vscode.l10n.t(
            'Unknown key "{0}": Night Pilot ignores it. Did you mean "{1}"?',
            issue.key,
            issue.suggestion,
          )
        : vscode.l10n.t(
            'Unknown key "{0}": Night Pilot ignores it. It knows title, model, permissionMode, allowedTools, disallowedTools, maxTurns, appendSystemPrompt and env.',
            issue.key,
          );
    case 'badValue':
      return vscode.l10n.t('{0}. A run of a job using this file fails until it is fixed.', issue.detail);
    case 'bypass':
      return vscode.l10n.t(
        'bypassPermissions is never taken from a prompt file: a run of a job using this file fails. Set it on the job itself (Edit Job) if you mean it.',
      );
    case 'empty':
      return vscode.l10n.t(
        'There is no prompt text after the front matter: a run would have nothing to send.',
      );
  }
}

/** Keeps the diagnostics of open prompt files current. */
export class PromptDiagnostics implements vscode.Disposable {
  private readonly _collection = vscode.languages.createDiagnosticCollection('nightPilot.prompts');
  private readonly _disposables: vscode.Disposable[] = [this._collection];

  /** @param _usedByJob  whether a job uses this file (checked even outside the prompt folder). */
  constructor(private readonly _usedByJob: (uri: vscode.Uri) => boolean) {
    this._disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.update(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this._collection.delete(d.uri)),
    );
    this.refreshAll();
  }

  /** Re-checks every open document (the set of files jobs use may have changed). */
  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  update(document: vscode.TextDocument): void {
    if (!this._applies(document)) {
      this._collection.delete(document.uri);
      return;
    }
    const problems = checkPromptText(document.getText());
    this._collection.set(
      document.uri,
      problems.map((p) => {
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(p.line, p.column, p.line, p.endColumn),
          message(p.issue),
          p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        diagnostic.source = 'Night Pilot';
        return diagnostic;
      }),
    );
  }

  private _applies(document: vscode.TextDocument): boolean {
    const uri = document.uri;
    if (uri.scheme === 'nightpilot-prompt') return true;
    if (uri.scheme !== 'file' || document.languageId !== 'markdown') return false;
    return isInPromptFolder(uri) || this._usedByJob(uri);
  }

  dispose(): void {
    for (const d of this._disposables) d.dispose();
  }
}
