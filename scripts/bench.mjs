// npm run bench: runs each benchmark in its own node process (so one's heap and JIT state do not
// skew another's), echoes everything they print, and ends with the target and report lines gathered in one
// place. Benchmarks print figures; a missed target never fails the run (a crashed bench does).
//
//   npm run bench                      everything (about 12-15 minutes)
//   npm run bench -- --quick           fewer iterations and shorter windows (about 5 minutes)
//   npm run bench -- --only storage    one bench: storage | scheduler | cron | legacy | usage | dashboard | jobsView | worktree
//
// NIGHT_PILOT_BENCH_DIR=<folder> puts the temp folders there instead of the OS temp folder (use a
// folder on the disk the real database lives on when the temp folder is a RAM disk).
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BENCHES = {
  storage: 'bench/storageBench.ts',
  scheduler: 'bench/schedulerBench.ts',
  legacy: 'bench/legacyBench.ts',
  cron: 'bench/cronBench.ts',
  usage: 'bench/usageBench.ts',
  dashboard: 'bench/dashboardBench.ts',
  jobsView: 'bench/jobsViewBench.ts',
  worktree: 'bench/worktreeBench.ts',
};

function usage(problem) {
  console.error(`${problem}\nUsage: npm run bench -- [--quick] [--only ${Object.keys(BENCHES).join('|')}]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let only = null;
let quick = false;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--quick') quick = true;
  else if (arg === '--only' || arg.startsWith('--only=')) {
    only = arg === '--only' ? args[++i] : arg.slice('--only='.length);
    if (!only || !(only in BENCHES)) {
      usage(`--only needs one of ${Object.keys(BENCHES).join(', ')}; got "${only ?? ''}".`);
    }
  } else usage(`Unknown argument "${arg}".`);
}

const selected = only ? [only] : Object.keys(BENCHES);
const targets = [];
const failures = [];
const started = Date.now();
console.log(
  `night-pilot bench${quick ? ' (quick)' : ''}: ${selected.join(', ')}; node ${process.version}, ` +
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);

for (const name of selected) {
  console.log(`\n=== ${name} ===`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, BENCHES[name]), ...(quick ? ['--quick'] : [])],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let pending = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (/^\s*(target|report) /.test(line)) targets.push(`${name}: ${line.trim()}`);
  });
  const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? signal)));
  if (code !== 0) failures.push(`${name} exited with ${code}`);
}

console.log(`\n=== summary (${((Date.now() - started) / 1000).toFixed(0)} s) ===`);
for (const line of targets) console.log(line);
for (const line of failures) console.log(`FAILED: ${line}`);
process.exit(failures.length > 0 ? 1 : 0);
