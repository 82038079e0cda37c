import assert from 'node:assert/strict';
import { fireTimesBetween, nextFireTime, nextFireTimes, validateCron } from '../../src/core/cron';
import { oracleFires, wallClock } from '../fixtures/cronOracle';
import {
  CRON_TEST_ZONES,
  generateCronExpressions,
  seededRandom,
  transitionStarts,
} from '../fixtures/cronGenerator';

// src/core/cron against the brute-force reference (test/fixtures/cronOracle.ts) over seeded random
// expressions, in 8 zones, from instants before, inside and after each DST change of 2026 and
// 2027: the next 20 fires must be the same instants, and the same answer must come back when
// asked from any instant between two fires (one answer as a sequence or from "now").
//
// Default: 2,000 expressions, each in every zone from one start instant (cycling through the
// zone's starts): 16,000 cases. NIGHT_PILOT_CRON_FULL=1 runs 3,000 expressions, each in every zone
// from one start around each of the zone's changes (cycling through before, inside and after):
// about 100,000 cases. NIGHT_PILOT_CRON_SEED=<n> changes the seed.
const FULL = process.env.NIGHT_PILOT_CRON_FULL === '1';
const SEED = Number(process.env.NIGHT_PILOT_CRON_SEED ?? 14);
const EXPRESSIONS = FULL ? 3000 : 2000;
const FIRES = 20;

interface Disagreement {
  expr: string;
  zone: string;
  from: number;
  what: string;
  ours: number[];
  reference: number[];
}

/** transitionStarts gives this many instants around each change, in order. */
const STARTS_PER_CHANGE = 5;

/** One start around each change (before, inside or after it, by turns), for the full run. */
function aroundEachChange(starts: number[], index: number): number[] {
  const chosen: number[] = [];
  for (let first = 0; first + STARTS_PER_CHANGE <= starts.length; first += STARTS_PER_CHANGE) {
    chosen.push(starts[first + ((index + first / STARTS_PER_CHANGE) % STARTS_PER_CHANGE)]!);
  }
  return chosen;
}

function describeDisagreement(d: Disagreement): string {
  const show = (list: number[]) => list.map((t) => wallClock(d.zone, t)).join(', ');
  const index = d.ours.findIndex((t, i) => t !== d.reference[i]);
  const at = Math.max(0, index);
  return (
    `${JSON.stringify(d.expr)} in ${d.zone} from ${new Date(d.from).toISOString()} (${d.what}), first difference at fire ${at}:\n` +
    `    ours      ${show(d.ours.slice(at, at + 3))}\n    reference ${show(d.reference.slice(at, at + 3))}`
  );
}

describe('cron differential: src/core/cron against the brute-force reference', function () {
  this.timeout(FULL ? 3_600_000 : 300_000);
  const expressions = generateCronExpressions(EXPRESSIONS, SEED);

  it(`generates ${EXPRESSIONS} distinct expressions, nearly all valid`, () => {
    assert.equal(new Set(expressions).size, EXPRESSIONS);
    const invalid = expressions.filter((expr) => !validateCron(expr).ok);
    // Only day-of-month values no listed month has (31 in February) may be refused.
    for (const expr of invalid) {
      const result = validateCron(expr);
      assert.match(result.ok ? '' : result.message, /never matches/, expr);
    }
    assert.ok(invalid.length < EXPRESSIONS / 20, `${invalid.length} invalid`);
  });

  for (const zone of CRON_TEST_ZONES) {
    it(`agrees on the next ${FIRES} fires in ${zone}${FULL ? ' around every change' : ''}`, () => {
      const starts = transitionStarts(zone);
      const random = seededRandom(SEED + zone.length);
      const disagreements: Disagreement[] = [];
      let cases = 0;
      expressions.forEach((expr, index) => {
        if (!validateCron(expr).ok) {
          assert.deepEqual(oracleFires(expr, zone, starts[0]!, 1, 8), [], `${expr} is refused but fires`);
          return;
        }
        const chosen = FULL ? aroundEachChange(starts, index) : [starts[index % starts.length]!];
        for (const from of chosen) {
          cases++;
          const ours = nextFireTimes(expr, new Date(from), FIRES, zone).map((d) => d.getTime());
          const reference = oracleFires(expr, zone, from, FIRES);
          if (JSON.stringify(ours) !== JSON.stringify(reference)) {
            disagreements.push({ expr, zone, from, what: 'sequence', ours, reference });
            continue;
          }
          // Asked from an instant between two fires, the answer is the later one.
          const k = Math.floor(random() * FIRES);
          const before = k === 0 ? from : reference[k - 1]!;
          const asked = before + Math.floor(random() * (reference[k]! - before));
          const single = nextFireTime(expr, new Date(asked), zone)?.getTime() ?? -1;
          if (single !== reference[k]) {
            disagreements.push({
              expr,
              zone,
              from: asked,
              what: 'from now',
              ours: [single],
              reference: [reference[k]!],
            });
          }
          const between = fireTimesBetween(
            expr,
            new Date(from),
            new Date(reference[FIRES - 1]!),
            zone,
            FIRES,
          );
          if (between.times.map((d) => d.getTime()).join() !== reference.join()) {
            const got = between.times.map((d) => d.getTime());
            disagreements.push({ expr, zone, from, what: 'fireTimesBetween', ours: got, reference });
          }
        }
      });
      const perExpression = FULL ? Math.floor(starts.length / STARTS_PER_CHANGE) : 1;
      assert.ok(cases >= EXPRESSIONS * perExpression * 0.9, `only ${cases} cases`);
      assert.equal(
        disagreements.length,
        0,
        `${disagreements.length} of ${cases} cases disagree:\n${disagreements.slice(0, 10).map(describeDisagreement).join('\n')}`,
      );
    });
  }
});
