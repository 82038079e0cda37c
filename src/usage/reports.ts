// Daily, monthly, session and project reports over transcript entries. The shapes and field names
// of daily, monthly and session are ccusage's `--json` ones (ccusage 19.0.3), so scripts written
// for it keep working; the aggregation rules are its rules too (see the comments).

import type { TokenCounts } from '../core/model';
import type { CostMode, PriceRule } from '../core/pricing';
import { DEFAULT_PRICES, costFor } from '../core/pricing';
import { localDayFormatter } from '../core/calendar';
import type { LocatedEntry } from './transcriptEntry';
import { sessionOfFile } from './transcriptFiles';

/** Not a real model: Claude Code's own messages. Counted in totals, never listed as a model. */
export const SYNTHETIC_MODEL = '<synthetic>';

export interface ReportOptions {
  mode: CostMode;
  prices?: readonly PriceRule[];
  /** Zone of the local dates. */
  timeZone: string;
  /** Inclusive bounds as `YYYY-MM-DD`. */
  since?: string;
  until?: string;
}

export interface ModelBreakdown {
  modelName: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cost: number;
}

/** The columns every row shares. */
export interface UsageSums {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  totalCost: number;
  modelsUsed: string[];
  modelBreakdowns: ModelBreakdown[];
}

export type DailyRow = { date: string } & UsageSums;
export type MonthlyRow = { month: string } & UsageSums;
export type SessionRow = { sessionId: string } & UsageSums & { lastActivity: string; projectPath: string };
export type ProjectRow = { project: string } & UsageSums & { sessions: number; lastActivity: string };

export interface ReportTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalCost: number;
  totalTokens: number;
}

/** Sums per group, in the order entries arrive. */
class Summary {
  readonly tokens: TokenCounts = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
  };
  cost = 0;
  readonly models: string[] = [];
  readonly byModel = new Map<string, ModelBreakdown>();

  add(e: TokenCounts, model: string | null, cost: number): void {
    this.tokens.inputTokens += e.inputTokens;
    this.tokens.outputTokens += e.outputTokens;
    this.tokens.cacheCreationTokens += e.cacheCreationTokens;
    this.tokens.cacheReadTokens += e.cacheReadTokens;
    this.cost += cost;
    const name = model ?? 'unknown';
    if (name === SYNTHETIC_MODEL) return;
    if (model !== null && !this.byModel.has(name)) this.models.push(name);
    let m = this.byModel.get(name);
    if (!m) {
      m = {
        modelName: name,
        inputTokens: 0,
        outputTokens: 0,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        cost: 0,
      };
      this.byModel.set(name, m);
    }
    m.inputTokens += e.inputTokens;
    m.outputTokens += e.outputTokens;
    m.cacheCreationTokens += e.cacheCreationTokens;
    m.cacheReadTokens += e.cacheReadTokens;
    m.cost += cost;
  }

  sums(): UsageSums {
    const t = this.tokens;
    return {
      inputTokens: t.inputTokens,
      outputTokens: t.outputTokens,
      cacheCreationTokens: t.cacheCreationTokens,
      cacheReadTokens: t.cacheReadTokens,
      totalTokens: t.inputTokens + t.outputTokens + t.cacheCreationTokens + t.cacheReadTokens,
      totalCost: this.cost,
      modelsUsed: [...this.models],
      modelBreakdowns: [...this.byModel.values()].map((m) => ({ ...m })).sort((a, b) => b.cost - a.cost),
    };
  }
}

/** The cost of each entry under the options' mode and prices. */
export function entryCost(e: LocatedEntry, options: Pick<ReportOptions, 'mode' | 'prices'>): number {
  return costFor(options.mode, e.costUsd, e.model ?? '', e, options.prices ?? DEFAULT_PRICES);
}

function inRange(day: string, options: ReportOptions): boolean {
  return !(
    (options.since !== undefined && day < options.since) ||
    (options.until !== undefined && day > options.until)
  );
}

/** One row per local day, oldest first. */
export function dailyReport(entries: readonly LocatedEntry[], options: ReportOptions): DailyRow[] {
  const dayOf = localDayFormatter(options.timeZone);
  const days = new Map<string, Summary>();
  for (const e of entries) {
    const day = dayOf(e.ts);
    let s = days.get(day);
    if (!s) days.set(day, (s = new Summary()));
    s.add(e, e.model, entryCost(e, options));
  }
  return [...days.entries()]
    .filter(([day]) => inRange(day, options))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, s]) => ({ date, ...s.sums() }));
}

/** One row per local month, oldest first, summed from the daily rows (as ccusage does). */
export function monthlyReport(entries: readonly LocatedEntry[], options: ReportOptions): MonthlyRow[] {
  const months = new Map<string, { rows: DailyRow[] }>();
  for (const row of dailyReport(entries, options)) {
    const month = row.date.slice(0, 7);
    const m = months.get(month) ?? { rows: [] };
    m.rows.push(row);
    months.set(month, m);
  }
  return [...months.entries()].map(([month, { rows }]) => ({ month, ...sumRows(rows) }));
}

/** Sums rows: models in first-seen order, breakdowns merged by model, most expensive first. */
export function sumRows(rows: readonly UsageSums[]): UsageSums {
  const out: UsageSums = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    totalTokens: 0,
    totalCost: 0,
    modelsUsed: [],
    modelBreakdowns: [],
  };
  const byModel = new Map<string, ModelBreakdown>();
  for (const r of rows) {
    out.inputTokens += r.inputTokens;
    out.outputTokens += r.outputTokens;
    out.cacheCreationTokens += r.cacheCreationTokens;
    out.cacheReadTokens += r.cacheReadTokens;
    out.totalCost += r.totalCost;
    for (const m of r.modelsUsed) if (!out.modelsUsed.includes(m)) out.modelsUsed.push(m);
    for (const b of r.modelBreakdowns) {
      const m = byModel.get(b.modelName) ?? {
        ...b,
        inputTokens: 0,
        outputTokens: 0,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        cost: 0,
      };
      m.inputTokens += b.inputTokens;
      m.outputTokens += b.outputTokens;
      m.cacheCreationTokens += b.cacheCreationTokens;
      m.cacheReadTokens += b.cacheReadTokens;
      m.cost += b.cost;
      byModel.set(b.modelName, m);
    }
  }
  out.totalTokens = out.inputTokens + out.outputTokens + out.cacheCreationTokens + out.cacheReadTokens;
  out.modelBreakdowns = [...byModel.values()].sort((a, b) => b.cost - a.cost);
  return out;
}

interface SessionGroup {
  sessionId: string;
  projectPath: string;
  latest: LocatedEntry;
  summary: Summary;
}

function sessionGroups(entries: readonly LocatedEntry[], options: ReportOptions): SessionGroup[] {
  const groups = new Map<string, SessionGroup>();
  for (const e of entries) {
    const { sessionId, projectPath } = sessionOfFile(e.rel, e.sessionId);
    const key = `${projectPath}/${sessionId}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { sessionId, projectPath, latest: e, summary: new Summary() }));
    else if (e.ts > g.latest.ts) g.latest = e;
    g.summary.add(e, e.model, entryCost(e, options));
  }
  return [...groups.values()];
}

/** One row per Claude session (project + session id), most expensive first. */
export function sessionReport(entries: readonly LocatedEntry[], options: ReportOptions): SessionRow[] {
  const dayOf = localDayFormatter(options.timeZone);
  return sessionGroups(entries, options)
    .map((g) => {
      const sums = g.summary.sums();
      return {
        sessionId: g.sessionId,
        inputTokens: sums.inputTokens,
        outputTokens: sums.outputTokens,
        cacheCreationTokens: sums.cacheCreationTokens,
        cacheReadTokens: sums.cacheReadTokens,
        totalTokens: sums.totalTokens,
        totalCost: sums.totalCost,
        lastActivity: dayOf(g.latest.ts),
        modelsUsed: sums.modelsUsed,
        modelBreakdowns: sums.modelBreakdowns,
        projectPath: g.projectPath,
      };
    })
    .filter((row) => inRange(row.lastActivity, options))
    .sort((a, b) => b.totalCost - a.totalCost);
}

/** One row per project folder, most expensive first. */
export function projectReport(entries: readonly LocatedEntry[], options: ReportOptions): ProjectRow[] {
  const byProject = new Map<string, SessionRow[]>();
  for (const s of sessionReport(entries, options)) {
    const list = byProject.get(s.projectPath) ?? [];
    list.push(s);
    byProject.set(s.projectPath, list);
  }
  return [...byProject.entries()]
    .map(([project, sessions]) => ({
      project,
      ...sumRows(sessions),
      sessions: sessions.length,
      lastActivity:
        sessions
          .map((s) => s.lastActivity)
          .sort()
          .at(-1) ?? '',
    }))
    .sort((a, b) => b.totalCost - a.totalCost);
}

/** The `totals` object of ccusage's JSON: the sum of the rows. */
export function reportTotals(
  rows: readonly Omit<UsageSums, 'modelsUsed' | 'modelBreakdowns'>[],
): ReportTotals {
  const t: ReportTotals = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    totalCost: 0,
    totalTokens: 0,
  };
  for (const r of rows) {
    t.inputTokens += r.inputTokens;
    t.outputTokens += r.outputTokens;
    t.cacheCreationTokens += r.cacheCreationTokens;
    t.cacheReadTokens += r.cacheReadTokens;
    t.totalCost += r.totalCost;
  }
  t.totalTokens = t.inputTokens + t.outputTokens + t.cacheCreationTokens + t.cacheReadTokens;
  return t;
}
