// npm run test:unit: the plain-node tier (mocha + tsx, no VS Code). Echoes mocha's output and
// ends with "N passed, N failed". Extra arguments go to mocha (e.g. a file, or -g PATTERN).
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const whole = !args.some((a) => a.endsWith('.ts'));
const specs = whole ? ['test/unit/**/*.test.ts'] : [];
// The whole tier in 3 worker processes: most of its time is spent waiting on the child processes
// it runs (the real CLI, scheduler processes, kill and timeout tests), not on a core.
const parallel =
  whole && !args.includes('-g') && !args.includes('--grep') ? ['--parallel', '--jobs', '3'] : [];
const started = Date.now();
const child = spawn(
  process.execPath,
  [path.join(ROOT, 'node_modules/mocha/bin/mocha.js'), ...specs, ...parallel, ...args],
  {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let output = '';
child.stdout.on('data', (d) => {
  process.stdout.write(d);
  output += d.toString();
});
const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
const passed = Number(/(\d+) passing/.exec(output)?.[1] ?? 0);
const failed = Number(/(\d+) failing/.exec(output)?.[1] ?? (code === 0 ? 0 : 1));
console.log(`unit tier: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(code === 0 && passed > 0 ? 0 : 1);
