// Runs inside the real VS Code extension host (as an extension test module, so the extension is in
// ExtensionMode.Test and shows its internals): times the Jobs view's root, what VS Code asks for
// when it paints or repaints the view: getChildren() and getTreeItem() of every root. Prints one
// line `TREE-ROOT {json}` that bench/jobsViewBench.ts reads.
import * as vscode from 'vscode';
import { INTERNALS_KEY } from '../src/services/internals';
import type { NightPilotInternals } from '../src/services/internals';

const SAMPLES = Number(process.env.NIGHT_PILOT_BENCH_SAMPLES ?? 20);

export async function run(): Promise<void> {
  const api = await vscode.extensions.getExtension('night-pilot.night-pilot')!.activate();
  const internals = (api as unknown as Record<string, NightPilotInternals>)[INTERNALS_KEY]!;
  await internals.databaseHost.ready;
  const tree = internals.jobsTree;
  const db = internals.databaseHost.database!;
  const time = async () => {
    const t0 = performance.now();
    const nodes = await tree.getChildren();
    const t1 = performance.now();
    for (const node of nodes) tree.getTreeItem(node);
    const t2 = performance.now();
    return { roots: nodes.length, readMs: t1 - t0, itemsMs: t2 - t1, totalMs: t2 - t0 };
  };
  const samples: { readMs: number; itemsMs: number; totalMs: number }[] = [];
  const unchanged: number[] = [];
  let roots = 0;
  // The first one warms the code up (V8 compiles it); it is reported apart.
  for (let i = 0; i <= SAMPLES; i++) {
    // A change first (as after a run wrote its outcome), so the view reads everything again.
    await db.write((tx) => tx.state.set('bench.treeRoot', String(i)));
    const sample = await time();
    roots = sample.roots;
    samples.push(sample);
    // And a repaint with nothing changed in between (a job expanded, the countdown redrawn).
    unchanged.push((await time()).totalMs);
  }
  console.log(`TREE-ROOT ${JSON.stringify({ roots, samples, unchanged })}`);
}
