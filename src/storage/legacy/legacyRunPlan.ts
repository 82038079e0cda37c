// Each historical result becomes a run with one execution process (its status, duration, output
// tail and log file) and its usage records (tokens and cost, from the columns or from the JSON that
// `claude -p --output-format json` printed, which the old app often stored as the content).

import crypto from 'node:crypto';
import type { ClaudeResultFields } from '../../core/claudeResult';
import { isRecord, readClaudeResult } from '../../core/claudeResult';
import type { ProcessStatus, RunStatus } from '../../core/model';
import { outputTail } from '../../core/outputTail';
import type { ImportedIndex } from './importedIndex';
import type { LegacyContents } from './legacyContents';
import { label, refKey } from './legacyJobPlan';
import type { SkipReason } from './legacyReasons';
import { skippedRows } from './legacyReasons';
import type { LegacyResult, LegacyRows, SourceRef } from './legacyRows';
import { fingerprint } from './legacyRows';
import { mapResultStatus, parseLegacyTime } from './legacySchedule';
import type {
  MigrationDecisions,
  PlannedJob,
  PlannedPrompt,
  PlannedRun,
  PlannedTotals,
  PlannedUsage,
  RunDetail,
  SkippedRows,
} from './legacyTypes';

/** The model usage is filed under when the old app recorded tokens or cost without one. */
export const UNKNOWN_MODEL = 'unknown';
/** The model of the usage a running total holds beyond what its runs account for. */
export const UNATTRIBUTED_MODEL = 'legacy-unattributed';

export interface RunPlanContext {
  rows: LegacyRows;
  contents: LegacyContents;
  decisions: MigrationDecisions;
  index: ImportedIndex;
  now: Date;
  sourcePath: string;
  jobsByRef: Map<string, PlannedJob>;
  /** Placeholders created here are added to these lists. */
  jobs: PlannedJob[];
  prompts: PlannedPrompt[];
  skipped: SkippedRows[];
}

export interface RunPlanResult {
  runs: PlannedRun[];
  totals: PlannedTotals[];
  alreadyImported: Map<string, number>;
  orphanResults: string[];
  unfinished: string[];
}

/**
 * A UUID (version 7) whose first 48 bits are `ms`: the history's rows get ids in time order, so
 * their primary-key index grows at its end instead of splitting pages at random places (the
 * import writes 50,000 runs in one transaction). Still a UUID like every other id.
 */
export function timeOrderedUuid(ms: number): string {
  if (randomOffset + 10 > randomPool.length) {
    randomPool = crypto.randomBytes(4000);
    randomOffset = 0;
  }
  const r = randomPool;
  const o = randomOffset;
  randomOffset += 10;
  const t = Math.max(0, Math.min(Math.floor(ms), 2 ** 48 - 1))
    .toString(16)
    .padStart(12, '0');
  // Version 7 in the 13th digit, the variant (binary 10) in the 17th; the rest is random.
  return (
    `${t.slice(0, 8)}-${t.slice(8)}-7${HEX[r[o]!]!.charAt(1)}${HEX[r[o + 1]!]}-` +
    `${HEX[0x80 | (r[o + 2]! & 0x3f)]}${HEX[r[o + 3]!]}-` +
    `${HEX[r[o + 4]!]}${HEX[r[o + 5]!]}${HEX[r[o + 6]!]}${HEX[r[o + 7]!]}${HEX[r[o + 8]!]}${HEX[r[o + 9]!]}`
  );
}
// Random bytes are drawn in blocks (one call per UUID costs more than the UUID), and written as
// hex through a table: the import makes three UUIDs per run.
let randomPool = Buffer.alloc(0);
let randomOffset = 0;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The result JSON the old app stored as content, when it is one. */
function parseContent(content: string): ClaudeResultFields | null {
  const text = content.trimStart();
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (!isRecord(value)) return null;
    if (!('result' in value || 'session_id' in value || 'total_cost_usd' in value || value.type === 'result'))
      return null;
    return readClaudeResult(value, UNKNOWN_MODEL);
  } catch {
    return null;
  }
}

function usageOf(result: LegacyResult, parsed: ClaudeResultFields | null, atMs = Date.now()): PlannedUsage[] {
  const id = () => timeOrderedUuid(atMs);
  if (parsed && parsed.usageByModel.length > 0) {
    const single = parsed.usageByModel.length === 1;
    return parsed.usageByModel.map((u) => ({
      id: id(),
      model: u.model,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      cacheCreationTokens: u.cacheCreationTokens,
      cacheReadTokens: u.cacheReadTokens,
      costUsd: u.costUsd ?? (single ? (parsed.totalCostUsd ?? result.costUsd ?? 0) : 0),
    }));
  }
  const input = result.inputTokens ?? (result.outputTokens === null ? result.totalTokens : null) ?? 0;
  const output = result.outputTokens ?? 0;
  const cost = result.costUsd ?? parsed?.totalCostUsd ?? 0;
  if (input === 0 && output === 0 && cost === 0) return [];
  return [
    {
      id: id(),
      model: UNKNOWN_MODEL,
      inputTokens: input,
      outputTokens: output,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
      costUsd: cost,
    },
  ];
}

const PROCESS_STATUS: Record<RunStatus, ProcessStatus> = {
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'cancelled',
  queued: 'failed',
  running: 'failed',
  waiting_for_limit: 'failed',
};

/**
 * What a run holds beyond its identity, read from its legacy result and `content` (the JSON Claude
 * printed, when it is one) as the run is written; verify reads it again for its sample.
 */
export function runDetail(run: PlannedRun, content: string, now: Date): RunDetail {
  const result = run.result;
  const parsed = parseContent(content);
  const mapped = mapResultStatus(result.status, result.contentSaysError);
  let status = mapped.status;
  if (parsed?.isError && status === 'succeeded') status = 'failed';
  const ended = parseLegacyTime(result.endedAt) ?? parseLegacyTime(result.startedAt) ?? now;
  const durationMs = result.durationMs ?? parsed?.durationMs ?? 0;
  const started =
    parseLegacyTime(result.startedAt) ?? new Date(ended.getTime() - Math.max(0, Math.round(durationMs)));
  let error: string | null = null;
  if (mapped.unfinished)
    error = `Unfinished in the old app (its status was "${result.status ?? ''}" when it stopped).`;
  else if (status !== 'succeeded') {
    error =
      result.errorMessage ??
      (parsed?.isError ? (parsed.resultText ?? parsed.errors.join('; ')) : null) ??
      content.slice(0, 2000);
  }
  return {
    status,
    processStatus: PROCESS_STATUS[status],
    startedAt: started.toISOString(),
    endedAt: ended.toISOString(),
    sessionId: parsed?.sessionId ?? null,
    error,
    // As the executor keeps of a live run: the end of what Claude answered, not its JSON.
    outputTail: outputTail(parsed ? (parsed.resultText ?? parsed.errors.join('\n')) : content),
    usage: usageOf(result, parsed, ended.getTime()),
  };
}

/** Plans a run for every result not imported yet, and the unattributed part of running totals. */
export function planRuns(ctx: RunPlanContext): RunPlanResult {
  const runs: PlannedRun[] = [];
  const alreadyImported = new Map<string, number>();
  const orphanResults: string[] = [];
  const unfinished: string[] = [];
  const usedTimes = new Map<PlannedJob, Set<string>>();
  const lastRun = new Map<PlannedJob, number>();
  const placeholders = new Map<string, PlannedJob>();
  const orphanSkips = new SkipGroups();
  const fileUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const needFileUsage = ctx.rows.totals.some((t) => t.generation === 'B');

  const placeholderJob = (ref: SourceRef): PlannedJob => {
    let job = placeholders.get(refKey(ref));
    if (job) return job;
    const key = { ...ref, fingerprint: fingerprint('missing', [ctx.sourcePath]) };
    const existing = ctx.index.target(key.table, key.id, key.fingerprint);
    const prompt: PlannedPrompt = {
      source: null,
      key: { table: `${ref.table}.prompt`, id: ref.id, fingerprint: key.fingerprint },
      action: existing ? 'already' : 'import',
      targetId: null,
      title: `Deleted job ${label(ref)} (legacy)`,
      content: '',
      tags: ['legacy-missing-job'],
    };
    const promptExisting = ctx.index.target(prompt.key.table, prompt.key.id, prompt.key.fingerprint);
    prompt.targetId = promptExisting?.targetId ?? null;
    if (prompt.action === 'import') ctx.prompts.push(prompt);
    job = {
      source: null,
      key,
      label: label(ref),
      action: existing ? 'already' : 'import',
      targetId: existing?.targetId ?? null,
      skipReason: null,
      skipWhy: null,
      prompt,
      name: `Deleted job ${label(ref)} (legacy)`,
      cronExpression: '',
      timezone: 'UTC',
      status: 'paused',
      jobType: 'scheduled',
      priority: 5,
      maxAttempts: 1,
      nextRunTime: null,
      originalSchedule: '',
      originalStatus: '',
      legacyActive: false,
      pausedBecause: null,
      flags: ['orphanResults'],
      executionCount: 0,
      failureCount: 0,
      lastRunTime: null,
    };
    placeholders.set(refKey(ref), job);
    ctx.jobs.push(job);
    return job;
  };

  for (const result of ctx.rows.results) {
    const existing = ctx.index.hasResult(result.fingerprint);
    if (needFileUsage) {
      for (const u of usageOf(result, parseContent(ctx.contents.of(result)))) {
        fileUsage.inputTokens += u.inputTokens;
        fileUsage.outputTokens += u.outputTokens;
        fileUsage.costUsd += u.costUsd;
      }
    }
    if (existing) {
      alreadyImported.set(result.ref.table, (alreadyImported.get(result.ref.table) ?? 0) + 1);
      continue;
    }
    let job = ctx.jobsByRef.get(refKey(result.jobRef));
    if (job === undefined || job.action === 'skip') {
      orphanResults.push(label(result.ref));
      if (ctx.decisions.orphans === 'skip' || job?.action === 'skip') {
        orphanSkips.add(
          result.ref.table,
          job === undefined ? { key: 'jobDeleted' } : { key: 'jobSkipped', job: job.label },
          result.ref.id,
        );
        continue;
      }
      job = placeholderJob(result.jobRef);
    }
    // The run's instant (its start) decides its identity; the rest is read when it is written.
    const mapped = mapResultStatus(result.status, result.contentSaysError);
    if (mapped.unfinished) unfinished.push(label(result.ref));
    const ended = parseLegacyTime(result.endedAt) ?? parseLegacyTime(result.startedAt) ?? ctx.now;
    const started =
      parseLegacyTime(result.startedAt) ??
      new Date(ended.getTime() - Math.max(0, Math.round(result.durationMs ?? 0)));
    let times = usedTimes.get(job);
    if (!times) {
      times = job.targetId ? ctx.index.runTimes(job.targetId) : new Set<string>();
      usedTimes.set(job, times);
    }
    // UNIQUE(job_id, scheduled_for, attempt): results of one job recorded in the same second stay apart.
    let at = started.getTime();
    let scheduledFor = started.toISOString();
    while (times.has(scheduledFor)) scheduledFor = new Date(++at).toISOString();
    times.add(scheduledFor);
    runs.push({
      source: result.ref,
      key: { table: result.ref.table, id: result.ref.id, fingerprint: result.fingerprint },
      job,
      runId: '',
      processId: '',
      at,
      trigger: job.cronExpression === '' ? 'manual' : 'schedule',
      scheduledFor,
      result,
    });
    job.executionCount++;
    if (ended.getTime() > (lastRun.get(job) ?? -Infinity)) lastRun.set(job, ended.getTime());
  }
  for (const [job, ms] of lastRun) job.lastRunTime = new Date(ms).toISOString();
  ctx.skipped.push(...orphanSkips.rows());
  return {
    runs,
    totals: planTotals(ctx, fileUsage, alreadyImported),
    alreadyImported,
    orphanResults,
    unfinished,
  };
}

function planTotals(
  ctx: RunPlanContext,
  fileUsage: { inputTokens: number; outputTokens: number; costUsd: number },
  alreadyImported: Map<string, number>,
): PlannedTotals[] {
  const planned: PlannedTotals[] = [];
  const covered = new SkipGroups();
  for (const totals of ctx.rows.totals) {
    if (ctx.index.target(totals.ref.table, totals.ref.id, totals.fingerprint)) {
      alreadyImported.set(totals.ref.table, (alreadyImported.get(totals.ref.table) ?? 0) + 1);
      continue;
    }
    if (totals.generation === 'C') {
      covered.add(totals.ref.table, { key: 'periodSummary' }, totals.ref.id);
      continue;
    }
    // A running total also counts usage no stored result accounts for: keep that part, once.
    const before = ctx.index.previousTotals(totals.ref.table, totals.ref.id);
    const input = Math.max(0, totals.inputTokens - fileUsage.inputTokens - before.inputTokens);
    const output = Math.max(0, totals.outputTokens - fileUsage.outputTokens - before.outputTokens);
    const cost = Math.max(0, Math.round((totals.costUsd - fileUsage.costUsd - before.costUsd) * 1e8) / 1e8);
    if (input === 0 && output === 0 && cost === 0) {
      covered.add(totals.ref.table, { key: 'totalCovered' }, totals.ref.id);
      continue;
    }
    planned.push({
      source: totals.ref,
      key: { ...totals.ref, fingerprint: totals.fingerprint },
      usage: {
        id: crypto.randomUUID(),
        model: UNATTRIBUTED_MODEL,
        inputTokens: input,
        outputTokens: output,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        costUsd: cost,
      },
      at: (parseLegacyTime(totals.at) ?? ctx.now).toISOString(),
    });
  }
  ctx.skipped.push(...covered.rows());
  return planned;
}

/** Skipped rows gathered by table and reason, each group one entry of the report. */
class SkipGroups {
  private readonly _groups = new Map<string, { table: string; why: SkipReason; ids: string[] }>();

  add(table: string, why: SkipReason, id: string): void {
    const key = `${table}\u0000${JSON.stringify(why)}`;
    const group = this._groups.get(key) ?? { table, why, ids: [] };
    group.ids.push(id);
    this._groups.set(key, group);
  }

  rows(): SkippedRows[] {
    return [...this._groups.values()].map((g) => skippedRows(g.table, g.ids, g.ids.length, g.why));
  }
}
