// Usage per Night Pilot job: what each job's runs recorded (per run and model, from the CLI's
// result) and what Claude Code's transcripts say about the same sessions (joined by session id),
// plus the daily roll-ups of runs retention already pruned.

import type { Job, Run, UsageRecord } from '../core/model';
import type { CostMode, PriceRule } from '../core/pricing';
import { DEFAULT_PRICES, calculateCost } from '../core/pricing';
import { localDayFormatter } from '../core/calendar';
import type { DailyUsageRow } from '../storage/usageRepository';
import { entryCost } from './reports';
import type { LocatedEntry } from './transcriptEntry';

export interface RunUsageRow {
  runId: string;
  status: Run['status'];
  startedAt: string | null;
  sessionId: string | null;
  /** What the run recorded from Claude's result (its own share after `--resume`). */
  recordedCost: number;
  recordedTokens: number;
  /** What the session's transcript lines add up to (the whole session), when found. */
  transcriptCost: number | null;
  transcriptTokens: number | null;
}

export interface JobUsageRow {
  jobId: string;
  jobName: string;
  runs: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  /** Recorded by the runs (and rolled up for pruned runs), under the cost mode. */
  totalCost: number;
  /** The transcripts' cost of the sessions these runs used. */
  transcriptCost: number;
  modelsUsed: string[];
  lastRun: string | null;
  runDetails: RunUsageRow[];
}

export interface JobUsageInput {
  jobs: readonly Job[];
  runs: readonly Run[];
  /** Usage records of those runs. */
  records: readonly UsageRecord[];
  /** Roll-ups of pruned runs in the same range. */
  daily: readonly DailyUsageRow[];
  entries: readonly LocatedEntry[];
  mode: CostMode;
  prices?: readonly PriceRule[];
  timeZone: string;
  since?: string;
  until?: string;
}

/** A recorded cost under a cost mode (records keep where their cost came from). */
export function recordCost(
  r: Pick<
    UsageRecord,
    | 'model'
    | 'costUsd'
    | 'costSource'
    | 'inputTokens'
    | 'outputTokens'
    | 'cacheCreationTokens'
    | 'cacheReadTokens'
  >,
  mode: CostMode,
  prices: readonly PriceRule[] = DEFAULT_PRICES,
): number {
  if (mode === 'display') return r.costSource === 'reported' ? r.costUsd : 0;
  if (mode === 'calculate') return calculateCost(r.model, r, prices) ?? 0;
  return r.costUsd;
}

/** One row per job that has usage in the range, most expensive first. */
export function jobUsageReport(input: JobUsageInput): JobUsageRow[] {
  const prices = input.prices ?? DEFAULT_PRICES;
  const dayOf = localDayFormatter(input.timeZone);
  const inRange = (iso: string | null) => {
    if (iso === null) return false;
    const day = dayOf(Date.parse(iso));
    return !(
      (input.since !== undefined && day < input.since) ||
      (input.until !== undefined && day > input.until)
    );
  };
  const bySession = new Map<string, { cost: number; tokens: number }>();
  for (const e of input.entries) {
    if (e.sessionId === null) continue;
    const s = bySession.get(e.sessionId) ?? { cost: 0, tokens: 0 };
    s.cost += entryCost(e, { mode: input.mode, prices });
    s.tokens += e.inputTokens + e.outputTokens + e.cacheCreationTokens + e.cacheReadTokens;
    bySession.set(e.sessionId, s);
  }
  const recordsByRun = new Map<string, UsageRecord[]>();
  for (const r of input.records) {
    if (r.runId === null) continue;
    const list = recordsByRun.get(r.runId) ?? [];
    list.push(r);
    recordsByRun.set(r.runId, list);
  }
  const rows = new Map<string, JobUsageRow>();
  const row = (jobId: string, name: string): JobUsageRow => {
    let r = rows.get(jobId);
    if (!r) {
      r = {
        jobId,
        jobName: name,
        runs: 0,
        inputTokens: 0,
        outputTokens: 0,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        totalTokens: 0,
        totalCost: 0,
        transcriptCost: 0,
        modelsUsed: [],
        lastRun: null,
        runDetails: [],
      };
      rows.set(jobId, r);
    }
    return r;
  };
  const names = new Map(input.jobs.map((j) => [j.id, j.name]));
  const sessionsCounted = new Set<string>();
  for (const run of input.runs) {
    const at = run.startedAt ?? run.createdAt;
    if (!inRange(at)) continue;
    const records = recordsByRun.get(run.id) ?? [];
    if (records.length === 0 && run.sessionId === null) continue;
    const r = row(run.jobId, names.get(run.jobId) ?? run.jobId);
    let cost = 0;
    let tokens = 0;
    for (const rec of records) {
      cost += recordCost(rec, input.mode, prices);
      tokens += rec.inputTokens + rec.outputTokens + rec.cacheCreationTokens + rec.cacheReadTokens;
      r.inputTokens += rec.inputTokens;
      r.outputTokens += rec.outputTokens;
      r.cacheCreationTokens += rec.cacheCreationTokens;
      r.cacheReadTokens += rec.cacheReadTokens;
      if (!r.modelsUsed.includes(rec.model)) r.modelsUsed.push(rec.model);
    }
    const session = run.sessionId === null ? undefined : bySession.get(run.sessionId);
    // A resumed session belongs to several runs of one job: its transcript counts once.
    if (session && !sessionsCounted.has(run.sessionId!)) {
      sessionsCounted.add(run.sessionId!);
      r.transcriptCost += session.cost;
    }
    r.runs++;
    r.totalCost += cost;
    if (r.lastRun === null || at > r.lastRun) r.lastRun = at;
    r.runDetails.push({
      runId: run.id,
      status: run.status,
      startedAt: run.startedAt,
      sessionId: run.sessionId,
      recordedCost: cost,
      recordedTokens: tokens,
      transcriptCost: session?.cost ?? null,
      transcriptTokens: session?.tokens ?? null,
    });
  }
  for (const d of input.daily) {
    const r = row(d.jobId ?? '', d.jobName || names.get(d.jobId ?? '') || '(deleted job)');
    r.runs += d.runs;
    r.inputTokens += d.inputTokens;
    r.outputTokens += d.outputTokens;
    r.cacheCreationTokens += d.cacheCreationTokens;
    r.cacheReadTokens += d.cacheReadTokens;
    r.totalCost +=
      input.mode === 'display'
        ? d.reportedCostUsd
        : input.mode === 'calculate'
          ? (calculateCost(d.model, d, prices) ?? 0)
          : d.costUsd;
    if (!r.modelsUsed.includes(d.model)) r.modelsUsed.push(d.model);
  }
  for (const r of rows.values()) {
    r.totalTokens = r.inputTokens + r.outputTokens + r.cacheCreationTokens + r.cacheReadTokens;
    r.runDetails.sort((a, b) => ((b.startedAt ?? '') < (a.startedAt ?? '') ? -1 : 1));
  }
  return [...rows.values()].sort((a, b) => b.totalCost - a.totalCost);
}
