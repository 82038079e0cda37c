// Commands work from a tree item (the node is their argument), from another extension or a test
// (an id) and from the command palette (nothing: the user picks).
import * as vscode from 'vscode';
import type { Job, Run } from '../core/model';
import type { NightPilotDatabase } from '../storage/database';
import { ACTIVE_RUN_STATUSES } from '../storage/runRepository';
import { formatWhen } from '../views/format';
import type { JobsTreeNode } from '../views/treeItems';
import { runStatusLabel } from '../views/labels';

function isNode(arg: unknown): arg is JobsTreeNode {
  return typeof arg === 'object' && arg !== null && 'kind' in arg;
}

/**
 * The job id a command was invoked for: a job tree item, a job id, or (when neither) one the user
 * picks among the jobs `filter` accepts. Undefined when the user cancelled.
 */
export async function resolveJobId(
  db: NightPilotDatabase,
  arg: unknown,
  placeHolder: string,
  filter: (job: Job) => boolean = () => true,
): Promise<string | undefined> {
  if (isNode(arg) && arg.kind === 'job') return arg.job.id;
  if (typeof arg === 'string' && arg) return arg;
  const jobs = db.read((tx) => tx.jobs.list()).filter(filter);
  if (jobs.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Night Pilot: no job to choose from for this command.'),
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    jobs.map((job) => ({ label: job.name, description: job.status, detail: job.cronExpression, id: job.id })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.id;
}

/**
 * The run id a command was invoked for: a run or phase tree item, a run id, or one the user picks
 * among the runs `statuses` allows (all when omitted, newest first).
 */
export async function resolveRunId(
  db: NightPilotDatabase,
  arg: unknown,
  placeHolder: string,
  statuses?: readonly Run['status'][],
): Promise<string | undefined> {
  if (isNode(arg) && (arg.kind === 'run' || arg.kind === 'process')) return arg.run.id;
  if (typeof arg === 'string' && arg) return arg;
  const { runs, names } = db.read((tx) => ({
    runs: tx.runs.list({ statuses, limit: 200 }),
    names: new Map(tx.jobs.list().map((j) => [j.id, j.name])),
  }));
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(
      statuses === ACTIVE_RUN_STATUSES
        ? vscode.l10n.t('Night Pilot: no run is queued or running.')
        : vscode.l10n.t('Night Pilot: no run to choose from for this command.'),
    );
    return undefined;
  }
  const now = new Date();
  const picked = await vscode.window.showQuickPick(
    runs.map((run: Run) => ({
      label: names.get(run.jobId) ?? run.jobId,
      description: `${runStatusLabel(run.status)}, ${formatWhen(run.startedAt ?? run.scheduledFor, now)}`,
      id: run.id,
    })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.id;
}

/** Like resolveRunId, for runs that have not finished. */
export function resolveActiveRunId(
  db: NightPilotDatabase,
  arg: unknown,
  placeHolder: string,
): Promise<string | undefined> {
  return resolveRunId(db, arg, placeHolder, ACTIVE_RUN_STATUSES);
}
