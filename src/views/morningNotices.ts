// What the first window of the day says: "Last night: 5 runs, 3 with changes to review, 1
// failed", with a button to the To Review section; and, unless the user said to keep them, an
// offer to remove the worktrees of runs that retention pruned before anyone merged or discarded
// them (never removed without asking).
import * as vscode from 'vscode';
import { errorMessage } from '../core/errorMessage';
import { PENDING_REVIEW_STATES } from '../core/model';
import { defaultTimeZone } from '../core/timeZone';
import { claimOvernightSummary } from '../scheduler/overnightSummary';
import { runSupervisedProcess } from '../scheduler/processSupervisor';
import { discardRunWorktree } from '../scheduler/worktreeReview';
import type { NightPilotDatabase } from '../storage/database';
import type { Logger } from '../services/logger';
import type { JobsTreeProvider } from './jobsTree';

/** Says what happened overnight, once a day over all windows; resolves with what it said. */
export async function showOvernightSummary(
  db: NightPilotDatabase,
  jobsTree: JobsTreeProvider,
  now = new Date(),
): Promise<string | undefined> {
  if (!vscode.workspace.getConfiguration('nightPilot').get<boolean>('notifications.overnightSummary', true))
    return undefined;
  const summary = await db.write((tx) => claimOvernightSummary(tx, now, defaultTimeZone()));
  if (summary === null) return undefined;
  const message = vscode.l10n.t(
    'Last night: {0} run(s), {1} with changes to review, {2} failed.',
    summary.runs,
    summary.toReview,
    summary.failed,
  );
  const review = vscode.l10n.t('Review');
  void vscode.window
    .showInformationMessage(message, ...(summary.toReview > 0 ? [review] : []))
    .then((choice) => (choice === review ? jobsTree.revealReview() : undefined));
  return message;
}

/**
 * Offers to remove the worktrees and branches of pruned runs that were never merged or discarded
 * (setting `nightPilot.retention.unmergedWorktrees`: `ask`, or `keep` to never ask).
 */
export async function offerToRemovePrunedWorktrees(db: NightPilotDatabase, log: Logger): Promise<number> {
  const setting = vscode.workspace
    .getConfiguration('nightPilot')
    .get<string>('retention.unmergedWorktrees', 'ask');
  if (setting === 'keep') return 0;
  const orphans = db.read((tx) => tx.worktrees.listWithoutRun(PENDING_REVIEW_STATES));
  if (orphans.length === 0) return 0;
  const remove = vscode.l10n.t('Remove');
  const keep = vscode.l10n.t('Keep Them');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      '{0} run(s) removed by retention still have a worktree and branch that were never merged or discarded ({1}). Remove them?',
      orphans.length,
      orphans.map((w) => w.branch).join(', '),
    ),
    remove,
    keep,
  );
  if (choice !== remove) return 0;
  let removed = 0;
  for (const w of orphans) {
    try {
      await discardRunWorktree(
        db,
        { runner: runSupervisedProcess, gitPath: 'git', env: process.env },
        w.runId,
      );
      removed++;
    } catch (err) {
      log.warn(`Could not remove the worktree of pruned run ${w.runId}: ${errorMessage(err)}`);
    }
  }
  log.info(`Removed ${removed} worktree(s) of pruned runs, as asked.`);
  return removed;
}
