import assert from 'node:assert/strict';
import { calculateCost, costFor, priceOf, priceTable } from '../../src/core/pricing';

const tokens = (input: number, output = 0, cacheWrite = 0, cacheRead = 0) => ({
  inputTokens: input,
  outputTokens: output,
  cacheCreationTokens: cacheWrite,
  cacheReadTokens: cacheRead,
});

const near = (a: number | null, b: number) =>
  assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} != ${b}`);

describe('core: prices and cost modes', () => {
  it('prices model names with date suffixes by their family', () => {
    near(calculateCost('claude-sonnet-4-5-20250929', tokens(1111, 222)), 0.006663);
    near(calculateCost('claude-opus-4-1-20250805', tokens(1_000_000)), 15);
    near(calculateCost('claude-opus-4-20250514', tokens(0, 1_000_000)), 75);
    near(calculateCost('claude-opus-4-5-20251101', tokens(1_000_000)), 5);
    near(calculateCost('claude-opus-4-7', tokens(0, 0, 1_000_000)), 6.25);
    near(calculateCost('claude-haiku-4-5-20251001', tokens(0, 0, 0, 1_000_000)), 0.1);
    near(calculateCost('claude-3-5-haiku-20241022', tokens(1_000_000)), 0.8);
    near(calculateCost('claude-sonnet-4-6', tokens(300_000)), 0.9);
    assert.equal(priceOf('<synthetic>'), null);
    assert.equal(calculateCost('gpt-4o', tokens(10)), null);
  });

  it('prices each kind of token above 200,000 at the long-context rate for Sonnet 4 and 4.5', () => {
    // 200k at $3 + 100k at $6 input; output 250k: 200k at $15 + 50k at $22.5.
    near(calculateCost('claude-sonnet-4-20250514', tokens(300_000, 250_000)), 0.6 + 0.6 + 3 + 1.125);
    near(calculateCost('claude-sonnet-4-5', tokens(200_000)), 0.6);
  });

  it('lets the user override a family or add a model; the longest matching key wins', () => {
    const table = priceTable({
      sonnet: { input: 1, output: 1, cacheWrite: 1, cacheRead: 1 },
      'claude-sonnet-4-5': { input: 2, output: 4 },
      'my-proxy-model': { input: 10, output: 20, cacheWrite: 0, cacheRead: 0 },
    });
    near(calculateCost('claude-sonnet-4-5-20250929', tokens(1_000_000, 1_000_000), table), 6);
    near(calculateCost('claude-sonnet-4-20250514', tokens(1_000_000), table), 1);
    near(calculateCost('my-proxy-model', tokens(1_000_000), table), 10);
    near(calculateCost('claude-opus-4-1', tokens(1_000_000), table), 15);
  });

  it('refuses an override that is not a price, naming the key and the field', () => {
    assert.throws(() => priceTable({ opus: { input: -1 } }), /prices\["opus"\]\.input: -1 is not a price/);
    assert.throws(() => priceTable({ opus: 'cheap' }), /prices\["opus"\]: expected an object/);
    assert.throws(() => priceTable({ ' ': { input: 1 } }), /key is empty/);
  });

  it('auto takes the reported cost when there is one, calculate always prices, display only reports', () => {
    const t = tokens(1_000_000);
    assert.equal(costFor('auto', 0.5, 'claude-opus-4-1', t), 0.5);
    near(costFor('auto', null, 'claude-opus-4-1', t), 15);
    near(costFor('calculate', 0.5, 'claude-opus-4-1', t), 15);
    assert.equal(costFor('display', 0.5, 'claude-opus-4-1', t), 0.5);
    assert.equal(costFor('display', null, 'claude-opus-4-1', t), 0);
    assert.equal(costFor('calculate', null, 'unknown-model', t), 0);
  });
});
