// The To Review section at the top of the Jobs view: runs that worked in a git worktree and whose
// changes wait to be merged or discarded, newest first ("3 files +120 -14"), each expanding to its
// changed files; a file opens the diff editor (base vs the run's head).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunWorktree } from '../core/model';
import type { ChangedFile } from '../git/diff';
import { COMMAND } from '../commands/commandIds';
import { formatWhen } from './format';

export type ReviewNode =
  | { readonly kind: 'review'; readonly count: number }
  | { readonly kind: 'reviewRun'; readonly worktree: RunWorktree }
  | { readonly kind: 'reviewFile'; readonly worktree: RunWorktree; readonly file: ChangedFile }
  /** The files could not be listed (the repository moved...): what went wrong, as a row. */
  | { readonly kind: 'reviewProblem'; readonly worktree: RunWorktree; readonly message: string };

/** "3 files +120 -14", in the user's language. */
export function statsText(w: RunWorktree): string {
  if (w.stats === null) return vscode.l10n.t('not committed');
  return vscode.l10n.t('{0} file(s) +{1} -{2}', w.stats.filesChanged, w.stats.insertions, w.stats.deletions);
}

function sectionItem(node: Extract<ReviewNode, { kind: 'review' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('To Review'), vscode.TreeItemCollapsibleState.Expanded);
  item.id = 'review';
  item.description = vscode.l10n.t('{0} run(s) with changes', node.count);
  item.iconPath = new vscode.ThemeIcon('git-pull-request', new vscode.ThemeColor('charts.purple'));
  item.contextValue = 'review';
  item.tooltip = vscode.l10n.t(
    'Runs that worked in a git worktree of their own. Open a file to see its diff; merge or discard each run from its context menu.',
  );
  return item;
}

function runItem(node: Extract<ReviewNode, { kind: 'reviewRun' }>, now: Date): vscode.TreeItem {
  const w = node.worktree;
  const item = new vscode.TreeItem(
    `${w.jobName} · ${formatWhen(w.createdAt, now)}`,
    vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = `review/${w.runId}`;
  item.description = w.state === 'failed' ? vscode.l10n.t('could not be finished') : statsText(w);
  item.iconPath = new vscode.ThemeIcon(
    w.state === 'failed' ? 'warning' : 'git-branch',
    w.state === 'failed' ? new vscode.ThemeColor('list.warningForeground') : undefined,
  );
  item.contextValue = `reviewRun+${w.state}`;
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${w.jobName}**\n\n`);
  tip.appendText(
    vscode.l10n.t('Branch {0}, from {1} at {2}', w.branch, w.baseBranch, w.baseCommit.slice(0, 8)),
  );
  tip.appendText('\n\n');
  tip.appendText(vscode.l10n.t('Worktree: {0}', w.path));
  if (w.detail) tip.appendText(`\n\n${w.detail}`);
  item.tooltip = tip;
  return item;
}

function fileItem(node: Extract<ReviewNode, { kind: 'reviewFile' }>): vscode.TreeItem {
  const { worktree: w, file } = node;
  const item = new vscode.TreeItem(path.posix.basename(file.path), vscode.TreeItemCollapsibleState.None);
  item.id = `review/${w.runId}/${file.path}`;
  const folder = path.posix.dirname(file.path);
  item.description = [file.status, folder === '.' ? null : folder].filter(Boolean).join(' · ');
  // The file's icon from the theme, by its name.
  item.resourceUri = vscode.Uri.file(path.join(w.repository, file.path));
  item.contextValue = `reviewFile+${file.status}`;
  item.tooltip = file.oldPath ? `${file.oldPath} → ${file.path}` : file.path;
  item.command = {
    title: vscode.l10n.t('Open Changes'),
    command: COMMAND.openRunDiff,
    arguments: [w.runId, file.path],
  };
  return item;
}

function problemItem(node: Extract<ReviewNode, { kind: 'reviewProblem' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
  item.id = `review/${node.worktree.runId}/problem`;
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  item.contextValue = 'reviewProblem';
  return item;
}

/** The TreeItem of a To Review row. */
export function reviewTreeItem(node: ReviewNode, now: Date): vscode.TreeItem {
  const item = itemOf(node, now);
  // Screen readers say the row as it reads ("To Review, 2 run(s) with changes"), not its tooltip.
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  item.accessibilityInformation = {
    label:
      typeof item.description === 'string' && item.description !== ''
        ? `${label}, ${item.description}`
        : label,
  };
  return item;
}

function itemOf(node: ReviewNode, now: Date): vscode.TreeItem {
  switch (node.kind) {
    case 'review':
      return sectionItem(node);
    case 'reviewRun':
      return runItem(node, now);
    case 'reviewFile':
      return fileItem(node);
    case 'reviewProblem':
      return problemItem(node);
  }
}
