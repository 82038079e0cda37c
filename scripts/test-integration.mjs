// npm run test:integration: the mocha suite in test/integration, inside the extension host of a real
// VS Code (code-server), offline. Prints mocha's output and, last, "N passed, N failed"; exits
// non-zero when a test failed or the run did not complete.
//   NIGHT_PILOT_TEST_GREP=<text>   run only the tests whose title contains <text>
//   VSCODE_TEST_TIMEOUT_MS=<ms>    give up after this long (default 300000)
//   NIGHT_PILOT_KEEP_TMP=1         keep the throwaway VS Code folders (their path is in the log)
import path from 'node:path';
import { ROOT, build, ensureVscodeEnv, runExtensionTests } from './run-vscode.mjs';

const START_MARKER = '--- Night Pilot integration tests ---';
const COUNTS = /^(\d+) passed, (\d+) failed$/;

const started = Date.now();
const envDir = ensureVscodeEnv();
build({ tests: true });

// Only the suite's own output is echoed; the workbench's chatter is kept for when something breaks.
let echoing = false;
let counts;
const chatter = [];
const code = await runExtensionTests({
  envDir,
  extensionDevelopmentPath: ROOT,
  extensionTestsPath: path.join(ROOT, 'dist-test/integration/index.js'),
  workspaceTemplate: path.join(ROOT, 'sample-workspace'),
  settings: { 'nightPilot.claude.path': path.join(ROOT, 'node_modules/.bin/claude') },
  timeoutMs: Number(process.env.VSCODE_TEST_TIMEOUT_MS) || 300_000,
  onLog: (line) => {
    const match = COUNTS.exec(line.trim());
    if (line === START_MARKER) echoing = true;
    else if (match) {
      counts = { passed: Number(match[1]), failed: Number(match[2]) };
      echoing = false;
    } else if (echoing) console.log(line);
    else chatter.push(line);
  },
});

const ok = code === 0 && counts !== undefined && counts.failed === 0;
if (counts === undefined) {
  // The suite never ran to the end: what the workbench and the server said is the only clue.
  console.log('--- workbench, extension host and code-server output (last 200 lines) ---');
  console.log(chatter.slice(-200).join('\n'));
  console.log(`The suite did not report its result (VS Code exit code ${code}).`);
}
console.log(`integration tier: ${((Date.now() - started) / 1000).toFixed(1)} s`);
// A run that never reported counts as one failure, so the line never reads as green.
console.log(counts ? `${counts.passed} passed, ${counts.failed} failed` : '0 passed, 1 failed');
process.exit(ok ? 0 : 1);
