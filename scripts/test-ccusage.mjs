// npm run test:ccusage: our usage reports against ccusage 19.0.3 itself on the same generated
// transcripts. ccusage needs Node >= 22, so it is installed with the VS Code test environment
// (scripts/setup-vscode-env.sh) and run on its Node 24; the tests (test/ccusage) run on this node
// through the unit tier's runner. Ends with "N passed, N failed".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, ensureVscodeEnv, envPaths } from './run-vscode.mjs';

const envDir = ensureVscodeEnv();
const cli = path.join(envDir, 'ccusage/node_modules/ccusage/dist/cli.js');
if (!fs.existsSync(cli))
  throw new Error(`${cli} is missing: run \`bash scripts/setup-vscode-env.sh\` again.`);
const child = spawn(
  process.execPath,
  [path.join(ROOT, 'scripts/test-unit.mjs'), 'test/ccusage/ccusageParity.test.ts', ...process.argv.slice(2)],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NIGHT_PILOT_CCUSAGE: cli, NIGHT_PILOT_NODE24: envPaths(envDir).node24 },
  },
);
process.exit(await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1))));
