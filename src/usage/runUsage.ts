import type { CostSource, TokenCounts, UsageRecord } from '../core/model';

/** Tokens and cost of one model (or of a whole run), as the CLI prints them. */
export interface UsageJson extends TokenCounts {
  model: string;
  costUsd: number;
  costSource: CostSource;
}

/**
 * Sums a run's usage records per model, most expensive first, and over the run: its `model` is
 * the one that cost the most. `usage` is null when nothing was recorded.
 */
export function summarizeRunUsage(records: readonly UsageRecord[]): {
  usage: UsageJson | null;
  usageByModel: UsageJson[];
} {
  const byModel = new Map<string, UsageJson>();
  for (const r of records) {
    const entry = byModel.get(r.model) ?? {
      model: r.model,
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
      costUsd: 0,
      costSource: r.costSource,
    };
    entry.inputTokens += r.inputTokens;
    entry.outputTokens += r.outputTokens;
    entry.cacheCreationTokens += r.cacheCreationTokens;
    entry.cacheReadTokens += r.cacheReadTokens;
    entry.costUsd += r.costUsd;
    if (r.costSource === 'calculated') entry.costSource = 'calculated';
    byModel.set(r.model, entry);
  }
  const usageByModel = [...byModel.values()]
    .map((u) => ({ ...u, costUsd: roundCost(u.costUsd) }))
    .sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model));
  const top = usageByModel[0];
  if (top === undefined) return { usage: null, usageByModel };
  const sum = (key: keyof TokenCounts | 'costUsd') => usageByModel.reduce((total, u) => total + u[key], 0);
  return {
    usage: {
      model: top.model,
      inputTokens: sum('inputTokens'),
      outputTokens: sum('outputTokens'),
      cacheCreationTokens: sum('cacheCreationTokens'),
      cacheReadTokens: sum('cacheReadTokens'),
      costUsd: roundCost(sum('costUsd')),
      costSource: usageByModel.some((u) => u.costSource === 'calculated') ? 'calculated' : 'reported',
    },
    usageByModel,
  };
}

/** Float sums of dollar amounts pick up noise (0.1 + 0.2); a millionth of a cent is plenty. */
function roundCost(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}
