// 5-hour blocks: a heuristic of Claude's billing window, computed as ccusage 19 does. A block
// starts at its first entry's time floored to the hour (UTC) and lasts 5 hours; an entry more
// than 5 hours after the block's start or after the previous entry starts a new block, and the
// silence between is a gap block. The active block is the one `now` is inside, within 5 hours of
// its last entry; its burn rate and projection are what smart start and the dashboard look at.

import { localDayFormatter } from '../core/calendar';
import type { ReportOptions } from './reports';
import { entryCost } from './reports';
import type { LocatedEntry } from './transcriptEntry';

export const BLOCK_HOURS = 5;
const HOUR = 3_600_000;

export interface BlockTokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export interface BurnRate {
  tokensPerMinute: number;
  /** Input + output only: what ccusage's indicator uses. */
  tokensPerMinuteForIndicator: number;
  costPerHour: number;
}

export interface BlockProjection {
  totalTokens: number;
  /** Rounded to the cent, as ccusage prints it. */
  totalCost: number;
  remainingMinutes: number;
}

/** One block, in ccusage's `blocks --json` shape. */
export interface UsageBlock {
  id: string;
  startTime: string;
  endTime: string;
  actualEndTime: string | null;
  isActive: boolean;
  isGap: boolean;
  entries: number;
  tokenCounts: BlockTokenCounts;
  totalTokens: number;
  costUSD: number;
  models: string[];
  burnRate: BurnRate | null;
  projection: BlockProjection | null;
}

interface Pending {
  start: number;
  entries: LocatedEntry[];
}

/** Every block and gap, oldest first. `entries` in any order; `now` decides the active block. */
export function blocksReport(
  entries: readonly LocatedEntry[],
  options: ReportOptions,
  now: Date,
): UsageBlock[] {
  const length = BLOCK_HOURS * HOUR;
  const sorted = isSorted(entries) ? entries : [...entries].sort((a, b) => a.ts - b.ts);
  const blocks: UsageBlock[] = [];
  let current: Pending | null = null;
  for (const e of sorted) {
    if (current === null) {
      current = { start: floorHour(e.ts), entries: [e] };
      continue;
    }
    const last = current.entries[current.entries.length - 1]!.ts;
    if (e.ts - current.start > length || e.ts - last > length) {
      blocks.push(finish(current, now, length, options));
      if (e.ts - last > length) blocks.push(gap(last, e.ts, length));
      current = { start: floorHour(e.ts), entries: [e] };
    } else {
      current.entries.push(e);
    }
  }
  if (current !== null) blocks.push(finish(current, now, length, options));
  // A gap starts 5 h after its block's last entry, which can be after the next block's start.
  blocks.sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
  if (options.since === undefined && options.until === undefined) return blocks;
  const dayOf = localDayFormatter(options.timeZone);
  return blocks.filter((b) => {
    const day = dayOf(Date.parse(b.startTime));
    return !(
      (options.since !== undefined && day < options.since) ||
      (options.until !== undefined && day > options.until)
    );
  });
}

/** The block `now` is in, or null when Claude has not been used in the last 5 hours. */
export function activeBlock(blocks: readonly UsageBlock[]): UsageBlock | null {
  return blocks.find((b) => b.isActive) ?? null;
}

function isSorted(entries: readonly LocatedEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (entries[i]!.ts < entries[i - 1]!.ts) return false;
  return true;
}

function floorHour(ms: number): number {
  return Math.floor(ms / HOUR) * HOUR;
}

function finish(p: Pending, now: Date, length: number, options: ReportOptions): UsageBlock {
  const end = p.start + length;
  const lastTs = p.entries[p.entries.length - 1]!.ts;
  const isActive = now.getTime() - lastTs < length && now.getTime() < end;
  const tokenCounts: BlockTokenCounts = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
  };
  let cost = 0;
  const models = new Set<string>();
  for (const e of p.entries) {
    tokenCounts.inputTokens += e.inputTokens;
    tokenCounts.outputTokens += e.outputTokens;
    tokenCounts.cacheCreationInputTokens += e.cacheCreationTokens;
    tokenCounts.cacheReadInputTokens += e.cacheReadTokens;
    cost += entryCost(e, options);
    models.add(e.model ?? 'unknown');
  }
  const totalTokens = sumTokens(tokenCounts);
  const block: UsageBlock = {
    id: new Date(p.start).toISOString(),
    startTime: new Date(p.start).toISOString(),
    endTime: new Date(end).toISOString(),
    actualEndTime: new Date(lastTs).toISOString(),
    isActive,
    isGap: false,
    entries: p.entries.length,
    tokenCounts,
    totalTokens,
    costUSD: cost,
    models: [...models],
    burnRate: null,
    projection: null,
  };
  if (isActive) {
    const minutes = (lastTs - p.entries[0]!.ts) / 60_000;
    if (minutes > 0) {
      const burnRate: BurnRate = {
        tokensPerMinute: totalTokens / minutes,
        tokensPerMinuteForIndicator: (tokenCounts.inputTokens + tokenCounts.outputTokens) / minutes,
        costPerHour: (cost / minutes) * 60,
      };
      const remaining = Math.max(0, (end - now.getTime()) / 60_000);
      block.burnRate = burnRate;
      block.projection = {
        totalTokens: Math.round(totalTokens + burnRate.tokensPerMinute * remaining),
        totalCost: Math.round((cost + (burnRate.costPerHour / 60) * remaining) * 100) / 100,
        remainingMinutes: Math.round(remaining),
      };
    }
  }
  return block;
}

function gap(lastTs: number, nextTs: number, length: number): UsageBlock {
  const start = new Date(lastTs + length).toISOString();
  return {
    id: `gap-${start}`,
    startTime: start,
    endTime: new Date(nextTs).toISOString(),
    actualEndTime: null,
    isActive: false,
    isGap: true,
    entries: 0,
    tokenCounts: { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    totalTokens: 0,
    costUSD: 0,
    models: [],
    burnRate: null,
    projection: null,
  };
}

function sumTokens(t: BlockTokenCounts): number {
  return t.inputTokens + t.outputTokens + t.cacheCreationInputTokens + t.cacheReadInputTokens;
}
