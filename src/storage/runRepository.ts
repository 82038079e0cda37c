import crypto from 'node:crypto';
import type { Run, RunStatus, RunTrigger } from '../core/model';
import { NotFoundError } from './errors';
import type { Row, Sql } from './sql';
import { num, str, strOrNull } from './sql';

export interface NewRun {
  jobId: string;
  trigger: RunTrigger;
  scheduledFor: string;
  attempt?: number;
  status?: RunStatus;
  owner?: string | null;
  startedAt?: string | null;
  endedAt?: string | null;
  heartbeatAt?: string | null;
  sessionId?: string | null;
  error?: string | null;
  resumeAt?: string | null;
}

export type RunPatch = Partial<Omit<Run, 'id' | 'jobId' | 'scheduledFor' | 'attempt' | 'createdAt'>>;

/** What a compare-and-set change expects the run to be: one of these states, and this owner if given. */
export interface RunFence {
  from: readonly RunStatus[];
  /** The owner the run must have (null: no owner); omitted: any owner. */
  owner?: string | null;
}

export interface RunQuery {
  jobId?: string;
  statuses?: readonly RunStatus[];
  /** Only runs that ended at or after this instant (ISO). */
  endedSince?: string;
  limit?: number;
}

export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'waiting_for_limit'];

function toRun(r: Row): Run {
  return {
    id: str(r.id),
    jobId: str(r.job_id),
    trigger: str(r.trigger) as RunTrigger,
    scheduledFor: str(r.scheduled_for),
    attempt: num(r.attempt),
    status: str(r.status) as RunStatus,
    startedAt: strOrNull(r.started_at),
    endedAt: strOrNull(r.ended_at),
    owner: strOrNull(r.owner),
    heartbeatAt: strOrNull(r.heartbeat_at),
    sessionId: strOrNull(r.session_id),
    error: strOrNull(r.error),
    resumeAt: strOrNull(r.resume_at),
    cancelRequested: num(r.cancel_requested) === 1,
    waitReason: strOrNull(r.wait_reason),
    createdAt: str(r.created_at),
  };
}

const MUTABLE: ReadonlyArray<[keyof RunPatch, string]> = [
  ['trigger', 'trigger'],
  ['status', 'status'],
  ['startedAt', 'started_at'],
  ['endedAt', 'ended_at'],
  ['owner', 'owner'],
  ['heartbeatAt', 'heartbeat_at'],
  ['sessionId', 'session_id'],
  ['error', 'error'],
  ['resumeAt', 'resume_at'],
  ['cancelRequested', 'cancel_requested'],
  ['waitReason', 'wait_reason'],
];

export class RunRepository {
  constructor(
    private readonly _sql: Sql,
    private readonly _now: () => string,
  ) {}

  /**
   * Inserts the run for (job, scheduled instant, attempt) unless one exists: the caller holds the
   * write lock, so the first process to get here owns the fire and every other one gets null.
   */
  claim(input: NewRun): Run | null {
    const attempt = input.attempt ?? 1;
    const existing = this._sql.get(
      'SELECT id FROM job_runs WHERE job_id = ? AND scheduled_for = ? AND attempt = ?',
      [input.jobId, input.scheduledFor, attempt],
    );
    if (existing) return null;
    const id = crypto.randomUUID();
    this._sql.run(
      `INSERT INTO job_runs (id, job_id, trigger, scheduled_for, attempt, status, started_at, ended_at, owner,
         heartbeat_at, session_id, error, resume_at, cancel_requested, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
      [
        id,
        input.jobId,
        input.trigger,
        input.scheduledFor,
        attempt,
        input.status ?? 'queued',
        input.startedAt ?? null,
        input.endedAt ?? null,
        input.owner ?? null,
        input.heartbeatAt ?? null,
        input.sessionId ?? null,
        input.error ?? null,
        input.resumeAt ?? null,
        this._now(),
      ],
    );
    return this.require(id);
  }

  get(id: string): Run | undefined {
    const row = this._sql.get('SELECT * FROM job_runs WHERE id = ?', [id]);
    return row ? toRun(row) : undefined;
  }

  require(id: string): Run {
    const run = this.get(id);
    if (!run) throw new NotFoundError('run', id);
    return run;
  }

  /** Finds a run by its full id or a unique prefix of at least 4 characters. */
  resolve(reference: string): Run[] {
    const exact = this.get(reference);
    if (exact) return [exact];
    if (reference.length < 4) return [];
    return this._sql
      .all('SELECT * FROM job_runs WHERE substr(id, 1, ?) = ? ORDER BY created_at', [
        reference.length,
        reference,
      ])
      .map(toRun);
  }

  /** Newest first. */
  list(query: RunQuery = {}): Run[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.jobId !== undefined) {
      where.push('job_id = ?');
      params.push(query.jobId);
    }
    if (query.statuses && query.statuses.length > 0) {
      where.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
      params.push(...query.statuses);
    }
    if (query.endedSince !== undefined) {
      where.push('ended_at >= ?');
      params.push(query.endedSince);
    }
    const limit = query.limit !== undefined ? ' LIMIT ?' : '';
    if (query.limit !== undefined) params.push(query.limit);
    return this._sql
      .all(
        `SELECT * FROM job_runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
         ORDER BY created_at DESC, scheduled_for DESC, attempt DESC${limit}`,
        params,
      )
      .map(toRun);
  }

  /** Runs that are not finished: queued, running or waiting for a usage limit to reset. */
  listActive(): Run[] {
    return this.list({ statuses: ACTIVE_RUN_STATUSES });
  }

  update(id: string, patch: RunPatch): Run {
    if (this._sql.updateById('job_runs', id, patch, MUTABLE) === 0) throw new NotFoundError('run', id);
    return this.require(id);
  }

  /**
   * Compare-and-set: applies `patch` only if the run is in one of `fence.from` and, when
   * `fence.owner` is given, has that owner. Returns the changed run, or null when it did not match
   * (changed meanwhile by someone else, or gone): then nothing was changed.
   */
  transition(id: string, fence: RunFence, patch: RunPatch): Run | null {
    if (fence.from.length === 0) return null;
    const where = [`id = ?`, `status IN (${fence.from.map(() => '?').join(', ')})`];
    const params: (string | null)[] = [id, ...fence.from];
    if (fence.owner !== undefined) {
      where.push('owner IS ?');
      params.push(fence.owner);
    }
    const changed = this._sql.updateWhere('job_runs', patch, MUTABLE, where.join(' AND '), params);
    return changed === 0 ? null : this.require(id);
  }

  count(): number {
    return Number(this._sql.get('SELECT COUNT(*) AS n FROM job_runs')?.n ?? 0);
  }
}
