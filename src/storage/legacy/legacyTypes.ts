// The shapes the legacy migration passes between its steps and shows to the user (CLI JSON, the
// wizard, the report). Times are ISO-8601 UTC strings.

import type { JobStatus, JobType, ProcessStatus, RunStatus, RunTrigger, TokenCounts } from '../../core/model';
import type { SkipReason, TableNote } from './legacyReasons';
import type { LegacyResult, SourceRef } from './legacyRows';
import type { Generation, TableRole } from './legacySchema';
import type { WalSummary } from './walReplay';

/** The choices a migration needs from the user; each has a safe default. */
export interface MigrationDecisions {
  /** Six-field cron the old engine ran in UTC: keep firing at the same instants, or read it in local time. */
  utcCron: 'keepUtc' | 'localTime';
  /** Both day fields restricted (old: AND, Night Pilot: OR): import paused, as OR, or keep one day field. */
  bothDays: 'pause' | 'either' | 'dayOfMonth' | 'dayOfWeek';
  /** Five-field expressions the old engine rejected (they never fired): import paused, or active. */
  fiveField: 'pause' | 'activate';
  /** Jobs of deleted prompts and results of deleted jobs: import them (under placeholders), or skip. */
  orphans: 'import' | 'skip';
}

export const DEFAULT_DECISIONS: Readonly<MigrationDecisions> = {
  utcCron: 'keepUtc',
  bothDays: 'pause',
  fiveField: 'pause',
  orphans: 'import',
};

/** The choices each decision offers, in the order they are shown. */
export const DECISION_OPTIONS: {
  readonly [K in keyof MigrationDecisions]: readonly MigrationDecisions[K][];
} = {
  utcCron: ['keepUtc', 'localTime'],
  bothDays: ['pause', 'either', 'dayOfMonth', 'dayOfWeek'],
  fiveField: ['pause', 'activate'],
  orphans: ['import', 'skip'],
};

export type WarningCode =
  | 'utcCron'
  | 'bothDays'
  | 'fiveField'
  | 'manual'
  | 'nameInSchedule'
  | 'unparseable'
  | 'lostSchedule'
  | 'oncePast'
  | 'orphanJobs'
  | 'orphanResults'
  | 'unknownStatus'
  | 'unfinishedRuns'
  | 'copyOfNewer'
  | 'skippedTables'
  | 'walTail'
  | 'alreadyImported';

export interface MigrationWarning {
  code: WarningCode;
  /** How many rows or jobs it concerns. */
  count: number;
  /** The first few of them, as "schedules #3 \"Nightly\"" labels. */
  items: string[];
  /** The warning in English (CLI, report); the wizard shows its own translation of `code`. */
  message: string;
  /** The decision that settles it, or null when there is nothing to choose. */
  decision: keyof MigrationDecisions | null;
}

/** What happens to one legacy row. */
export type RowAction = 'import' | 'already' | 'skip';

export interface PlannedPrompt {
  /** Null for a placeholder standing in for a deleted prompt. */
  source: SourceRef | null;
  /** Provenance key (table, id, fingerprint). */
  key: SourceRef & { fingerprint: string };
  action: RowAction;
  /** Known for 'already'; assigned at import otherwise. */
  targetId: string | null;
  title: string;
  content: string;
  tags: string[];
}

export interface PlannedJob {
  source: SourceRef | null;
  key: SourceRef & { fingerprint: string };
  label: string;
  action: RowAction;
  targetId: string | null;
  /** Why it is not imported, in English (`skipWhy` keyed, for other languages). */
  skipReason: string | null;
  skipWhy: SkipReason | null;
  prompt: PlannedPrompt | null;
  name: string;
  cronExpression: string;
  timezone: string;
  status: JobStatus;
  jobType: JobType;
  priority: number;
  maxAttempts: number;
  nextRunTime: string | null;
  /** The schedule as the old app stored it. */
  originalSchedule: string;
  /** The old status, as written. */
  originalStatus: string;
  /** The old status meant "will run"; verify compares these with the active jobs migrated. */
  legacyActive: boolean;
  /** Why a job that was active in the old app is imported paused (a decision, no schedule...). */
  pausedBecause: WarningCode | null;
  flags: WarningCode[];
  executionCount: number;
  failureCount: number;
  lastRunTime: string | null;
}

export interface PlannedUsage extends TokenCounts {
  id: string;
  model: string;
  costUsd: number;
}

/** What a run holds beyond its identity: read from the result's content when the run is written. */
export interface RunDetail {
  status: RunStatus;
  processStatus: ProcessStatus;
  startedAt: string;
  endedAt: string;
  sessionId: string | null;
  error: string | null;
  /** The end of the result text (of the content, when it is not Claude's JSON); the whole content goes to a log file. */
  outputTail: string;
  usage: PlannedUsage[];
}

export interface PlannedRun {
  source: SourceRef;
  key: SourceRef & { fingerprint: string };
  job: PlannedJob;
  /** The ids of the run and its execution process: given when the run is written (see importPlan). */
  runId: string;
  processId: string;
  /** The run's instant in milliseconds (scheduledFor): its ids are time-ordered UUIDs of it. */
  at: number;
  trigger: RunTrigger;
  scheduledFor: string;
  /** The legacy result it comes from (see runDetail in legacyRunPlan.ts). */
  result: LegacyResult;
}

export interface PlannedTotals {
  source: SourceRef;
  key: SourceRef & { fingerprint: string };
  usage: PlannedUsage;
  at: string;
}

/** Rows of one table left out, with the reason. */
export interface SkippedRows {
  table: string;
  /** Their ids (all of them); null when a whole table is skipped. */
  ids: string[] | null;
  count: number | null;
  /** The reason in English (see `why` for the report in other languages). */
  reason: string;
  why: SkipReason;
}

export interface TableSummary {
  table: string;
  role: TableRole;
  generation: Generation | null;
  /** Rows in the source; null when the table cannot be read. */
  rows: number | null;
  toImport: number;
  alreadyImported: number;
  skipped: number;
  /** Why the table is not imported row by row, in English (`why` keyed, for other languages). */
  note: string | null;
  why: TableNote | null;
}

export interface SourceSummary {
  path: string;
  walPath: string | null;
  fileHash: string;
  mainBytes: number;
  wal: WalSummary | null;
  generations: Generation[];
}

export interface MigrationPlan {
  source: SourceSummary;
  createdAt: string;
  decisions: MigrationDecisions;
  /** The zone `localTime` and five-field jobs use. */
  localZone: string;
  tables: TableSummary[];
  prompts: PlannedPrompt[];
  jobs: PlannedJob[];
  runs: PlannedRun[];
  totals: PlannedTotals[];
  skipped: SkippedRows[];
  warnings: MigrationWarning[];
}

/** One job as the preview lists it. */
export interface JobPreview {
  source: string;
  action: RowAction;
  name: string;
  cronExpression: string;
  timezone: string;
  status: JobStatus;
  jobType: JobType;
  nextRunTime: string | null;
  originalSchedule: string;
  flags: WarningCode[];
  skipReason: string | null;
}

/** What `migrate --dry-run` prints and the wizard's preview step shows. */
export interface MigrationPreview {
  source: SourceSummary;
  decisions: MigrationDecisions;
  localZone: string;
  tables: TableSummary[];
  /** `usageTotals`: running totals kept as usage records; each run brings its own usage. */
  counts: {
    prompts: number;
    jobs: number;
    runs: number;
    usageTotals: number;
    alreadyImported: number;
    skipped: number;
  };
  jobs: JobPreview[];
  warnings: MigrationWarning[];
}
