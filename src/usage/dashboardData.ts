// What the usage dashboard shows, computed without VS Code: cards (today, this month, the active
// 5-hour block, the budgets), cost and tokens per day stacked by model, cost per job, and the
// recent runs with their cost. Per-day figures come from the runs Night Pilot recorded (their
// records, and the daily roll-ups of pruned runs, so a 90-day chart outlives a 30-day retention),
// or, with `source: 'transcripts'`, from all of Claude Code's usage on this machine.

import { localDayBounds, localDayFormatter, localMonthBounds } from '../core/calendar';
import type { RunStatus } from '../core/model';
import type { CostMode, PriceRule } from '../core/pricing';
import { DEFAULT_PRICES, calculateCost } from '../core/pricing';
import { readBudgets } from '../scheduler/budgetState';
import type { OverallBudgets } from '../scheduler/budgetState';
import type { Tx } from '../storage/database';
import { activeBlock, blocksReport } from './blocks';
import { recordCost } from './jobUsage';
import { SYNTHETIC_MODEL, entryCost } from './reports';
import type { TranscriptStore } from './transcriptStore';

export const DASHBOARD_RANGES = [7, 30, 90, 365] as const;
export type DashboardRange = (typeof DASHBOARD_RANGES)[number];

export interface DashboardFilters {
  rangeDays: DashboardRange;
  /** Only this job's runs; null for all. */
  jobId: string | null;
  /** Only this model; null for all. */
  model: string | null;
  source: 'runs' | 'transcripts';
}

export const DEFAULT_FILTERS: DashboardFilters = { rangeDays: 30, jobId: null, model: null, source: 'runs' };

export interface CostAndTokens {
  costUsd: number;
  tokens: number;
}

export interface BlockCard {
  costUsd: number;
  tokens: number;
  startTime: string;
  endTime: string;
  minutesLeft: number;
  projectedCostUsd: number | null;
  projectedTokens: number | null;
  costPerHour: number | null;
}

export interface RecentRun {
  runId: string;
  jobId: string;
  jobName: string;
  status: RunStatus;
  startedAt: string | null;
  models: string[];
  tokens: number;
  costUsd: number;
  waitReason: string | null;
}

export interface DashboardData {
  generatedAt: string;
  filters: DashboardFilters;
  timeZone: string;
  cards: {
    /** Night Pilot runs. */
    today: CostAndTokens;
    month: CostAndTokens;
    /** All Claude Code usage on this machine (transcripts). */
    todayAll: CostAndTokens;
    monthAll: CostAndTokens;
    block: BlockCard | null;
    budgets: OverallBudgets;
    /** Runs held by a budget or smart start right now. */
    heldRuns: number;
  };
  /** Local dates, oldest first, one per day of the range. */
  days: string[];
  /** Series of the stacked charts, most expensive first. */
  series: { model: string; cost: number[]; tokens: number[] }[];
  costPerJob: { jobId: string; jobName: string; costUsd: number; runs: number }[];
  recentRuns: RecentRun[];
  /** What the filters can choose from. */
  jobs: { id: string; name: string }[];
  models: string[];
  transcripts: { folders: readonly string[]; badLines: number };
}

export interface DashboardInput {
  filters: DashboardFilters;
  now: Date;
  timeZone: string;
  mode: CostMode;
  prices?: readonly PriceRule[];
  store: TranscriptStore;
}

const RECENT_RUNS = 25;

interface Point {
  day: string;
  jobId: string | null;
  jobName: string;
  model: string;
  cost: number;
  tokens: number;
}

/** Reads everything the dashboard shows in one database read (refresh the store first). */
export function dashboardData(tx: Tx, input: DashboardInput): DashboardData {
  const { filters, now, timeZone } = input;
  const prices = input.prices ?? DEFAULT_PRICES;
  const dayOf = localDayFormatter(timeZone);
  const today = dayOf(now.getTime());
  const days = dayRange(now, filters.rangeDays, dayOf);
  const first = days[0]!;
  const monthStart = localMonthBounds(now, timeZone).start;
  const rangeStart = new Date(Math.min(monthStart.getTime(), Date.parse(`${first}T00:00:00Z`) - 86_400_000));

  const jobs = tx.jobs.list();
  const names = new Map(jobs.map((j) => [j.id, j.name]));
  const runs = tx.runs.list();

  // Night Pilot's own points: live records and the roll-ups of pruned runs.
  const points: Point[] = [];
  for (const r of tx.usage.listBetween(rangeStart.toISOString(), '9999')) {
    points.push({
      day: dayOf(Date.parse(r.recordedAt)),
      jobId: r.jobId,
      jobName: (r.jobId && names.get(r.jobId)) || '(deleted job)',
      model: r.model,
      cost: recordCost(r, input.mode, prices),
      tokens: r.inputTokens + r.outputTokens + r.cacheCreationTokens + r.cacheReadTokens,
    });
  }
  for (const d of tx.usage.listDaily(dayOf(rangeStart.getTime()), '9999-99-99')) {
    points.push({
      day: d.day,
      jobId: d.jobId,
      jobName: d.jobName || (d.jobId && names.get(d.jobId)) || '(deleted job)',
      model: d.model,
      cost:
        input.mode === 'display'
          ? d.reportedCostUsd
          : input.mode === 'calculate'
            ? (calculateCost(d.model, d, prices) ?? 0)
            : d.costUsd,
      tokens: d.inputTokens + d.outputTokens + d.cacheCreationTokens + d.cacheReadTokens,
    });
  }

  // Claude Code's own usage, from the transcripts.
  const entries = input.store.entries();
  const transcriptPoints: Point[] = entries.map((e) => ({
    day: dayOf(e.ts),
    jobId: null,
    jobName: '',
    model: e.model ?? 'unknown',
    cost: entryCost(e, { mode: input.mode, prices }),
    tokens: e.inputTokens + e.outputTokens + e.cacheCreationTokens + e.cacheReadTokens,
  }));

  const month = dayOf(monthStart.getTime());
  const sum = (list: readonly Point[], from: string): CostAndTokens =>
    list.reduce<CostAndTokens>(
      (acc, p) => (p.day >= from ? { costUsd: acc.costUsd + p.cost, tokens: acc.tokens + p.tokens } : acc),
      { costUsd: 0, tokens: 0 },
    );

  const chosen = (filters.source === 'transcripts' ? transcriptPoints : points).filter(
    (p) =>
      p.day >= first &&
      p.model !== SYNTHETIC_MODEL &&
      (filters.model === null || p.model === filters.model) &&
      (filters.source === 'transcripts' || filters.jobId === null || p.jobId === filters.jobId),
  );
  const index = new Map(days.map((d, i) => [d, i]));
  const byModel = new Map<string, { model: string; cost: number[]; tokens: number[]; total: number }>();
  for (const p of chosen) {
    const i = index.get(p.day);
    if (i === undefined) continue;
    let s = byModel.get(p.model);
    if (!s) {
      s = { model: p.model, cost: days.map(() => 0), tokens: days.map(() => 0), total: 0 };
      byModel.set(p.model, s);
    }
    s.cost[i]! += p.cost;
    s.tokens[i]! += p.tokens;
    s.total += p.cost;
  }
  const perJob = new Map<string, { jobId: string; jobName: string; costUsd: number; runs: number }>();
  for (const p of points) {
    if (p.day < first || (filters.model !== null && p.model !== filters.model)) continue;
    const key = p.jobId ?? '';
    const j = perJob.get(key) ?? { jobId: key, jobName: p.jobName, costUsd: 0, runs: 0 };
    j.costUsd += p.cost;
    perJob.set(key, j);
  }

  const recentRuns = recent(tx, runs, names, filters, input.mode, prices);
  for (const r of recentRuns) {
    const j = perJob.get(r.jobId);
    if (j) j.runs++;
  }

  const blocks = blocksReport(input.store.entries('time'), { mode: input.mode, prices, timeZone }, now);
  const active = activeBlock(blocks);

  return {
    generatedAt: now.toISOString(),
    filters,
    timeZone,
    cards: {
      today: sum(points, today),
      month: sum(points, month),
      todayAll: sum(transcriptPoints, today),
      monthAll: sum(transcriptPoints, month),
      block: active
        ? {
            costUsd: active.costUSD,
            tokens: active.totalTokens,
            startTime: active.startTime,
            endTime: active.endTime,
            minutesLeft: Math.max(0, Math.round((Date.parse(active.endTime) - now.getTime()) / 60_000)),
            projectedCostUsd: active.projection?.totalCost ?? null,
            projectedTokens: active.projection?.totalTokens ?? null,
            costPerHour: active.burnRate?.costPerHour ?? null,
          }
        : null,
      budgets: readBudgets(tx),
      heldRuns: runs.filter((r) => r.status === 'queued' && r.waitReason !== null).length,
    },
    days,
    series: [...byModel.values()]
      .sort((a, b) => b.total - a.total)
      .map(({ model, cost, tokens }) => ({ model, cost, tokens })),
    costPerJob: [...perJob.values()].sort((a, b) => b.costUsd - a.costUsd),
    recentRuns,
    jobs: jobs.map((j) => ({ id: j.id, name: j.name })).sort((a, b) => a.name.localeCompare(b.name)),
    models: [...new Set([...points, ...transcriptPoints].map((p) => p.model))]
      .filter((m) => m !== SYNTHETIC_MODEL)
      .sort(),
    transcripts: { folders: input.store.configDirs, badLines: input.store.badLines },
  };
}

function recent(
  tx: Tx,
  runs: ReturnType<Tx['runs']['list']>,
  names: ReadonlyMap<string, string>,
  filters: DashboardFilters,
  mode: CostMode,
  prices: readonly PriceRule[],
): RecentRun[] {
  const out: RecentRun[] = [];
  for (const run of runs) {
    if (out.length >= RECENT_RUNS) break;
    if (filters.jobId !== null && run.jobId !== filters.jobId) continue;
    if (run.status === 'skipped') continue;
    const records = tx.usage.listByRun(run.id);
    if (filters.model !== null && !records.some((r) => r.model === filters.model)) continue;
    out.push({
      runId: run.id,
      jobId: run.jobId,
      jobName: names.get(run.jobId) ?? run.jobId,
      status: run.status,
      startedAt: run.startedAt ?? run.createdAt,
      models: records.map((r) => r.model),
      tokens: records.reduce(
        (n, r) => n + r.inputTokens + r.outputTokens + r.cacheCreationTokens + r.cacheReadTokens,
        0,
      ),
      costUsd: records.reduce((n, r) => n + recordCost(r, mode, prices), 0),
      waitReason: run.waitReason,
    });
  }
  return out;
}

/** The local dates of the last `count` days up to `now`'s, oldest first. */
function dayRange(now: Date, count: number, dayOf: (ms: number) => string): string[] {
  const out: string[] = [];
  let at = localDayBounds(now, 'UTC').start.getTime() + 12 * 3_600_000;
  const seen = new Set<string>();
  // Step back in half days so that zones far from UTC never skip a date.
  while (out.length < count) {
    const d = dayOf(at);
    if (!seen.has(d) && d <= dayOf(now.getTime())) {
      seen.add(d);
      out.unshift(d);
    }
    at -= 12 * 3_600_000;
  }
  return out;
}
