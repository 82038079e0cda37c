import * as vscode from 'vscode';

const contextKeyValues = new Map<string, unknown>();

/** Sets a `nightPilot:*` context key for `when` clauses, skipping values that did not change. */
export function setContextKey(key: string, value: unknown): void {
  if (contextKeyValues.get(key) === value) return;
  contextKeyValues.set(key, value);
  void vscode.commands.executeCommand('setContext', key, value);
}
