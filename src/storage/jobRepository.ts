import crypto from 'node:crypto';
import type {
  ExecutionOptions,
  Isolation,
  Job,
  JobStatus,
  JobType,
  MissedRunPolicy,
  PermissionMode,
  PromptGrants,
  RetryConfig,
  RetryStrategy,
} from '../core/model';
import { DEFAULT_EXECUTION_OPTIONS, DEFAULT_RETRY } from '../core/model';
import { ConstraintError, NotFoundError } from './errors';
import type { SqlValue } from 'sql.js';
import type { Row, Sql } from './sql';
import { jsonOr, num, numOrNull, str, strOrNull } from './sql';

export interface NewJob {
  /** The id to give the job (an import keeping its ids); a new UUID when absent. */
  id?: string;
  name: string;
  promptId: string;
  cronExpression: string;
  timezone: string;
  status?: JobStatus;
  jobType?: JobType;
  priority?: number;
  parentJobId?: string | null;
  options?: Partial<ExecutionOptions>;
  retry?: Partial<RetryConfig>;
  missedRunPolicy?: MissedRunPolicy;
  nextRunTime?: string | null;
}

export interface JobPatch extends Partial<Omit<NewJob, 'options' | 'retry' | 'id'>> {
  options?: Partial<ExecutionOptions>;
  retry?: Partial<RetryConfig>;
  executionCount?: number;
  failureCount?: number;
  lastRunTime?: string | null;
}

/** The confirmed grants column; a value that does not read back is "nothing confirmed". */
function toGrants(value: SqlValue | undefined): PromptGrants | null {
  const parsed = jsonOr<Partial<PromptGrants> | null>(value, null);
  if (parsed === null || typeof parsed !== 'object') return null;
  return {
    permissionMode: (parsed.permissionMode ?? null) as PermissionMode | null,
    allowedTools: Array.isArray(parsed.allowedTools)
      ? parsed.allowedTools.filter((t) => typeof t === 'string')
      : [],
    env:
      typeof parsed.env === 'object' && parsed.env !== null
        ? Object.fromEntries(Object.entries(parsed.env).filter(([, v]) => typeof v === 'string'))
        : {},
  };
}

function toJob(r: Row): Job {
  return {
    id: str(r.id),
    name: str(r.name),
    promptId: str(r.prompt_id),
    cronExpression: str(r.cron_expression),
    timezone: str(r.timezone),
    status: str(r.status) as JobStatus,
    jobType: str(r.job_type) as JobType,
    priority: num(r.priority),
    parentJobId: strOrNull(r.parent_job_id),
    options: {
      workingDirectory: strOrNull(r.working_directory),
      model: strOrNull(r.model),
      maxTurns: numOrNull(r.max_turns),
      permissionMode: strOrNull(r.permission_mode) as PermissionMode | null,
      allowBypass: num(r.allow_bypass) === 1,
      allowedTools: jsonOr<string[]>(r.allowed_tools, []),
      disallowedTools: jsonOr<string[]>(r.disallowed_tools, []),
      appendSystemPrompt: strOrNull(r.append_system_prompt),
      timeoutSeconds: numOrNull(r.timeout_seconds),
      env: jsonOr<Record<string, string>>(r.env, {}),
      setupCommand: strOrNull(r.setup_command),
      validationCommand: strOrNull(r.validation_command),
      cleanupCommand: strOrNull(r.cleanup_command),
      maxBudgetUsd: numOrNull(r.max_budget_usd),
      dailyBudgetUsd: numOrNull(r.daily_budget_usd),
      monthlyBudgetUsd: numOrNull(r.monthly_budget_usd),
      promptGrants: toGrants(r.prompt_grants),
      isolation: strOrNull(r.isolation) as Isolation | null,
      baseBranch: strOrNull(r.base_branch),
    },
    retry: {
      maxAttempts: num(r.retry_max_attempts),
      strategy: str(r.retry_strategy) as RetryStrategy,
      baseDelaySeconds: num(r.retry_base_seconds),
      multiplier: num(r.retry_multiplier),
      maxDelaySeconds: num(r.retry_max_delay_seconds),
    },
    missedRunPolicy: str(r.missed_run_policy) as MissedRunPolicy,
    executionCount: num(r.execution_count),
    failureCount: num(r.failure_count),
    lastRunTime: strOrNull(r.last_run_time),
    nextRunTime: strOrNull(r.next_run_time),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

/** Every job, oldest first (exported for the storage bench, whose floor runs the same statement). */
export const LIST_JOBS_SQL = 'SELECT * FROM jobs ORDER BY created_at, id';

const COLUMNS = [
  'name',
  'prompt_id',
  'cron_expression',
  'timezone',
  'status',
  'job_type',
  'priority',
  'parent_job_id',
  'working_directory',
  'model',
  'max_turns',
  'permission_mode',
  'allow_bypass',
  'allowed_tools',
  'disallowed_tools',
  'append_system_prompt',
  'timeout_seconds',
  'env',
  'setup_command',
  'validation_command',
  'cleanup_command',
  'retry_max_attempts',
  'retry_strategy',
  'retry_base_seconds',
  'retry_multiplier',
  'retry_max_delay_seconds',
  'missed_run_policy',
  'execution_count',
  'failure_count',
  'last_run_time',
  'next_run_time',
  'max_budget_usd',
  'daily_budget_usd',
  'monthly_budget_usd',
  'prompt_grants',
  'isolation',
  'base_branch',
] as const;

function toValues(j: Omit<Job, 'id' | 'createdAt' | 'updatedAt'>): (string | number | null)[] {
  const o = j.options;
  return [
    j.name,
    j.promptId,
    j.cronExpression,
    j.timezone,
    j.status,
    j.jobType,
    j.priority,
    j.parentJobId,
    o.workingDirectory,
    o.model,
    o.maxTurns,
    o.permissionMode,
    o.allowBypass ? 1 : 0,
    JSON.stringify(o.allowedTools),
    JSON.stringify(o.disallowedTools),
    o.appendSystemPrompt,
    o.timeoutSeconds,
    JSON.stringify(o.env),
    o.setupCommand,
    o.validationCommand,
    o.cleanupCommand,
    j.retry.maxAttempts,
    j.retry.strategy,
    j.retry.baseDelaySeconds,
    j.retry.multiplier,
    j.retry.maxDelaySeconds,
    j.missedRunPolicy,
    j.executionCount,
    j.failureCount,
    j.lastRunTime,
    j.nextRunTime,
    o.maxBudgetUsd,
    o.dailyBudgetUsd,
    o.monthlyBudgetUsd,
    o.promptGrants === null ? null : JSON.stringify(o.promptGrants),
    o.isolation,
    o.baseBranch,
  ];
}

export class JobRepository {
  constructor(
    private readonly _sql: Sql,
    private readonly _now: () => string,
  ) {}

  insert(input: NewJob): Job {
    const id = input.id ?? crypto.randomUUID();
    const now = this._now();
    const job: Omit<Job, 'id' | 'createdAt' | 'updatedAt'> = {
      name: input.name,
      promptId: input.promptId,
      cronExpression: input.cronExpression,
      timezone: input.timezone,
      status: input.status ?? 'active',
      jobType: input.jobType ?? 'scheduled',
      priority: input.priority ?? 5,
      parentJobId: input.parentJobId ?? null,
      options: { ...DEFAULT_EXECUTION_OPTIONS, ...input.options },
      retry: { ...DEFAULT_RETRY, ...input.retry },
      missedRunPolicy: input.missedRunPolicy ?? 'run_once',
      executionCount: 0,
      failureCount: 0,
      lastRunTime: null,
      nextRunTime: input.nextRunTime ?? null,
    };
    if (job.parentJobId !== null) this._assertParentAllowed(id, job.parentJobId);
    const placeholders = COLUMNS.map(() => '?').join(', ');
    this._sql.run(
      `INSERT INTO jobs (id, ${COLUMNS.join(', ')}, created_at, updated_at) VALUES (?, ${placeholders}, ?, ?)`,
      [id, ...toValues(job), now, now],
    );
    return this.require(id);
  }

  get(id: string): Job | undefined {
    const row = this._sql.get('SELECT * FROM jobs WHERE id = ?', [id]);
    return row ? toJob(row) : undefined;
  }

  require(id: string): Job {
    const job = this.get(id);
    if (!job) throw new NotFoundError('job', id);
    return job;
  }

  list(): Job[] {
    return this._sql.all(LIST_JOBS_SQL).map(toJob);
  }

  /**
   * Finds a job by its full id, a unique id prefix (as git does for commits) or its exact name.
   * Returns the matches so a caller can explain an ambiguous reference.
   */
  resolve(reference: string): Job[] {
    const exact = this.get(reference);
    if (exact) return [exact];
    const byPrefix = this._sql.all('SELECT * FROM jobs WHERE substr(id, 1, ?) = ? ORDER BY created_at', [
      reference.length,
      reference,
    ]);
    if (byPrefix.length > 0 && reference.length >= 4) return byPrefix.map(toJob);
    return this._sql.all('SELECT * FROM jobs WHERE name = ? ORDER BY created_at', [reference]).map(toJob);
  }

  update(id: string, patch: JobPatch): Job {
    const current = this.require(id);
    const next: Job = {
      ...current,
      ...patch,
      options: { ...current.options, ...patch.options },
      retry: { ...current.retry, ...patch.retry },
    };
    if (patch.parentJobId !== undefined && patch.parentJobId !== null)
      this._assertParentAllowed(id, patch.parentJobId);
    const assignments = COLUMNS.map((c) => `${c} = ?`).join(', ');
    this._sql.run(`UPDATE jobs SET ${assignments}, updated_at = ? WHERE id = ?`, [
      ...toValues(next),
      this._now(),
      id,
    ]);
    return this.require(id);
  }

  /** Deletes the job with its runs and processes; usage records keep their tokens and cost. */
  remove(id: string): boolean {
    return this._sql.run('DELETE FROM jobs WHERE id = ?', [id]) > 0;
  }

  children(parentId: string): Job[] {
    return this._sql
      .all('SELECT * FROM jobs WHERE parent_job_id = ? ORDER BY created_at', [parentId])
      .map(toJob);
  }

  /** Active jobs whose next fire is at or before `nowIso`, highest priority first. */
  listDue(nowIso: string): Job[] {
    return this._sql
      .all(
        `SELECT * FROM jobs WHERE status = 'active' AND next_run_time IS NOT NULL AND next_run_time <= ?
         ORDER BY priority, next_run_time, id`,
        [nowIso],
      )
      .map(toJob);
  }

  /** The earliest upcoming fire over all active jobs: what the scheduler's timer waits for. */
  earliestNextRunTime(): string | null {
    const row = this._sql.get(
      `SELECT MIN(next_run_time) AS t FROM jobs WHERE status = 'active' AND next_run_time IS NOT NULL`,
    );
    return strOrNull(row?.t);
  }

  /** A job may not become its own ancestor: walking up from the new parent must not reach it. */
  private _assertParentAllowed(jobId: string, parentId: string): void {
    const seen = new Set<string>();
    let cursor: string | null = parentId;
    while (cursor !== null) {
      if (cursor === jobId) {
        throw new ConstraintError(
          `Parent job ${parentId} would create a cycle: job ${jobId} is already its ancestor.`,
        );
      }
      if (seen.has(cursor)) break;
      seen.add(cursor);
      const row = this._sql.get('SELECT parent_job_id FROM jobs WHERE id = ?', [cursor]);
      if (!row) {
        if (cursor === parentId) throw new NotFoundError('parent job', parentId);
        break;
      }
      cursor = strOrNull(row.parent_job_id);
    }
  }
}
