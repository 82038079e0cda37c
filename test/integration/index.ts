// The mocha entry VS Code calls in the extension host (`extensionTestsPath`). esbuild bundles each
// test/integration/*.ts into dist-test/integration/*.js; this loads every *.test.js beside it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** The test file that ends the extension's life in this window; every other file runs before it. */
const LAST_FILE = 'shutdown.test.js';

/** The line scripts/test-integration.mjs starts echoing from. */
export const START_MARKER = '--- Night Pilot integration tests ---';

export function run(): Promise<void> {
  // Stack traces then point at test/integration/*.ts and src/*.ts instead of the bundles.
  process.setSourceMapsEnabled(true);
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 30_000,
    grep: process.env.NIGHT_PILOT_TEST_GREP,
  });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort((a, b) => Number(a === LAST_FILE) - Number(b === LAST_FILE) || a.localeCompare(b));
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  console.log(START_MARKER);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      console.log(`${passed} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
      else resolve();
    });
  });
}
