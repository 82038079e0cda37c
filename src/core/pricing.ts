import type { TokenCounts } from './model';

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

// Defined with the data model; still exported here, where the cost maths takes it.
export type { TokenCounts };

// An offline snapshot, matched on the model family because names carry date suffixes
// (claude-sonnet-4-20250514). Order matters: the first pattern that matches wins.
const PRICES: ReadonlyArray<[RegExp, ModelPrice]> = [
  [
    /opus-4-(?:0|1)\b|opus-4(?:-\d{8})?$|opus-4-1-/,
    { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 },
  ],
  [/opus-4-\d/, { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 }],
  [/sonnet-4/, { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 }],
  [/haiku-4-5/, { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 }],
  [/3-5-haiku/, { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 }],
];

export function priceOf(model: string): ModelPrice | null {
  for (const [pattern, price] of PRICES) if (pattern.test(model)) return price;
  return null;
}

/** Cost in USD from token counts, or null for a model without a known price. */
export function calculateCost(model: string, tokens: TokenCounts): number | null {
  const price = priceOf(model);
  if (!price) return null;
  return (
    (tokens.inputTokens * price.input +
      tokens.outputTokens * price.output +
      tokens.cacheCreationTokens * price.cacheWrite +
      tokens.cacheReadTokens * price.cacheRead) /
    1_000_000
  );
}
