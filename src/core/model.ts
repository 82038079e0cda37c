// The unified data model of DESIGN.md. Every layer speaks these types; the storage layer maps
// them to and from rows, the CLI prints them as camelCase JSON. Times are ISO-8601 UTC strings.

export const JOB_STATUSES = ['active', 'paused', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const JOB_TYPES = ['scheduled', 'one_time', 'triggered'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const RUN_TRIGGERS = ['schedule', 'manual', 'retry', 'catch_up', 'parent', 'limit_resume'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATUSES = [
  'queued',
  'running',
  'waiting_for_limit',
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run in one of these states will not change again. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'skipped'];

export const PROCESS_TYPES = ['setup', 'execution', 'validation', 'cleanup'] as const;
export type ProcessType = (typeof PROCESS_TYPES)[number];

export const PROCESS_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ProcessStatus = (typeof PROCESS_STATUSES)[number];

export const RETRY_STRATEGIES = ['fixed', 'linear', 'exponential'] as const;
export type RetryStrategy = (typeof RETRY_STRATEGIES)[number];

export const MISSED_RUN_POLICIES = ['skip', 'run_once', 'run_all'] as const;
export type MissedRunPolicy = (typeof MISSED_RUN_POLICIES)[number];

export const PERMISSION_MODES = [
  'default',
  'acceptEdits',
  'plan',
  'auto',
  'dontAsk',
  'bypassPermissions',
] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** Where a job's runs work: in the job's folder itself, or in a git worktree and branch of their own. */
export const ISOLATION_MODES = ['none', 'worktree'] as const;
export type Isolation = (typeof ISOLATION_MODES)[number];

export const COST_SOURCES = ['reported', 'calculated'] as const;
export type CostSource = (typeof COST_SOURCES)[number];

/** How a failed attempt is retried. `maxAttempts` counts the first attempt: 1 means no retry. */
export interface RetryConfig {
  maxAttempts: number;
  strategy: RetryStrategy;
  /** Delay before the first retry, in seconds. */
  baseDelaySeconds: number;
  /** Growth factor for `exponential`; the step for `linear` is `baseDelaySeconds`. */
  multiplier: number;
  /** Upper bound on any delay, in seconds. */
  maxDelaySeconds: number;
}

export const DEFAULT_RETRY: RetryConfig = {
  maxAttempts: 1,
  strategy: 'exponential',
  baseDelaySeconds: 60,
  multiplier: 2,
  maxDelaySeconds: 3600,
};

export interface Prompt {
  id: string;
  title: string;
  /** The prompt text; empty when the prompt lives in `filePath`. */
  content: string;
  /** A workspace Markdown file the prompt is read from at run time, when set. */
  filePath: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

/**
 * What a prompt file's front matter may grant a job beyond Claude Code's defaults. A file can
 * change under the user (a `git pull`), so these take effect only as the user confirmed them for
 * the job (see core/promptGrants.ts).
 */
export interface PromptGrants {
  permissionMode: PermissionMode | null;
  allowedTools: string[];
  env: Record<string, string>;
}

/** How Claude and the phase commands are run for a job. */
export interface ExecutionOptions {
  workingDirectory: string | null;
  model: string | null;
  maxTurns: number | null;
  permissionMode: PermissionMode | null;
  /** `bypassPermissions` is refused unless the job opts in explicitly. */
  allowBypass: boolean;
  allowedTools: string[];
  disallowedTools: string[];
  appendSystemPrompt: string | null;
  timeoutSeconds: number | null;
  env: Record<string, string>;
  setupCommand: string | null;
  validationCommand: string | null;
  cleanupCommand: string | null;
  /** Passed to Claude as `--max-budget-usd`: the most one run may spend. */
  maxBudgetUsd: number | null;
  /** The job's runs wait once its spend of the local day reaches this. */
  dailyBudgetUsd: number | null;
  /** The job's runs wait once its spend of the local month reaches this. */
  monthlyBudgetUsd: number | null;
  /** The prompt file's grants as the user last confirmed them for this job; null: none yet. */
  promptGrants: PromptGrants | null;
  /**
   * `worktree`: each run works in a git worktree and branch of its own, reviewed and merged
   * later; null: the prompt file's `isolation`, else `none` (the job's folder itself).
   */
  isolation: Isolation | null;
  /** The branch a worktree run starts from and merges into; null: the repository's current branch. */
  baseBranch: string | null;
}

export const DEFAULT_EXECUTION_OPTIONS: ExecutionOptions = {
  workingDirectory: null,
  model: null,
  maxTurns: null,
  permissionMode: null,
  allowBypass: false,
  allowedTools: [],
  disallowedTools: [],
  appendSystemPrompt: null,
  timeoutSeconds: null,
  env: {},
  setupCommand: null,
  validationCommand: null,
  cleanupCommand: null,
  maxBudgetUsd: null,
  dailyBudgetUsd: null,
  monthlyBudgetUsd: null,
  promptGrants: null,
  isolation: null,
  baseBranch: null,
};

export interface Job {
  id: string;
  name: string;
  promptId: string;
  cronExpression: string;
  /** IANA zone the cron expression is read in. */
  timezone: string;
  status: JobStatus;
  jobType: JobType;
  /** 1 (highest) to 10 (lowest). */
  priority: number;
  parentJobId: string | null;
  options: ExecutionOptions;
  retry: RetryConfig;
  missedRunPolicy: MissedRunPolicy;
  executionCount: number;
  failureCount: number;
  lastRunTime: string | null;
  nextRunTime: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Run {
  id: string;
  jobId: string;
  trigger: RunTrigger;
  /** The fire instant this run belongs to (for manual runs: the moment it was requested). */
  scheduledFor: string;
  attempt: number;
  status: RunStatus;
  startedAt: string | null;
  endedAt: string | null;
  /** Which process owns the run while it is active (see storage's owner ids). */
  owner: string | null;
  heartbeatAt: string | null;
  sessionId: string | null;
  error: string | null;
  /** When a `waiting_for_limit` run may resume. */
  resumeAt: string | null;
  /** Another process asked for this run to be cancelled. */
  cancelRequested: boolean;
  /** Why a queued run has not started yet (a budget reached, smart start); null otherwise. */
  waitReason: string | null;
  createdAt: string;
}

export interface ExecutionProcess {
  id: string;
  runId: string;
  jobId: string;
  processType: ProcessType;
  status: ProcessStatus;
  startTime: string | null;
  endTime: string | null;
  exitCode: number | null;
  /** The last few KiB of the output; the whole output is in `logFile`. */
  outputTail: string | null;
  logFile: string | null;
  errorMessage: string | null;
  /**
   * The phase's process group while it may run: its id, the start time of its leader (an opaque
   * token, null where the platform cannot tell) and the host it runs on. Lets recovery and
   * cancellation stop a process that outlived its owner, and never an unrelated one.
   */
  pgid: number | null;
  pgidStart: string | null;
  pgidHost: string | null;
}

/** The four token counts Claude Code reports for a model; every usage shape is built on these. */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}

export interface UsageRecord extends TokenCounts {
  id: string;
  runId: string | null;
  jobId: string | null;
  sessionId: string | null;
  model: string;
  costUsd: number;
  costSource: CostSource;
  recordedAt: string;
}

/**
 * Where a worktree run's worktree is in its life. `creating`: the worktree and branch are being
 * made; `active`: the run's phases work in it; `finishing`: its changes are being committed;
 * `review`: it holds changes waiting for the user (merge or discard); `no_changes`: the run changed
 * nothing and both were removed; `merged`, `discarded`: the user decided; `failed`: it could not be
 * made or finished (the reason is in `detail`; whatever exists is kept for the user).
 */
export const WORKTREE_STATES = [
  'creating',
  'active',
  'finishing',
  'review',
  'no_changes',
  'merged',
  'discarded',
  'failed',
] as const;
export type WorktreeState = (typeof WORKTREE_STATES)[number];

/** States in which the worktree's owner (or, after a crash, the next scheduler) still has work to do. */
export const UNSETTLED_WORKTREE_STATES: readonly WorktreeState[] = ['creating', 'active', 'finishing'];
/** States that wait for the user: the run's changes are kept until merged or discarded. */
export const PENDING_REVIEW_STATES: readonly WorktreeState[] = ['review', 'failed'];

/** What a worktree run changed, from the base commit to the branch's head. */
export interface WorktreeStats {
  commitCount: number;
  filesChanged: number;
  insertions: number;
  deletions: number;
}

/** The git worktree and branch of one worktree run. */
export interface RunWorktree {
  runId: string;
  jobId: string;
  /** The job's name when the run started (the row outlives a deleted job). */
  jobName: string;
  /** The top-level folder of the repository the job works in (its main working tree). */
  repository: string;
  /** `<global storage>/worktrees/<run id>`. */
  path: string;
  /** The job's working folder relative to the repository's top level ('' for the top). */
  subfolder: string;
  branch: string;
  baseBranch: string;
  baseCommit: string;
  /** The branch's head once the run's changes are committed. */
  headCommit: string | null;
  /** Null until the run's changes are committed. */
  stats: WorktreeStats | null;
  state: WorktreeState;
  /** Why the worktree failed, or what the last review action said. */
  detail: string | null;
  /** Which process works on the worktree while it is unsettled (an owner id, as a run's). */
  owner: string | null;
  /** The process group of the git command in progress, so a crashed owner's git can be stopped. */
  pgid: number | null;
  pgidStart: string | null;
  pgidHost: string | null;
  createdAt: string;
  updatedAt: string;
}
