// The Jobs view: jobs in a stable order (or the user's sort and filter) -> the jobs a job's success
// triggers, grouped, then its runs, newest first, a page at a time -> each run's phases. It reads
// the database on demand (waiting for it to open: the view shows its progress meanwhile); refreshes
// are coalesced; tooltips are built on hover.
import * as vscode from 'vscode';
import { errorMessage } from '../core/errorMessage';
import type { JobFilter, JobSort } from '../core/jobOrder';
import { matchesFilter, sortJobs } from '../core/jobOrder';
import type { Job, Prompt, Run, RunWorktree } from '../core/model';
import { PENDING_REVIEW_STATES } from '../core/model';
import { changedFiles } from '../git/diff';
import type { GitDeps } from '../git/gitCommand';
import { runSupervisedProcess } from '../scheduler/processSupervisor';
import { describePhases } from '../core/phases';
import { localDayFormatter } from '../core/calendar';
import { defaultTimeZone } from '../core/timeZone';
import type { LimitHold } from '../scheduler/limitHold';
import { isQuietMode, readLimitHold } from '../scheduler/limitHold';
import type { NightPilotDatabase, Tx } from '../storage/database';
import type { JobOverview } from '../storage/jobOverview';
import { jobUsageSince, overviewOf, readJobOverviews, usageByRun } from '../storage/jobOverview';
import { JOBS_VIEW } from '../commands/commandIds';
import type { DatabaseHost } from '../services/databaseHost';
import { setContextKey } from '../services/contextKeys';
import type { Logger } from '../services/logger';
import type { JobsTreeNode, TreeContext } from './treeItems';
import { JobsViewOptions } from './jobsViewOptions';
import { toTreeItem } from './treeItems';
import { jobTooltip, moreTooltip, processTooltip, runTooltip } from './treeTooltips';

/** Runs listed per job at first; "Show more" adds as many again. */
export const RUNS_PAGE = 25;
/** Bursts of changes (a run writing its phases, several windows) become one repaint. */
const REFRESH_DELAY_MS = 150;
const DAY_MS = 86_400_000;

type JobNode = Extract<JobsTreeNode, { kind: 'job' }>;

export class JobsTreeProvider implements vscode.TreeDataProvider<JobsTreeNode>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<JobsTreeNode | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private _timer: NodeJS.Timeout | undefined;
  private _view: vscode.TreeView<JobsTreeNode> | undefined;
  private readonly _shown = new Map<string, number>();
  private readonly _options: JobsViewOptions;
  private _state: Pick<TreeContext, 'hold' | 'quiet'> = { hold: null, quiet: false };
  /**
   * What the last read of the database found: every job, their overviews and the holds, as of a
   * generation of the database. A repaint without a change in between (expanding a job, a
   * tooltip, the countdown) reads none of it again.
   */
  private _snapshot:
    | {
        generation: number;
        jobs: Job[];
        overviews: Map<string, JobOverview>;
        prompts: Map<string, Prompt>;
        hold: LimitHold | null;
        quiet: boolean;
        /** Worktree runs waiting for review, newest first (the To Review section). */
        review: RunWorktree[];
      }
    | undefined;
  /** The changed files of a run's head, listed by git once per head. */
  private readonly _files = new Map<string, Promise<JobsTreeNode[]>>();
  private _reportedCostOnly = false;
  private readonly _configListener: vscode.Disposable;
  /** Set once the root has been read with the database open (for the log and the benchmarks). */
  private _firstPaintLogged = false;
  private _firstAsked: number | undefined;

  constructor(
    private readonly _database: DatabaseHost,
    private readonly _log: Logger,
    private readonly _extensionUri: vscode.Uri,
    private readonly _memento: vscode.Memento,
    /** When activation started (ms since the epoch): the first read is logged against it. */
    private readonly _activatedAt: number,
    private readonly _now: () => Date = () => new Date(),
  ) {
    const readCostMode = () =>
      (this._reportedCostOnly =
        vscode.workspace.getConfiguration('nightPilot').get<string>('usage.costMode', 'auto') === 'display');
    readCostMode();
    this._configListener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('nightPilot.usage.costMode')) {
        readCostMode();
        this.refresh();
      }
    });
    this._options = new JobsViewOptions(_memento);
  }

  /** Creates the `nightPilot.jobs` tree view over this provider (once; this provider disposes it). */
  createView(): vscode.TreeView<JobsTreeNode> {
    if (!this._view) {
      this._view = vscode.window.createTreeView(JOBS_VIEW, {
        treeDataProvider: this,
        showCollapseAll: true,
      });
      this._view.description = this._options.describe();
      // The view's own progress bar while the database opens (the tree's rows wait for it too).
      void vscode.window.withProgress({ location: { viewId: JOBS_VIEW } }, () => this._database.ready);
    }
    return this._view;
  }

  get view(): vscode.TreeView<JobsTreeNode> | undefined {
    return this._view;
  }

  get sort(): JobSort {
    return this._options.sort;
  }

  get filter(): JobFilter {
    return this._options.filter;
  }

  async setSort(sort: JobSort): Promise<void> {
    await this._options.setSort(sort);
    this._fireNow();
  }

  async setFilter(filter: JobFilter): Promise<void> {
    await this._options.setFilter(filter);
    if (this._view) this._view.description = this._options.describe();
    this._fireNow();
  }

  /** Lists `RUNS_PAGE` more runs of the job. */
  showMore(jobId: string): void {
    this._shown.set(jobId, (this._shown.get(jobId) ?? RUNS_PAGE) + RUNS_PAGE);
    this._fireNow();
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
  private _fireNow(): void {
    clearTimeout(this._timer);
    this._timer = undefined;
    this._onDidChangeTreeData.fire(undefined);
  }

  getTreeItem(node: JobsTreeNode): vscode.TreeItem {
    return toTreeItem(node, this._context(), this._extensionUri);
  }

  /** The tooltip, read when the user hovers: the prompt, the cost of the last 30 days. */
  resolveTreeItem(item: vscode.TreeItem, node: JobsTreeNode): vscode.TreeItem {
    const db = this._database.database;
    if (!db) return item;
    try {
      const ctx = this._context();
      switch (node.kind) {
        case 'job':
          item.tooltip = jobTooltip(node, this._jobDetails(db, node.job), ctx);
          break;
        case 'run':
          item.tooltip = runTooltip(node, ctx);
          break;
        case 'process':
          item.tooltip = processTooltip(node);
          break;
        case 'more':
          item.tooltip = moreTooltip(node);
          break;
        default:
          break;
      }
    } catch (err) {
      this._log.warn(`Could not build a tooltip: ${errorMessage(err)}`);
    }
    return item;
  }

  /** A job's tooltip data (also for tests: what the hover shows). */
  private _jobDetails(db: NightPilotDatabase, job: Job) {
    const now = this._now();
    const from = new Date(now.getTime() - 30 * DAY_MS);
    return db.read((tx) => ({
      prompt: tx.prompts.get(job.promptId),
      parentName: job.parentJobId ? (tx.jobs.get(job.parentJobId)?.name ?? null) : null,
      usage30d: jobUsageSince(
        tx,
        job.id,
        from.toISOString(),
        localDayFormatter(defaultTimeZone())(from.getTime()),
      ),
    }));
  }

  async getChildren(node?: JobsTreeNode): Promise<JobsTreeNode[]> {
    this._firstAsked ??= Date.now();
    const db = await this._database.ready;
    if (!db) return [];
    if (node?.kind === 'reviewRun') return this._reviewFiles(node.worktree);
    const started = Date.now();
    try {
      const children = db.read((tx) => this._children(tx, this._read(tx, db), node));
      if (this._view) this._view.message = this._message();
      if (node === undefined && !this._firstPaintLogged) {
        this._firstPaintLogged = true;
        this._log.info(
          `Jobs view: first read of ${children.length} job(s) in ${Date.now() - started} ms, ` +
            `${Date.now() - this._activatedAt} ms after activation started ` +
            `(VS Code asked for it ${this._firstAsked - this._activatedAt} ms after).`,
        );
      }
      return children;
    } catch (err) {
      // Shown in the view itself: an empty tree alone would look like "no jobs".
      this._log.error(`Could not read the jobs: ${errorMessage(err)}`, err);
      if (this._view) this._view.message = vscode.l10n.t('Could not read the jobs: {0}', errorMessage(err));
      return [];
    }
  }

  /** The node above `node`: what VS Code needs to reveal a run deep in the tree. */
  getParent(node: JobsTreeNode): JobsTreeNode | undefined {
    const db = this._database.database;
    if (!db) return undefined;
    return db.read((tx): JobsTreeNode | undefined => {
      const { overviews } = this._read(tx, db);
      switch (node.kind) {
        case 'job': {
          const parent = node.job.parentJobId ? tx.jobs.get(node.job.parentJobId) : undefined;
          if (!parent || this._options.filtered) return undefined;
          return { kind: 'children', parent, count: overviewOf(overviews, parent.id).childCount };
        }
        case 'children':
          return this._jobNode(tx, node.parent, overviews);
        case 'run':
        case 'more': {
          const job = tx.jobs.get(node.kind === 'run' ? node.run.jobId : node.jobId);
          return job ? this._jobNode(tx, job, overviews) : undefined;
        }
        case 'process': {
          const run = tx.runs.get(node.process.runId);
          return run ? this._runNode(tx, run) : undefined;
        }
        case 'review':
          return undefined;
        case 'reviewRun':
          return { kind: 'review', count: this._snapshot?.review.length ?? 0 };
        case 'reviewFile':
        case 'reviewProblem':
          return { kind: 'reviewRun', worktree: node.worktree };
      }
    });
  }

  /** The To Review section's rows as they are now (for tests and the overnight notification). */
  async reviewRows(): Promise<RunWorktree[]> {
    const db = await this._database.ready;
    if (!db) return [];
    return db.read((tx) => this._read(tx, db).review);
  }

  /** Focuses the view on the To Review section (the overnight notification's button). */
  async revealReview(): Promise<void> {
    const rows = await this.reviewRows();
    await vscode.commands.executeCommand(`${JOBS_VIEW}.focus`);
    this._fireNow();
    if (rows.length > 0)
      await this._reveal({ kind: 'review', count: rows.length }, { select: true, focus: true, expand: true });
  }

  /** The files a run changed, from git (its branch as it is now, else the recorded head). */
  private _reviewFiles(w: RunWorktree): Promise<JobsTreeNode[]> {
    const key = `${w.runId}/${w.headCommit ?? ''}`;
    let files = this._files.get(key);
    if (!files) {
      const git: GitDeps = { runner: runSupervisedProcess, gitPath: 'git', env: process.env };
      files = (async (): Promise<JobsTreeNode[]> => {
        if (w.headCommit === null)
          return [
            {
              kind: 'reviewProblem',
              worktree: w,
              message: w.detail ?? vscode.l10n.t('Nothing was committed.'),
            },
          ];
        try {
          const listed = await changedFiles(git, w.repository, w.baseCommit, w.headCommit);
          return listed.map((file) => ({ kind: 'reviewFile', worktree: w, file }));
        } catch (err) {
          this._files.delete(key);
          return [
            {
              kind: 'reviewProblem',
              worktree: w,
              message: vscode.l10n.t('Could not list the changed files: {0}', errorMessage(err)),
            },
          ];
        }
      })();
      this._files.set(key, files);
    }
    return files;
  }

  /** Shows the jobs with these ids in the view, the first one selected and focused. */
  async revealJobs(ids: readonly string[]): Promise<void> {
    const db = await this._database.ready;
    if (!db) return;
    const nodes = db.read((tx) => {
      const { overviews } = this._read(tx, db);
      return ids.flatMap((id) => {
        const job = tx.jobs.get(id);
        return job ? [this._jobNode(tx, job, overviews)] : [];
      });
    });
    this._fireNow();
    // Select the first; reveal the others without taking the selection from it.
    for (const node of nodes.slice(1).reverse()) await this._reveal(node, { select: false, focus: false });
    if (nodes[0]) await this._reveal(nodes[0], { select: true, focus: true });
  }

  /**
   * Reveals a node. A repaint that lands while VS Code resolves the node's parents (a run writing
   * its phases) makes it lose track of them ("Cannot resolve tree item"): then it tries again.
   */
  private async _reveal(node: JobsTreeNode, options: Parameters<vscode.TreeView<JobsTreeNode>['reveal']>[1]) {
    const view = this.createView();
    for (let attempt = 1; ; attempt++) {
      try {
        return await view.reveal(node, options);
      } catch (err) {
        if (attempt >= 4 || !/resolve tree item/i.test(errorMessage(err))) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /** Shows the run in the Jobs view: the view is focused, the run's job expanded, the run selected. */
  async revealRun(run: Run): Promise<void> {
    const db = await this._database.ready;
    if (!db) return;
    await vscode.commands.executeCommand(`${JOBS_VIEW}.focus`);
    const node = db.read((tx) => {
      const current = tx.runs.get(run.id);
      if (!current) return undefined;
      // An older run than the page shows: list enough runs to include it.
      const newer = tx.runs.list({ jobId: current.jobId }).findIndex((r) => r.id === current.id);
      if (newer >= (this._shown.get(current.jobId) ?? RUNS_PAGE))
        this._shown.set(current.jobId, Math.ceil((newer + 1) / RUNS_PAGE) * RUNS_PAGE);
      return this._runNode(tx, current);
    });
    this._fireNow();
    if (node) await this._reveal(node, { select: true, focus: true, expand: false });
  }

  private _context(): TreeContext {
    return { now: this._now(), ...this._state, reportedCostOnly: this._reportedCostOnly };
  }

  /** The snapshot of the database's current generation (read again only after a change). */
  private _read(tx: Tx, db: NightPilotDatabase): NonNullable<JobsTreeProvider['_snapshot']> {
    if (this._snapshot?.generation !== db.generation) {
      this._snapshot = {
        generation: db.generation,
        jobs: tx.jobs.list(),
        overviews: readJobOverviews(tx),
        prompts: new Map(tx.prompts.list().map((p) => [p.id, p])),
        hold: readLimitHold(tx),
        quiet: isQuietMode(tx),
        review: tx.worktrees.list(PENDING_REVIEW_STATES),
      };
      // The review commands are in the palette only while there is something to review.
      setContextKey('nightPilot:hasReview', this._snapshot.review.length > 0);
    }
    // A hold ends by the clock, not by a change of the database.
    const hold =
      this._snapshot.hold && Date.parse(this._snapshot.hold.until) > this._now().getTime()
        ? this._snapshot.hold
        : null;
    this._state = { hold, quiet: this._snapshot.quiet };
    return this._snapshot;
  }

  /** What the view says above its rows: quiet mode or a usage-limit hold holds every job. */
  private _message(): string | undefined {
    const { hold, quiet } = this._state;
    if (quiet) return vscode.l10n.t('Quiet mode: no job starts until you resume all jobs.');
    if (hold) {
      const until = new Date(hold.until);
      return vscode.l10n.t(
        'Usage limit: no job starts until {0}.',
        until.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
      );
    }
    return undefined;
  }

  private _children(
    tx: Tx,
    snapshot: NonNullable<JobsTreeProvider['_snapshot']>,
    node: JobsTreeNode | undefined,
  ): JobsTreeNode[] {
    if (node === undefined) return this._roots(snapshot);
    switch (node.kind) {
      case 'job':
        return this._jobChildren(tx, node);
      case 'children': {
        const { overviews } = snapshot;
        return this._ordered(
          tx.jobs.children(node.parent.id).map((j) => this._jobNode(tx, j, overviews, node.parent.name)),
        );
      }
      case 'review':
        return snapshot.review.map((worktree) => ({ kind: 'reviewRun', worktree }));
      case 'run': {
        const run = tx.runs.get(node.run.id) ?? node.run;
        return describePhases(tx.processes.listByRun(run.id)).map((phase) => ({
          kind: 'process',
          phase,
          process: phase.process,
          run,
        }));
      }
      default:
        return [];
    }
  }

  private _roots(snapshot: NonNullable<JobsTreeProvider['_snapshot']>): JobsTreeNode[] {
    const { jobs, overviews, prompts, review } = snapshot;
    // What waits for the user in the morning comes first.
    const top: JobsTreeNode[] = review.length > 0 ? [{ kind: 'review', count: review.length }] : [];
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const nodes = jobs.map((j): JobNode => ({
      kind: 'job',
      job: j,
      overview: overviewOf(overviews, j.id),
      parentName: j.parentJobId ? (byId.get(j.parentJobId)?.name ?? null) : null,
      prompt: prompts.get(j.promptId),
    }));
    if (this._options.filtered) {
      // Filtered: every matching job, child jobs included, in one flat list.
      return [...top, ...this._ordered(nodes.filter((n) => matchesFilter(rowOf(n), this._options.filter)))];
    }
    // A job whose parent is gone is shown at the top rather than lost.
    return [
      ...top,
      ...this._ordered(nodes.filter((n) => n.job.parentJobId === null || !byId.has(n.job.parentJobId))),
    ];
  }

  private _ordered(nodes: JobNode[]): JobNode[] {
    return sortJobs(
      nodes.map((n) => ({ ...rowOf(n), node: n })),
      this._options.sort,
    ).map((r) => r.node);
  }

  private _jobChildren(tx: Tx, node: JobNode): JobsTreeNode[] {
    const out: JobsTreeNode[] = [];
    const childCount = tx.jobs.children(node.job.id).length;
    if (childCount > 0 && !this._options.filtered)
      out.push({ kind: 'children', parent: node.job, count: childCount });
    const shown = this._shown.get(node.job.id) ?? RUNS_PAGE;
    const runs = tx.runs.list({ jobId: node.job.id, limit: shown + 1 });
    const page = runs.slice(0, shown);
    const usage = usageByRun(
      tx,
      page.map((r) => r.id),
    );
    const withProcesses = runsWithProcesses(
      tx,
      page.map((r) => r.id),
    );
    for (const run of page)
      out.push({
        kind: 'run',
        run,
        job: node.job,
        hasProcesses: withProcesses.has(run.id),
        usage: usage.get(run.id) ?? null,
      });
    if (runs.length > shown) {
      const total = Number(
        tx.sql.get('SELECT COUNT(*) AS n FROM job_runs WHERE job_id = ?', [node.job.id])?.n ?? 0,
      );
      out.push({ kind: 'more', jobId: node.job.id, shown, total });
    }
    return out;
  }

  private _jobNode(
    tx: Tx,
    job: Job,
    overviews: ReadonlyMap<string, JobOverview>,
    parentName?: string | null,
  ): JobNode {
    const name =
      parentName !== undefined
        ? parentName
        : job.parentJobId
          ? (tx.jobs.get(job.parentJobId)?.name ?? null)
          : null;
    return {
      kind: 'job',
      job,
      overview: overviewOf(overviews, job.id),
      parentName: name,
      prompt: tx.prompts.get(job.promptId),
    };
  }

  private _runNode(tx: Tx, run: Run): JobsTreeNode {
    const job = tx.jobs.require(run.jobId);
    return {
      kind: 'run',
      run,
      job,
      hasProcesses: runsWithProcesses(tx, [run.id]).has(run.id),
      usage: usageByRun(tx, [run.id]).get(run.id) ?? null,
    };
  }

  dispose(): void {
    this._configListener.dispose();
    clearTimeout(this._timer);
    this._onDidChangeTreeData.dispose();
    this._view?.dispose();
    this._view = undefined;
  }
}

function rowOf(n: JobNode) {
  return { job: n.job, running: n.overview.activeStatus === 'running', lastOutcome: n.overview.lastOutcome };
}

/** Which of these runs have phase rows (they expand; the others have nothing to show). */
function runsWithProcesses(tx: Tx, runIds: readonly string[]): Set<string> {
  if (runIds.length === 0) return new Set();
  const rows = tx.sql.all(
    `SELECT DISTINCT run_id FROM job_execution_processes WHERE run_id IN (${runIds.map(() => '?').join(', ')})`,
    [...runIds],
  );
  return new Set(rows.map((r) => String(r.run_id)));
}
