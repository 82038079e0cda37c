// npm run test:e2e: drives the real VS Code workbench (code-server) in headless chromium with Night
// Pilot loaded as a development extension. Each test/e2e/*.e2e.mjs gets its own fresh workbench and
// exports `tests: { name, run({ page, shot }) }[]` (run in order) and optionally
// `workbench: { settings?, seed?(dirs), teardown?() }` (extra settings; files to create, or helper
// processes to start, before VS Code starts, and `{ env }` returned for that workbench's processes;
// what to stop after its tests).
// The files run one at a time, but the next file's workbench is seeded and started while this one's
// tests run, and this one's is closed while the next one's page loads: no file waits for a seed, a
// code-server start, a chromium launch or a shutdown. A seed must therefore not change this process's
// state that another file's workbench would see (`process.env`): it returns `{ env }` instead.
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

/**
 * Imports a file and starts its workbench (seed, code-server, chromium) without waiting for it;
 * null when none of its tests is selected.
 */
async function prepare(file) {
  const mod = await import(pathToFileURL(path.join(ROOT, 'test/e2e', file)).href);
  const tests = (mod.tests ?? []).filter((t) => !grep || t.name.includes(grep));
  if (tests.length === 0) return null;
  const bench = startTestWorkbench({
    envDir,
    prefix: 'night-pilot-e2e-',
    workspaceTemplate: path.join(ROOT, 'sample-workspace'),
    settings: mod.workbench?.settings,
    seed: mod.workbench?.seed,
  }).then(
    (ready) => ({ ready }),
    (error) => ({ error }),
  );
  return { file, mod, tests, bench };
}

/**
 * Runs a prepared file's tests in order. `onPageOpen` is called once its workbench page is open (or
 * it failed to start). Resolves after the last test with `closed`: its workbench closing, then its
 * teardown.
 */
async function runFile({ file, mod, tests, bench: starting }, onPageOpen) {
  console.log(file);
  const { ready: bench, error } = await starting;
  if (error) {
    onPageOpen();
    failed++;
    console.log(`  ✖ the workbench did not start: ${error?.stack ?? error}`);
    return { closed: closeFile(file, mod, undefined) };
  }
  try {
    const page = await openWorkbenchPage(bench).finally(onPageOpen);
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
  }
  return { closed: closeFile(file, mod, bench) };
}

/** Closes a file's workbench (when it started), then runs its teardown; a failure counts as one. */
async function closeFile(file, mod, bench) {
  try {
    await bench?.close();
    await mod.workbench?.teardown?.();
  } catch (err) {
    failed++;
    console.log(`  ✖ ${file}: closing its workbench failed: ${err?.stack ?? err}`);
  }
}

const files = fs
  .readdirSync(path.join(ROOT, 'test/e2e'))
  .filter((f) => f.endsWith('.e2e.mjs') && f.includes(process.env.NIGHT_PILOT_TEST_FILE ?? ''))
  .sort();
const closing = [];
let next = files.length > 0 ? prepare(files[0]) : null;
for (let i = 0; i < files.length; i++) {
  const current = await next;
  let nextStarted = false;
  const startNext = () => {
    if (nextStarted) return;
    nextStarted = true;
    next = i + 1 < files.length ? prepare(files[i + 1]) : null;
  };
  if (current) closing.push((await runFile(current, startNext)).closed);
  startNext();
}
await Promise.all(closing);
console.log(`screenshots: ${shots}`);
console.log(`e2e tier: ${elapsed()}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
