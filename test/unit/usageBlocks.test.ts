import assert from 'node:assert/strict';
import { activeBlock, blocksReport } from '../../src/usage/blocks';
import type { LocatedEntry } from '../../src/usage/transcriptEntry';

function entry(iso: string, tokens: { input?: number; output?: number } = {}): LocatedEntry {
  return {
    ts: Date.parse(iso),
    key: iso,
    model: 'claude-sonnet-4-5-20250929',
    inputTokens: tokens.input ?? 1000,
    outputTokens: tokens.output ?? 100,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    costUsd: null,
    sessionId: 's',
    version: null,
    rel: 'p/s.jsonl',
  };
}

const options = { mode: 'calculate' as const, timeZone: 'UTC' };
// 1000 input + 100 output on Sonnet 4.5: 0.003 + 0.0015.
const COST = 0.0045;

describe('usage: 5-hour blocks', () => {
  it('starts a block at the hour, and a new one (with a gap between) after more than 5 h of silence', () => {
    const blocks = blocksReport(
      [entry('2026-11-20T09:10:00Z'), entry('2026-11-20T11:00:00Z'), entry('2026-11-20T17:30:00Z')],
      options,
      new Date('2026-11-25T00:00:00Z'),
    );
    assert.deepEqual(
      blocks.map((b) => [b.id, b.startTime, b.endTime, b.isGap, b.entries]),
      [
        ['2026-11-20T09:00:00.000Z', '2026-11-20T09:00:00.000Z', '2026-11-20T14:00:00.000Z', false, 2],
        ['gap-2026-11-20T16:00:00.000Z', '2026-11-20T16:00:00.000Z', '2026-11-20T17:30:00.000Z', true, 0],
        ['2026-11-20T17:00:00.000Z', '2026-11-20T17:00:00.000Z', '2026-11-20T22:00:00.000Z', false, 1],
      ],
    );
    assert.equal(blocks[0]!.actualEndTime, '2026-11-20T11:00:00.000Z');
    assert.ok(Math.abs(blocks[0]!.costUSD - 2 * COST) < 1e-12);
    assert.equal(activeBlock(blocks), null, 'nothing is active days later');
  });

  it('starts a new block without a gap when the 5 hours from the block start are over', () => {
    const blocks = blocksReport(
      [entry('2026-11-20T09:10:00Z'), entry('2026-11-20T13:00:00Z'), entry('2026-11-20T14:20:00Z')],
      options,
      new Date('2026-11-25T00:00:00Z'),
    );
    assert.deepEqual(
      blocks.map((b) => [b.startTime, b.isGap, b.entries]),
      [
        ['2026-11-20T09:00:00.000Z', false, 2],
        ['2026-11-20T14:00:00.000Z', false, 1],
      ],
    );
  });

  it('marks the block now is in as active, with its burn rate and projection to the reset', () => {
    const now = new Date('2026-11-20T11:00:00Z');
    const blocks = blocksReport([entry('2026-11-20T09:00:00Z'), entry('2026-11-20T10:00:00Z')], options, now);
    const active = activeBlock(blocks)!;
    assert.ok(active, 'an active block');
    assert.equal(active.endTime, '2026-11-20T14:00:00.000Z');
    // 2,200 tokens over the 60 minutes between the first and the last entry.
    assert.equal(active.burnRate!.tokensPerMinute, 2200 / 60);
    assert.ok(Math.abs(active.burnRate!.costPerHour - 2 * COST) < 1e-12);
    // 3 hours remain: current + rate x 180 minutes.
    assert.deepEqual(active.projection, {
      totalTokens: Math.round(2200 + (2200 / 60) * 180),
      totalCost: Math.round((2 * COST + 2 * COST * 3) * 100) / 100,
      remainingMinutes: 180,
    });
  });

  it('is not active once 5 hours passed since the last entry, even inside the block window', () => {
    const blocks = blocksReport([entry('2026-11-20T09:00:00Z')], options, new Date('2026-11-20T14:00:00Z'));
    assert.equal(blocks[0]!.isActive, false);
  });
});
