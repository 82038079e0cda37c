// The Jobs view: jobs (child jobs nested under their parent) -> runs, newest first -> the run's
// execution processes. Reads the database on demand; refreshes are coalesced.
import * as vscode from 'vscode';
import type { Job, Run } from '../core/model';
import type { NightPilotDatabase, Tx } from '../storage/database';
import { ACTIVE_RUN_STATUSES } from '../storage/runRepository';
import type { Logger } from './logger';
import { errorMessage } from './logger';
import type { JobsTreeNode } from './treeItems';
import { toTreeItem } from './treeItems';

/** Runs listed per job; older ones stay in the database until retention removes them. */
const RUNS_SHOWN = 25;
/** Bursts of changes (a run writing its phases, several windows) become one repaint. */
const REFRESH_DELAY_MS = 150;

export class JobsTreeProvider implements vscode.TreeDataProvider<JobsTreeNode>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<JobsTreeNode | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private _timer: NodeJS.Timeout | undefined;
  private _view: vscode.TreeView<JobsTreeNode> | undefined;

  /**
   * @param _db  undefined when the database could not be opened: the view then shows its
   *   "could not open" welcome content.
   */
  constructor(
    private readonly _db: NightPilotDatabase | undefined,
    private readonly _log: Logger,
    private readonly _now: () => Date = () => new Date(),
  ) {}

  /** Creates the `nightPilot.jobs` tree view over this provider (once). */
  createView(): vscode.TreeView<JobsTreeNode> {
    this._view ??= vscode.window.createTreeView('nightPilot.jobs', {
      treeDataProvider: this,
      showCollapseAll: true,
    });
    return this._view;
  }

  /** Schedules a repaint; calls within REFRESH_DELAY_MS of each other are coalesced. */
  refresh(): void {
    if (this._timer) return;
    this._timer = setTimeout(() => {
      this._timer = undefined;
      this._onDidChangeTreeData.fire(undefined);
    }, REFRESH_DELAY_MS);
  }

  /**
   * Fires a coalesced repaint now. VS Code answers `reveal` from the children it has cached until
   * a change event arrives (and waits for the refresh that event starts), so a reveal right after a
   * write must not leave the change in the coalescing delay.
   */
  private _refreshNow(): void {
    clearTimeout(this._timer);
    this._timer = undefined;
    this._onDidChangeTreeData.fire(undefined);
  }

  /** Shows the jobs with these ids in the view, the first one selected and focused. */
  async revealJobs(ids: readonly string[]): Promise<void> {
    const db = this._db;
    const view = this.createView();
    if (!db) return;
    this._refreshNow();
    const nodes = db.read((tx) =>
      ids.flatMap((id) => {
        const job = tx.jobs.get(id);
        return job ? [this._jobNode(tx, job)] : [];
      }),
    );
    // Select the first; reveal the others without taking the selection from it.
    for (const node of nodes.slice(1).reverse()) await view.reveal(node, { select: false, focus: false });
    if (nodes[0]) await view.reveal(nodes[0], { select: true, focus: true });
  }

  getTreeItem(node: JobsTreeNode): vscode.TreeItem {
    return toTreeItem(node, this._now());
  }

  getChildren(node?: JobsTreeNode): JobsTreeNode[] {
    const db = this._db;
    if (!db) return [];
    try {
      const children = db.read((tx) => this._children(tx, node));
      if (this._view) this._view.message = undefined;
      return children;
    } catch (err) {
      // Shown in the view itself: an empty tree alone would look like "no jobs".
      this._log.error(`Could not read the jobs: ${errorMessage(err)}`, err);
      if (this._view) this._view.message = `Could not read the jobs: ${errorMessage(err)}`;
      return [];
    }
  }

  /** The node above `node`: what VS Code needs to reveal a run deep in the tree. */
  getParent(node: JobsTreeNode): JobsTreeNode | undefined {
    const db = this._db;
    if (!db) return undefined;
    return db.read((tx): JobsTreeNode | undefined => {
      const jobNode = (jobId: string | null) => {
        const job = jobId === null ? undefined : tx.jobs.get(jobId);
        return job ? this._jobNode(tx, job) : undefined;
      };
      switch (node.kind) {
        case 'job':
          return jobNode(node.job.parentJobId);
        case 'run':
        case 'more':
          return jobNode(node.kind === 'run' ? node.run.jobId : node.jobId);
        case 'process': {
          const run = tx.runs.get(node.process.runId);
          return run ? this._runNode(tx, run) : undefined;
        }
      }
    });
  }

  /** Shows the run in the Jobs view: the view is focused, the run's job expanded, the run selected. */
  async revealRun(run: Run): Promise<void> {
    if (!this._db || !this._view) return;
    await vscode.commands.executeCommand('nightPilot.jobs.focus');
    const current = this._db.read((tx) => tx.runs.get(run.id));
    if (!current) return;
    const node = this._db.read((tx) => this._runNode(tx, current));
    this._refreshNow();
    await this._view.reveal(node, { select: true, focus: true, expand: false });
  }

  private _runNode(tx: Tx, run: Run): JobsTreeNode {
    return { kind: 'run', run, hasProcesses: tx.processes.listByRun(run.id).length > 0 };
  }

  private _children(tx: Tx, node: JobsTreeNode | undefined): JobsTreeNode[] {
    if (node === undefined) {
      const jobs = tx.jobs.list();
      const ids = new Set(jobs.map((j) => j.id));
      // A job whose parent is gone is shown at the top rather than lost.
      return jobs
        .filter((j) => j.parentJobId === null || !ids.has(j.parentJobId))
        .map((j) => this._jobNode(tx, j));
    }
    switch (node.kind) {
      case 'job': {
        const children: JobsTreeNode[] = tx.jobs.children(node.job.id).map((j) => this._jobNode(tx, j));
        const runs = tx.runs.list({ jobId: node.job.id, limit: RUNS_SHOWN + 1 });
        for (const run of runs.slice(0, RUNS_SHOWN)) children.push(this._runNode(tx, run));
        if (runs.length > RUNS_SHOWN) children.push({ kind: 'more', jobId: node.job.id, shown: RUNS_SHOWN });
        return children;
      }
      case 'run':
        return tx.processes.listByRun(node.run.id).map((process) => ({ kind: 'process', process }));
      default:
        return [];
    }
  }

  private _jobNode(tx: Tx, job: Job): JobsTreeNode {
    const hasChildren =
      tx.jobs.children(job.id).length > 0 || tx.runs.list({ jobId: job.id, limit: 1 }).length > 0;
    const active = tx.runs.list({ jobId: job.id, statuses: ACTIVE_RUN_STATUSES, limit: 5 });
    const waitReason = active.find((r) => r.status === 'queued' && r.waitReason !== null)?.waitReason ?? null;
    const prompt = tx.prompts.get(job.promptId);
    return { kind: 'job', job, hasChildren, activeRun: active.length > 0, waitReason, prompt };
  }

  dispose(): void {
    clearTimeout(this._timer);
    this._onDidChangeTreeData.dispose();
    this._view?.dispose();
  }
}
