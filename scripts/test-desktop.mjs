// npm run test:desktop: the integration suite in desktop VS Code through @vscode/test-electron, for
// contributors with internet access (it downloads VS Code). CI uses `npm run test:integration`.
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT, build } from './run-vscode.mjs';

build({ tests: true });
try {
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'dist-test/integration/index.js'),
    launchArgs: [path.join(ROOT, 'sample-workspace'), '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`Desktop integration tests failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
