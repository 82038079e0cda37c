import type { RunWorktree, WorktreeState } from '../core/model';
import { NotFoundError } from './errors';
import type { Row, Sql } from './sql';
import { num, numOrNull, str, strOrNull } from './sql';

/** What a new row is given; the rest starts empty (null) and comes with the run's progress. */
export type NewWorktree = Pick<
  RunWorktree,
  | 'runId'
  | 'jobId'
  | 'jobName'
  | 'repository'
  | 'path'
  | 'subfolder'
  | 'branch'
  | 'baseBranch'
  | 'baseCommit'
  | 'state'
  | 'owner'
>;

export type WorktreePatch = Partial<
  Omit<RunWorktree, 'runId' | 'jobId' | 'jobName' | 'repository' | 'path' | 'createdAt' | 'updatedAt'>
>;

/** What a compare-and-set change of a worktree row expects: one of these states, and this owner if given. */
export interface WorktreeFence {
  from: readonly WorktreeState[];
  /** The owner the row must have (null: none); omitted: any owner. */
  owner?: string | null;
}

function toWorktree(r: Row): RunWorktree {
  const counted = r.commit_count !== null && r.commit_count !== undefined;
  return {
    runId: str(r.run_id),
    jobId: str(r.job_id),
    jobName: str(r.job_name),
    repository: str(r.repository),
    path: str(r.path),
    subfolder: str(r.subfolder),
    branch: str(r.branch),
    baseBranch: str(r.base_branch),
    baseCommit: str(r.base_commit),
    headCommit: strOrNull(r.head_commit),
    stats: counted
      ? {
          commitCount: num(r.commit_count),
          filesChanged: num(r.files_changed),
          insertions: num(r.insertions),
          deletions: num(r.deletions),
        }
      : null,
    state: str(r.state) as WorktreeState,
    detail: strOrNull(r.detail),
    owner: strOrNull(r.owner),
    pgid: numOrNull(r.pgid),
    pgidStart: strOrNull(r.pgid_start),
    pgidHost: strOrNull(r.pgid_host),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

/** The patch as the columns the generic update understands (stats spread over four columns). */
type Columns = Omit<WorktreePatch, 'stats'> & {
  commitCount?: number | null;
  filesChanged?: number | null;
  insertions?: number | null;
  deletions?: number | null;
  updatedAt?: string;
};

const MUTABLE: ReadonlyArray<[keyof Columns, string]> = [
  ['subfolder', 'subfolder'],
  ['branch', 'branch'],
  ['baseBranch', 'base_branch'],
  ['baseCommit', 'base_commit'],
  ['headCommit', 'head_commit'],
  ['commitCount', 'commit_count'],
  ['filesChanged', 'files_changed'],
  ['insertions', 'insertions'],
  ['deletions', 'deletions'],
  ['state', 'state'],
  ['detail', 'detail'],
  ['owner', 'owner'],
  ['pgid', 'pgid'],
  ['pgidStart', 'pgid_start'],
  ['pgidHost', 'pgid_host'],
  ['updatedAt', 'updated_at'],
];

function columns(patch: WorktreePatch, now: string): Columns {
  const { stats, ...rest } = patch;
  const out: Columns = { ...rest, updatedAt: now };
  if (stats !== undefined) {
    out.commitCount = stats?.commitCount ?? null;
    out.filesChanged = stats?.filesChanged ?? null;
    out.insertions = stats?.insertions ?? null;
    out.deletions = stats?.deletions ?? null;
  }
  return out;
}

/**
 * The `run_worktrees` rows: one per worktree run, from before its worktree exists until the user
 * merged or discarded it. A row outlives its run (retention, a deleted job): the worktree and
 * branch it names are still there until the user, or recovery, removes them.
 */
export class WorktreeRepository {
  constructor(
    private readonly _sql: Sql,
    private readonly _now: () => string,
  ) {}

  insert(input: NewWorktree): RunWorktree {
    const now = this._now();
    this._sql.run(
      `INSERT INTO run_worktrees (run_id, job_id, job_name, repository, path, subfolder, branch, base_branch,
         base_commit, state, owner, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        input.runId,
        input.jobId,
        input.jobName,
        input.repository,
        input.path,
        input.subfolder,
        input.branch,
        input.baseBranch,
        input.baseCommit,
        input.state,
        input.owner,
        now,
        now,
      ],
    );
    return this.require(input.runId);
  }

  get(runId: string): RunWorktree | undefined {
    const row = this._sql.get('SELECT * FROM run_worktrees WHERE run_id = ?', [runId]);
    return row ? toWorktree(row) : undefined;
  }

  require(runId: string): RunWorktree {
    const found = this.get(runId);
    if (!found) throw new NotFoundError('run worktree', runId);
    return found;
  }

  update(runId: string, patch: WorktreePatch): RunWorktree {
    if (
      this._sql.updateWhere('run_worktrees', columns(patch, this._now()), MUTABLE, 'run_id = ?', [runId]) ===
      0
    )
      throw new NotFoundError('run worktree', runId);
    return this.require(runId);
  }

  /**
   * Compare-and-set: applies `patch` only if the row is in one of `fence.from` (and has
   * `fence.owner`, when given). Returns the changed row, or null when it did not match.
   */
  transition(runId: string, fence: WorktreeFence, patch: WorktreePatch): RunWorktree | null {
    if (fence.from.length === 0) return null;
    const where = ['run_id = ?', `state IN (${fence.from.map(() => '?').join(', ')})`];
    const params: (string | null)[] = [runId, ...fence.from];
    if (fence.owner !== undefined) {
      where.push('owner IS ?');
      params.push(fence.owner);
    }
    const changed = this._sql.updateWhere(
      'run_worktrees',
      columns(patch, this._now()),
      MUTABLE,
      where.join(' AND '),
      params,
    );
    return changed === 0 ? null : this.require(runId);
  }

  /** The rows whose run id is `reference` or starts with it (at least 4 characters). */
  resolve(reference: string): RunWorktree[] {
    const exact = this.get(reference);
    if (exact) return [exact];
    if (reference.length < 4) return [];
    return this._sql
      .all('SELECT * FROM run_worktrees WHERE substr(run_id, 1, ?) = ? ORDER BY created_at', [
        reference.length,
        reference,
      ])
      .map(toWorktree);
  }

  /** Rows waiting for review whose run is gone (pruned by retention, or its job deleted). */
  listWithoutRun(states: readonly WorktreeState[]): RunWorktree[] {
    if (states.length === 0) return [];
    return this._sql
      .all(
        `SELECT * FROM run_worktrees WHERE state IN (${states.map(() => '?').join(', ')})
           AND run_id NOT IN (SELECT id FROM job_runs) ORDER BY created_at DESC, run_id`,
        [...states],
      )
      .map(toWorktree);
  }

  /** Forgets a row whose worktree and branch never came to exist (or were removed again). */
  delete(runId: string): boolean {
    return this._sql.run('DELETE FROM run_worktrees WHERE run_id = ?', [runId]) > 0;
  }

  /** The rows in these states, newest first (`jobId` narrows to one job). */
  list(states: readonly WorktreeState[], jobId?: string): RunWorktree[] {
    if (states.length === 0) return [];
    const params: string[] = [...states];
    let where = `state IN (${states.map(() => '?').join(', ')})`;
    if (jobId !== undefined) {
      where += ' AND job_id = ?';
      params.push(jobId);
    }
    return this._sql
      .all(`SELECT * FROM run_worktrees WHERE ${where} ORDER BY created_at DESC, run_id`, params)
      .map(toWorktree);
  }
}
