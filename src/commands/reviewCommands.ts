// The To Review actions on a worktree run: its changes in VS Code's diff editor, Merge into
// <base>, Open Worktree in New Window, Copy Branch Name, Discard. Each takes a To Review row, a
// run id, or nothing (the user picks among the runs to review).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunWorktree } from '../core/model';
import { PENDING_REVIEW_STATES } from '../core/model';
import { errorMessage } from '../core/errorMessage';
import type { GitDeps } from '../git/gitCommand';
import type { MergedRun } from '../scheduler/worktreeReview';
import { ReviewRefused, discardRunWorktree, mergeRunWorktree } from '../scheduler/worktreeReview';
import { runSupervisedProcess } from '../scheduler/processSupervisor';
import type { NightPilotDatabase } from '../storage/database';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { revisionUri } from '../views/revisionDocuments';
import { statsText } from '../views/reviewItems';

function extensionGit(): GitDeps {
  return { runner: runSupervisedProcess, gitPath: 'git', env: process.env };
}

/** The worktree row an argument names: a To Review row, a file row, a run id; else a pick. */
async function worktreeOf(
  db: NightPilotDatabase,
  arg: unknown,
  placeHolder: string,
): Promise<RunWorktree | undefined> {
  let runId: string | undefined;
  if (typeof arg === 'string') runId = arg;
  else if (typeof arg === 'object' && arg !== null && 'worktree' in arg)
    runId = (arg as { worktree: RunWorktree }).worktree.runId;
  if (runId === undefined) {
    const rows = db.read((tx) => tx.worktrees.list(PENDING_REVIEW_STATES));
    if (rows.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Night Pilot: no runs to review.'));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      rows.map((w) => ({ label: w.jobName, description: statsText(w), detail: w.branch, w })),
      { placeHolder },
    );
    return picked?.w;
  }
  const row = db.read((tx) => tx.worktrees.get(runId));
  if (!row) throw new Error(vscode.l10n.t('The run {0} did not work in a git worktree.', runId));
  return row;
}

/** `nightPilot.openRunDiff`: one changed file, base vs the run's head, in the diff editor. */
export async function openRunDiff(
  ctx: CommandContext,
  arg: unknown,
  file: unknown,
): Promise<vscode.Uri[] | undefined> {
  const db = requireDatabase(ctx);
  const w = await worktreeOf(db, arg, vscode.l10n.t('Show the changes of which run?'));
  if (!w) return undefined;
  const head = w.headCommit;
  if (head === null) throw new Error(vscode.l10n.t('The run {0} committed nothing to show.', w.runId));
  let relative = typeof file === 'string' ? file : undefined;
  if (typeof arg === 'object' && arg !== null && 'file' in arg)
    relative = (arg as { file: { path: string } }).file.path;
  if (relative === undefined) return undefined;
  const oldPath =
    typeof arg === 'object' && arg !== null && 'file' in arg
      ? ((arg as { file: { oldPath: string | null } }).file.oldPath ?? relative)
      : relative;
  const left = await sideUri(w, oldPath, w.baseCommit);
  const right = await sideUri(w, relative, head);
  const title = vscode.l10n.t('{0} ({1} ↔ {2})', path.posix.basename(relative), w.baseBranch, w.branch);
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
  return [left, right];
}

/**
 * The file at a commit: through the built-in Git extension when it has the repository open (its
 * `git:` documents, with blame and the rest), else Night Pilot's read-only document.
 */
async function sideUri(w: RunWorktree, relative: string, commit: string): Promise<vscode.Uri> {
  const file = vscode.Uri.file(path.join(w.repository, ...relative.split('/')));
  try {
    const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
    const exports = extension?.isActive ? extension.exports : await extension?.activate();
    const api = exports?.enabled ? exports.getAPI(1) : undefined;
    if (api?.getRepository(file)) return api.toGitUri(file, commit);
  } catch {
    // The Git extension is off or failed: our own read-only documents show the same text.
  }
  return revisionUri(w.repository, relative, commit);
}

/** The part of the built-in Git extension's API used here (extensions/git/src/api/git.d.ts). */
interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): {
    getRepository(uri: vscode.Uri): unknown;
    toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
  };
}

/** `nightPilot.mergeRun`: Merge into <base>; a conflict opens the worktree to resolve it. */
export async function mergeRun(
  ctx: CommandContext,
  arg: unknown,
  options: { openOnConflict?: boolean } = {},
): Promise<MergedRun | undefined> {
  const db = requireDatabase(ctx);
  const w = await worktreeOf(db, arg, vscode.l10n.t('Merge which run?'));
  if (!w) return undefined;
  let merged: MergedRun;
  try {
    merged = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Merging {0} into {1}...', w.branch, w.baseBranch),
      },
      () => mergeRunWorktree(db, extensionGit(), w.runId),
    );
  } catch (err) {
    if (err instanceof ReviewRefused)
      throw new Error(vscode.l10n.t('Night Pilot did not merge: {0}', err.message));
    throw err;
  }
  ctx.refresh();
  const { result } = merged;
  ctx.log.info(`Merge of run ${w.runId} (${w.branch} into ${w.baseBranch}): ${result.outcome}.`);
  if (result.outcome === 'conflict') {
    const open = vscode.l10n.t('Open Worktree');
    const message = vscode.l10n.t(
      'Merging {0} into {1} stopped on conflicts in {2}. Nothing was changed. Resolve them in the worktree (merge {1} into the branch there), then merge again.',
      w.branch,
      w.baseBranch,
      result.files.join(', '),
    );
    if (options.openOnConflict === false) void vscode.window.showWarningMessage(message, open);
    else {
      void vscode.window.showWarningMessage(message, open).then((choice) => {
        if (choice === open) void openRunWorktree(ctx, w.runId);
      });
      await openRunWorktree(ctx, w.runId);
    }
    return merged;
  }
  void vscode.window.showInformationMessage(
    result.outcome === 'fast-forward'
      ? vscode.l10n.t('Merged {0} into {1} (fast-forward).', w.branch, w.baseBranch)
      : result.outcome === 'merge-commit'
        ? vscode.l10n.t('Merged {0} into {1} with a merge commit.', w.branch, w.baseBranch)
        : vscode.l10n.t('{1} already had every commit of {0}.', w.branch, w.baseBranch),
  );
  return merged;
}

/** `nightPilot.discardRun`: removes the run's worktree and branch, after confirming. */
export async function discardRun(
  ctx: CommandContext,
  arg: unknown,
  options: { confirm?: boolean } = {},
): Promise<RunWorktree | undefined> {
  const db = requireDatabase(ctx);
  const w = await worktreeOf(db, arg, vscode.l10n.t('Discard which run?'));
  if (!w) return undefined;
  if (options.confirm !== false) {
    const discard = vscode.l10n.t('Discard');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Discard the changes of {0} ({1})?', w.jobName, statsText(w)),
      {
        modal: true,
        detail: vscode.l10n.t(
          'The worktree {0} and the branch {1} are removed. This cannot be undone.',
          w.path,
          w.branch,
        ),
      },
      discard,
    );
    if (choice !== discard) return undefined;
  }
  try {
    const done = await discardRunWorktree(db, extensionGit(), w.runId);
    ctx.refresh();
    ctx.log.info(`Discarded run ${w.runId}: ${w.branch} and ${w.path} removed.`);
    return done;
  } catch (err) {
    if (err instanceof ReviewRefused)
      throw new Error(vscode.l10n.t('Night Pilot did not discard: {0}', err.message));
    throw new Error(errorMessage(err));
  }
}

/** `nightPilot.openRunWorktree`: the run's worktree in a new window. */
export async function openRunWorktree(ctx: CommandContext, arg: unknown): Promise<vscode.Uri | undefined> {
  const db = requireDatabase(ctx);
  const w = await worktreeOf(db, arg, vscode.l10n.t('Open the worktree of which run?'));
  if (!w) return undefined;
  const uri = vscode.Uri.file(w.path);
  await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
  return uri;
}

/** `nightPilot.copyBranchName`: the run's branch on the clipboard. */
export async function copyBranchName(ctx: CommandContext, arg: unknown): Promise<string | undefined> {
  const db = requireDatabase(ctx);
  const w = await worktreeOf(db, arg, vscode.l10n.t('Copy the branch of which run?'));
  if (!w) return undefined;
  await vscode.env.clipboard.writeText(w.branch);
  void vscode.window.setStatusBarMessage(
    vscode.l10n.t('Night Pilot: copied the branch name {0}', w.branch),
    3000,
  );
  return w.branch;
}
