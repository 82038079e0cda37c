// npm run test:faults: the fault suite (test/faults/runFaults.ts), in its own node with tsx. It
// prints every figure and the table; the exit code says whether every figure met its target.
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/faults/runFaults.ts')], {
  cwd: ROOT,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('close', (code) => process.exit(code ?? 1));
