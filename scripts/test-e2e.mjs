// npm run test:e2e: drives the real VS Code workbench (code-server) in headless chromium with Night
// Pilot loaded as a development extension. Each test/e2e/*.e2e.mjs gets its own fresh workbench and
// exports `tests: { name, run({ page, shot }) }[]` (run in order) and optionally
// `workbench: { settings?, seed?(dirs), teardown?() }` (extra settings; files to create, or helper
// processes to start, before VS Code starts; what to stop after its tests).
// Screenshots go to a temp folder that is kept and printed. Prints "N passed, N failed" last.
//   NIGHT_PILOT_TEST_GREP=<text>   run only the tests whose name contains <text>
//   NIGHT_PILOT_TEST_FILE=<text>   run only the files whose name contains <text>
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, build, ensureVscodeEnv, openWorkbenchPage, startTestWorkbench, tail } from './run-vscode.mjs';

const TEST_TIMEOUT_MS = 45_000;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const envDir = ensureVscodeEnv();
build();

const grep = process.env.NIGHT_PILOT_TEST_GREP;
const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'night-pilot-e2e-shots-'));
let passed = 0;
let failed = 0;

async function runFile(file) {
  const mod = await import(pathToFileURL(path.join(ROOT, 'test/e2e', file)).href);
  const tests = (mod.tests ?? []).filter((t) => !grep || t.name.includes(grep));
  if (tests.length === 0) return;
  console.log(file);
  const bench = await startTestWorkbench({
    envDir,
    prefix: 'night-pilot-e2e-',
    workspaceTemplate: path.join(ROOT, 'sample-workspace'),
    settings: mod.workbench?.settings,
    seed: mod.workbench?.seed,
  });
  try {
    const page = await openWorkbenchPage(bench);
    page.setDefaultTimeout(20_000);
    const prefix = path.basename(file, '.e2e.mjs');
    const shot = async (name) => {
      const target = path.join(shots, `${prefix}-${name}.png`);
      await page.screenshot({ path: target });
      return target;
    };
    for (const t of tests) {
      const t0 = Date.now();
      let timer;
      try {
        await Promise.race([
          t.run({ page, shot }),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000} s`)),
              TEST_TIMEOUT_MS,
            );
          }),
        ]);
        passed++;
        console.log(`  ✔ ${t.name} (${Date.now() - t0} ms)`);
      } catch (err) {
        failed++;
        console.log(
          `  ✖ ${t.name}\n    ${String(err?.stack ?? err)
            .split('\n')
            .join('\n    ')}`,
        );
        await shot(`failed-${passed + failed}`).catch(() => {});
      } finally {
        clearTimeout(timer);
      }
    }
  } catch (err) {
    failed++;
    console.log(
      `  ✖ the workbench did not start: ${err?.stack ?? err}\n--- code-server log (tail) ---\n${tail(bench.logFile)}`,
    );
  } finally {
    await bench.close();
    await mod.workbench?.teardown?.();
  }
}

for (const file of fs
  .readdirSync(path.join(ROOT, 'test/e2e'))
  .filter((f) => f.endsWith('.e2e.mjs') && f.includes(process.env.NIGHT_PILOT_TEST_FILE ?? ''))
  .sort()) {
  await runFile(file);
}
console.log(`screenshots: ${shots}`);
console.log(`e2e tier: ${elapsed()}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
