// npm test: every tier, in order: unit (plain node), ccusage parity (our reports against ccusage
// 19.0.3 on Node 24), integration (inside a real VS Code extension
// host), e2e (the real workbench in headless chromium). The VS Code tiers install what they need on
// first use (scripts/setup-vscode-env.sh). Ends with one "N passed, N failed" line for all tiers.
//   npm test -- e2e unit   only those tiers (in the order below)
//   npm test -- --list     the tiers' names, one a line (CI checks that it ran each of them)
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const TIERS = {
  unit: 'test-unit.mjs',
  ccusage: 'test-ccusage.mjs',
  integration: 'test-integration.mjs',
  e2e: 'test-e2e.mjs',
};
const COUNTS = /^(\d+) passed, (\d+) failed$/;

const args = process.argv.slice(2);
if (args.includes('--list')) {
  console.log(Object.keys(TIERS).join('\n'));
  process.exit(0);
}
const unknown = args.filter((a) => !Object.hasOwn(TIERS, a));
if (unknown.length > 0) {
  console.error(`No such tier: ${unknown.join(', ')}. The tiers are: ${Object.keys(TIERS).join(', ')}.`);
  process.exit(2);
}
const selected = Object.entries(TIERS).filter(([name]) => args.length === 0 || args.includes(name));

let passed = 0;
let failed = 0;
let broken = [];
const started = Date.now();
for (const [, script] of selected) {
  console.log(`\n=== ${script} ===`);
  let last;
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', script)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffer = '';
  child.stdout.on('data', (d) => {
    const text = d.toString();
    buffer += text;
    // The tier's own total line is re-counted below; echo everything else as it comes.
    process.stdout.write(
      text.replace(/^\d+ passed, \d+ failed$/gm, (line) => `${script.replace('.mjs', '')}: ${line}`),
    );
  });
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  for (const line of buffer.split('\n')) {
    const m = COUNTS.exec(line.trim());
    if (m) last = { passed: Number(m[1]), failed: Number(m[2]) };
  }
  passed += last?.passed ?? 0;
  failed += last?.failed ?? 0;
  if (code !== 0 || !last) {
    broken.push(script);
    if (!last) failed += 1;
  }
}
console.log(
  `\nall tiers: ${((Date.now() - started) / 1000).toFixed(0)} s${broken.length ? `; failing: ${broken.join(', ')}` : ''}`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(broken.length === 0 && failed === 0 ? 0 : 1);
