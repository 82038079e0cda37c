// Cron benchmark (run by `npm run bench`; see bench/README.md). Prints figures, asserts nothing.
//
// The next 20 fires of an expression, parsing included, by src/core/cron and by croner (pinned
// devDependency) in the same process, over the seeded random expressions of the differential test
// (test/fixtures/cronGenerator.ts), asked from the instants around each zone's 2026 and 2027 DST
// changes. Per zone: the median over the expressions of each one's median time, ours beside
// croner's, and the ratio (target: ours <= 0.6 x croner's).

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Cron } from 'croner';
import { nextFireTimes } from '../src/core/cron';
import { CRON_TEST_ZONES, generateCronExpressions, transitionStarts } from '../test/fixtures/cronGenerator';
import { QUICK, percentile } from './benchSupport';

const EXPRESSIONS = QUICK ? 100 : 300;
/** Timed rounds per expression; each expression's figure is the median of its rounds. */
const ROUNDS = QUICK ? 3 : 5;
const FIRES = 20;
const TARGET_RATIO = 0.6;

const us = (ms: number): string => `${(ms * 1000).toFixed(1)} us`.padStart(10);

function ours(expr: string, from: Date, zone: string): number {
  return nextFireTimes(expr, from, FIRES, zone).length;
}

function croner(expr: string, from: Date, zone: string): number {
  return new Cron(expr, { timezone: zone }).nextRuns(FIRES, from).length;
}

/** The expressions both libraries accept (croner refuses some standard forms, e.g. @midnight, *\/90). */
function accepted(expressions: string[]): { usable: string[]; refusedByCroner: number } {
  const usable: string[] = [];
  let refusedByCroner = 0;
  for (const expr of expressions) {
    try {
      ours(expr, new Date(Date.UTC(2026, 0, 1)), 'UTC');
    } catch {
      continue;
    }
    try {
      croner(expr, new Date(Date.UTC(2026, 0, 1)), 'UTC');
      usable.push(expr);
    } catch {
      refusedByCroner++;
    }
  }
  return { usable, refusedByCroner };
}

function measureZone(zone: string, expressions: string[]): { ours: number[]; croner: number[] } {
  const starts = transitionStarts(zone).map((t) => new Date(t));
  const cases = expressions.map((expr, index) => ({ expr, from: starts[index % starts.length]! }));
  // Warm-up: every case once through each, so both are compiled and both have their zone data.
  for (const c of cases) {
    ours(c.expr, c.from, zone);
    croner(c.expr, c.from, zone);
  }
  const timesOurs = cases.map(() => [] as number[]);
  const timesCroner = cases.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    cases.forEach((c, index) => {
      // Alternate which goes first, so neither always runs on the other's warm caches.
      const order = (round + index) % 2 === 0 ? ['ours', 'croner'] : ['croner', 'ours'];
      for (const which of order) {
        const started = performance.now();
        if (which === 'ours') ours(c.expr, c.from, zone);
        else croner(c.expr, c.from, zone);
        const elapsed = performance.now() - started;
        (which === 'ours' ? timesOurs : timesCroner)[index]!.push(elapsed);
      }
    });
  }
  return {
    ours: timesOurs.map((samples) => percentile(samples, 50)),
    croner: timesCroner.map((samples) => percentile(samples, 50)),
  };
}

function main(): void {
  console.log(
    `cron: next ${FIRES} fires incl. parsing, src/core/cron vs croner 9.1.0, ${EXPRESSIONS} seeded expressions, ` +
      `${ROUNDS} rounds each; node ${process.version}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const { usable, refusedByCroner } = accepted(generateCronExpressions(EXPRESSIONS, 14));
  console.log(
    `  ${usable.length} expressions timed (${refusedByCroner} refused by croner, left out of both)`,
  );
  console.log(
    `  ${'zone'.padEnd(22)} ${'ours p50'.padStart(10)} ${'croner p50'.padStart(10)}  ratio   ours p90  croner p90`,
  );
  const ratios: number[] = [];
  for (const zone of CRON_TEST_ZONES) {
    const result = measureZone(zone, usable);
    const oursMedian = percentile(result.ours, 50);
    const cronerMedian = percentile(result.croner, 50);
    const ratio = oursMedian / cronerMedian;
    ratios.push(ratio);
    console.log(
      `  ${zone.padEnd(22)} ${us(oursMedian)} ${us(cronerMedian)}  ${ratio.toFixed(2).padStart(5)} ` +
        `${us(percentile(result.ours, 90))} ${us(percentile(result.croner, 90))}`,
    );
  }
  const worst = Math.max(...ratios);
  console.log(
    `  target ours <= ${TARGET_RATIO} x croner in every zone (median): worst ${worst.toFixed(2)} ` +
      `${worst <= TARGET_RATIO ? 'ok' : 'MISSED'}`,
  );
}

main();
