// The `result` object Claude Code prints last: one line of `-p --output-format stream-json`, or the
// whole output of `-p --output-format json`. The executor's stream parser and the legacy migration
// (whose old app stored that JSON as a run's content) both read it here.

import type { TokenCounts } from './model';

/** Tokens and cost of one model, as the CLI's `result.modelUsage` reports them. */
export interface ModelUsageSummary extends TokenCounts {
  model: string;
  /** The CLI's own estimate from its price table; null when it did not give one. */
  costUsd: number | null;
}

/** What a `result` object says about its run. */
export interface ClaudeResultFields {
  sessionId: string | null;
  /** `is_error`; `subtype` stays "success" even for API errors, so branch on this. */
  isError: boolean;
  subtype: string | null;
  /** The `result` text (absent for `error_*` subtypes, which use `errors`). */
  resultText: string | null;
  errors: string[];
  apiErrorStatus: number | null;
  numTurns: number | null;
  durationMs: number | null;
  totalCostUsd: number | null;
  /**
   * Per model, from `modelUsage` (else from `usage`, attributed to `fallbackModel`). After
   * `--resume` these are totals for the WHOLE conversation, not for this run.
   */
  usageByModel: ModelUsageSummary[];
  /**
   * This run's own usage per model (`model_usage_since_last_result`, CLI 2.1.x), or null when the CLI
   * did not report it; then subtract the totals already recorded for the session.
   */
  runUsageByModel: ModelUsageSummary[] | null;
  permissionDenials: number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function modelUsageList(modelUsage: Record<string, unknown>): ModelUsageSummary[] {
  return Object.entries(modelUsage)
    .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
    .map(([model, u]) => ({
      model,
      inputTokens: num(u.inputTokens) ?? 0,
      outputTokens: num(u.outputTokens) ?? 0,
      cacheCreationTokens: num(u.cacheCreationInputTokens) ?? 0,
      cacheReadTokens: num(u.cacheReadInputTokens) ?? 0,
      costUsd: num(u.costUSD),
    }));
}

// Older CLIs had no `modelUsage`: the main-loop `usage` is the best there is, for the model the
// caller knows (system/init's, in a stream).
function usageFallback(usage: unknown, model: string | null, costUsd: number | null): ModelUsageSummary[] {
  if (!isRecord(usage) || !model) return [];
  return [
    {
      model,
      inputTokens: num(usage.input_tokens) ?? 0,
      outputTokens: num(usage.output_tokens) ?? 0,
      cacheCreationTokens: num(usage.cache_creation_input_tokens) ?? 0,
      cacheReadTokens: num(usage.cache_read_input_tokens) ?? 0,
      costUsd,
    },
  ];
}

/** Reads a `result` object; `fallbackModel` names the model of a `usage` without `modelUsage`. */
export function readClaudeResult(
  event: Record<string, unknown>,
  fallbackModel: string | null,
): ClaudeResultFields {
  // Before 1.0 the CLI printed `cost_usd` instead of `total_cost_usd`.
  const totalCostUsd = num(event.total_cost_usd) ?? num(event.cost_usd);
  return {
    sessionId: str(event.session_id),
    isError: event.is_error === true,
    subtype: str(event.subtype),
    resultText: typeof event.result === 'string' ? event.result : null,
    errors: Array.isArray(event.errors)
      ? event.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
      : [],
    apiErrorStatus: num(event.api_error_status),
    numTurns: num(event.num_turns),
    durationMs: num(event.duration_ms),
    totalCostUsd,
    usageByModel: isRecord(event.modelUsage)
      ? modelUsageList(event.modelUsage)
      : usageFallback(event.usage, fallbackModel, totalCostUsd),
    runUsageByModel: isRecord(event.model_usage_since_last_result)
      ? modelUsageList(event.model_usage_since_last_result)
      : null,
    permissionDenials: Array.isArray(event.permission_denials) ? event.permission_denials.length : 0,
  };
}
