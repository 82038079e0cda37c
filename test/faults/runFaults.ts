// npm run test:faults: the fault suite. Runs each scenario against the bundled CLI and the real
// storage layer, prints each figure as it comes and then the whole table, and exits non-zero when a
// figure misses its target. Scenarios the machine cannot host (a tmpfs mount) print why.
//   NIGHT_PILOT_FAULTS_DIR=<folder>   temp folders there instead of the OS temp folder
//   NIGHT_PILOT_FAULTS_ONLY=<name>    only the scenarios whose name contains <name>
import os from 'node:os';
import type { Bundles, Figure, ScenarioResult } from './faultSupport';
import { buildBundles, killChildren, removeTempDirs, tempDir } from './faultSupport';
import { damagedPages, fullDisk, permissions } from './fileScenarios';
import { deletedMidRun, racingSchedulers } from './schedulerScenarios';
import { concurrentCheckpoints, killedInSteps } from './logScenarios';
import { frozenWriter, killedWriters } from './storageScenarios';

type Scenario = (b: Bundles) => Promise<ScenarioResult>;

const SCENARIOS: Array<[string, Scenario]> = [
  ['kill -9 of writers', (b) => killedWriters(b, 120)],
  ['kill -9 inside saves and checkpoints', (b) => killedInSteps(b, 240)],
  ['two writers and a reader across checkpoints', (b) => concurrentCheckpoints(b)],
  ['writer SIGSTOPped mid-save', (b) => frozenWriter(b)],
  ['3 schedulers, one killed', (b) => racingSchedulers(b, 5, 64)],
  ['job deleted mid-run', (b) => deletedMidRun(b)],
  ['damaged page', (b) => damagedPages(b)],
  ['permissions', (b) => permissions(b)],
  ['full disk', (b) => fullDisk(b)],
];

/**
 * Scenarios that mostly wait (the frozen writer sleeps past the 60 s stale timeout with a stopped
 * process and a lock waiter, neither using the CPU): started with the suite, in their own folders,
 * and reported in their place in the list. That takes a minute off CI.
 */
const ALONGSIDE = new Set(['writer SIGSTOPped mid-save']);

function table(figures: Figure[]): string {
  const rows = [
    ['scenario', 'figure', 'value', 'target', ''],
    ...figures.map((f) => [f.scenario, f.figure, f.value, f.target, f.ok ? 'ok' : 'MISSED']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

async function main(): Promise<number> {
  const only = process.env.NIGHT_PILOT_FAULTS_ONLY;
  console.log(
    `fault suite: load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${os.cpus().length} cores`,
  );
  const bundles = await buildBundles(tempDir('np-fault-bundle-'));
  const figures: Figure[] = [];
  const skipped: string[] = [];
  const broken: string[] = [];
  const started = Date.now();
  const selected = SCENARIOS.filter(([name]) => !only || name.includes(only));
  const early = new Map(
    selected
      .filter(([name]) => ALONGSIDE.has(name))
      .map(([name, run]) => {
        const result = run(bundles);
        // Awaited in its place below; until then a failure must not count as unhandled.
        result.catch(() => undefined);
        return [name, { result, startedAt: Date.now() }] as const;
      }),
  );
  for (const [name, run] of selected) {
    const running = early.get(name);
    const t0 = running?.startedAt ?? Date.now();
    console.log(`\n== ${name}${running ? ' (started with the suite, alongside the others)' : ''}`);
    try {
      const result = await (running?.result ?? run(bundles));
      for (const f of result.figures)
        console.log(
          `   ${f.ok ? 'ok    ' : 'MISSED'} ${f.figure}: ${f.value}${f.target ? ` (target ${f.target})` : ''}`,
        );
      if (result.skipped) {
        console.log(`   skipped: ${result.skipped}`);
        skipped.push(`${name}: ${result.skipped}`);
      }
      figures.push(...result.figures);
    } catch (err) {
      console.log(`   FAILED: ${(err as Error).stack ?? String(err)}`);
      broken.push(name);
      killChildren();
    }
    console.log(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  console.log(`\n${table(figures)}`);
  for (const s of skipped) console.log(`skipped: ${s}`);
  const missed = figures.filter((f) => !f.ok).length;
  console.log(
    `\nfault suite: ${((Date.now() - started) / 1000).toFixed(0)} s, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ` +
      `${figures.length - missed} figures ok, ${missed} missed${broken.length ? `, scenarios failed: ${broken.join(', ')}` : ''}`,
  );
  return missed === 0 && broken.length === 0 ? 0 : 1;
}

const stop = () => {
  killChildren();
  removeTempDirs();
  process.exit(130);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
main()
  .then((code) => {
    removeTempDirs();
    process.exit(code);
  })
  .catch((err: unknown) => {
    console.error(err);
    killChildren();
    removeTempDirs();
    process.exit(1);
  });
