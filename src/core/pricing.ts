import type { TokenCounts } from './model';

/** USD per million tokens. */
export interface TokenRates {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/**
 * The price of a model family. `above200k`, when set, is what each kind of token costs beyond the
 * first 200,000 of that kind in one request (Sonnet 4 / 4.5 long-context pricing).
 */
export interface ModelPrice extends TokenRates {
  above200k?: TokenRates;
}

// Defined with the data model; still exported here, where the cost maths takes it.
export type { TokenCounts };

/** How a cost is obtained: `auto` the cost Claude Code reported when there is one, else calculated. */
export const COST_MODES = ['auto', 'calculate', 'display'] as const;
export type CostMode = (typeof COST_MODES)[number];

/** One entry of a price table: a model family and its price. */
export interface PriceRule {
  /** Matched against the model name; names carry date suffixes (`claude-sonnet-4-20250514`). */
  pattern: RegExp;
  /** What the rule is called in messages and in the setting (`claude-sonnet-4-5`). */
  family: string;
  price: ModelPrice;
}

const LONG_SONNET: TokenRates = { input: 6, output: 22.5, cacheWrite: 7.5, cacheRead: 0.6 };
const SONNET: TokenRates = { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 };
const OPUS_4: TokenRates = { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 };

/**
 * The bundled offline snapshot. Order matters: the first rule that matches wins, so the specific
 * families (opus-4-1, sonnet-4-6) come before their prefixes. Sonnet 4.6 has no long-context tier in
 * this snapshot, as in ccusage 19's.
 */
export const DEFAULT_PRICES: readonly PriceRule[] = [
  { family: 'claude-opus-4-1', pattern: /opus-4-1(?!\d)/, price: OPUS_4 },
  { family: 'claude-opus-4', pattern: /opus-4(?:-\d{8}|$|@|-v\d)/, price: OPUS_4 },
  { family: 'claude-4-opus', pattern: /claude-4-opus/, price: OPUS_4 },
  {
    family: 'claude-opus-4-5+',
    pattern: /opus-4-\d/,
    price: { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  },
  { family: 'claude-sonnet-4-6', pattern: /sonnet-4-6/, price: SONNET },
  { family: 'claude-sonnet-4', pattern: /sonnet-4|4-sonnet/, price: { ...SONNET, above200k: LONG_SONNET } },
  {
    family: 'claude-haiku-4-5',
    pattern: /haiku-4-5/,
    price: { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  },
  {
    family: 'claude-3-5-haiku',
    pattern: /3-5-haiku/,
    price: { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 },
  },
];

/**
 * The bundled table with the user's overrides in front. An override's key is a model name or a
 * part of one (`claude-sonnet-4-5`, `opus`); the longest matching key wins. Throws an Error naming
 * the key and the field for a value that is not a non-negative number.
 */
export function priceTable(overrides: Readonly<Record<string, unknown>> = {}): PriceRule[] {
  const custom = Object.entries(overrides)
    .map(([key, value]) => ({ family: key, pattern: containsPattern(key), price: checkPrice(key, value) }))
    .sort((a, b) => b.family.length - a.family.length);
  return [...custom, ...DEFAULT_PRICES];
}

function containsPattern(key: string): RegExp {
  return new RegExp(
    key
      .trim()
      .toLowerCase()
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
}

const RATE_FIELDS = ['input', 'output', 'cacheWrite', 'cacheRead'] as const;

function checkRates(where: string, value: unknown): TokenRates {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `${where}: expected an object such as {"input": 3, "output": 15, "cacheWrite": 3.75, "cacheRead": 0.3} (USD per million tokens)`,
    );
  }
  const v = value as Record<string, unknown>;
  const rates = {} as TokenRates;
  for (const field of RATE_FIELDS) {
    const n = v[field] ?? 0;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new Error(
        `${where}.${field}: ${JSON.stringify(v[field])} is not a price in USD per million tokens (a number >= 0)`,
      );
    }
    rates[field] = n;
  }
  return rates;
}

function checkPrice(key: string, value: unknown): ModelPrice {
  if (key.trim() === '') throw new Error('prices: a model name key is empty');
  const price: ModelPrice = checkRates(`prices["${key}"]`, value);
  const above = (value as Record<string, unknown>).above200k;
  if (above !== undefined) price.above200k = checkRates(`prices["${key}"].above200k`, above);
  return price;
}

// Reports price every transcript line: the answer per model name is remembered per table.
const lookups = new WeakMap<readonly PriceRule[], Map<string, ModelPrice | null>>();
let last: { table: readonly PriceRule[]; cache: Map<string, ModelPrice | null> } | undefined;

/** The price of a model, or null when no rule matches it (`<synthetic>`, an unknown model). */
export function priceOf(model: string, table: readonly PriceRule[] = DEFAULT_PRICES): ModelPrice | null {
  let cache = last?.table === table ? last.cache : lookups.get(table);
  if (!cache) lookups.set(table, (cache = new Map()));
  if (last?.table !== table) last = { table, cache };
  let price = cache.get(model);
  if (price === undefined) {
    const name = model.toLowerCase();
    price = table.find((rule) => rule.pattern.test(name))?.price ?? null;
    if (cache.size < 10_000) cache.set(model, price);
  }
  return price;
}

const TIER = 200_000;

// Each kind of token is priced on its own: the part above 200,000 at the long-context rate.
function tiered(tokens: number, rate: number, above: number | undefined): number {
  if (tokens <= 0) return 0;
  if (above !== undefined && tokens > TIER) return (tokens - TIER) * above + TIER * rate;
  return tokens * rate;
}

/** Cost in USD from token counts, or null for a model without a known price. */
export function calculateCost(
  model: string,
  tokens: TokenCounts,
  table: readonly PriceRule[] = DEFAULT_PRICES,
): number | null {
  const price = priceOf(model, table);
  if (!price) return null;
  const a = price.above200k;
  return (
    (tiered(tokens.inputTokens, price.input, a?.input) +
      tiered(tokens.outputTokens, price.output, a?.output) +
      tiered(tokens.cacheCreationTokens, price.cacheWrite, a?.cacheWrite) +
      tiered(tokens.cacheReadTokens, price.cacheRead, a?.cacheRead)) /
    1_000_000
  );
}

/**
 * The cost of one usage entry under a cost mode: `display` takes the reported cost only (0 when
 * there is none), `calculate` always prices the tokens, `auto` takes the reported cost when there
 * is one. A model without a price costs 0 when calculated.
 */
export function costFor(
  mode: CostMode,
  reportedUsd: number | null | undefined,
  model: string,
  tokens: TokenCounts,
  table: readonly PriceRule[] = DEFAULT_PRICES,
): number {
  if (mode === 'display') return reportedUsd ?? 0;
  if (mode === 'auto' && reportedUsd !== null && reportedUsd !== undefined) return reportedUsd;
  return calculateCost(model, tokens, table) ?? 0;
}
