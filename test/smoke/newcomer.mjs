// The newcomer smoke test: what a new contributor does on a fresh machine, end to end.
//   1. git clone this repository into a temp folder;
//   2. the README's first command, `npm install && npm start`, with empty caches (a fresh npm cache
//      and a fresh cache folder for the VS Code environment), until it prints the URL;
//   3. that URL in chromium: the Night Pilot view and its welcome are there;
//   4. Ctrl-C, and no process it started is left;
//   5. the same again with the caches now warm, and once more on Node 22+ (the Node 24 binary the
//      first run installed) to prove both Node lines.
// Prints the time to the URL of each run. CI runs it (.ci/run) with XDG_CACHE_HOME and
// npm_config_cache pointing at fresh folders it then reuses for `npm test`; run by hand, it makes
// its own and removes them.
//   node test/smoke/newcomer.mjs [--skip-node24] [--keep]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, envPaths, launchChromium } from '../../scripts/run-vscode.mjs';

const args = new Set(process.argv.slice(2));
const START_TIMEOUT_MS = 12 * 60_000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'night-pilot-newcomer-'));
const clone = path.join(tmp, 'night-pilot');
const shots = path.join(tmp, 'shots');
fs.mkdirSync(shots);
const env = { ...process.env };
// npm's own variables would leak in when this runs under `npm run`: a newcomer types in a shell.
for (const key of Object.keys(env)) if (/^npm_/i.test(key) && key !== 'npm_config_cache') delete env[key];
env.XDG_CACHE_HOME ??= path.join(tmp, 'cache');
env.npm_config_cache ??= path.join(tmp, 'npm-cache');
for (const dir of [env.XDG_CACHE_HOME, env.npm_config_cache]) {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)
    fail(`the cache folder ${dir} is not empty: a newcomer's is`);
}

function fail(message) {
  console.error(`newcomer smoke test FAILED: ${message}`);
  console.error(`(files kept in ${tmp})`);
  process.exit(1);
}

function log(message) {
  console.log(`[newcomer] ${message}`);
}

/** Runs `command` in a shell in the clone, in its own process group, until it prints the URL. */
async function startUntilUrl(label, command, extraEnv = {}) {
  const started = Date.now();
  const output = path.join(tmp, `${label}.log`);
  const out = fs.openSync(output, 'w');
  const child = spawn('bash', ['-c', command], {
    cwd: clone,
    env: { ...env, ...extraEnv },
    detached: true,
    stdio: ['ignore', 'pipe', out],
  });
  let text = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL within ${START_TIMEOUT_MS / 60_000} min`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', (chunk) => {
      text += chunk;
      fs.writeSync(out, chunk);
      const m = /Open:\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`\`${command}\` ended (${signal ?? `exit ${code}`}) before printing a URL`));
    });
  }).catch((err) => {
    killGroup(child.pid, 'SIGKILL');
    fail(`${label}: ${err.message}\n--- output ---\n${fs.readFileSync(output, 'utf8').slice(-6000)}`);
  });
  const seconds = (Date.now() - started) / 1000;
  log(`${label}: URL after ${seconds.toFixed(1)} s: ${url}`);
  return { child, url, seconds, output };
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Opens the URL as a user would and checks the Night Pilot view and its welcome. */
async function checkWorkbench(label, url) {
  const envDir = readEnvDir();
  const browserHome = path.join(tmp, `browser-${label}`);
  fs.mkdirSync(browserHome);
  const browser = await launchChromium(envDir, { ...env, HOME: browserHome });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(60_000);
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench');
    const item = page.locator('.activitybar [aria-label^="Night Pilot"]').first();
    await item.waitFor({ state: 'visible' });
    await item.click();
    await page.locator('.sidebar .composite.title', { hasText: 'Night Pilot' }).waitFor();
    const welcome = page.locator('.sidebar .welcome-view-content');
    await welcome.getByText('No jobs yet.', { exact: false }).waitFor();
    await welcome.getByRole('button', { name: 'Create Job' }).waitFor();
    await page.screenshot({ path: path.join(shots, `${label}.png`) });
    log(`${label}: the Night Pilot view shows its welcome`);
  } catch (err) {
    fail(`${label}: the workbench at ${url} did not show the Night Pilot view: ${err.message}`);
  } finally {
    await browser.close().catch(() => {});
  }
}

/** The VS Code environment folder the clone's setup script uses (it prints it; idempotent). */
function readEnvDir() {
  const r = spawnSync('bash', [path.join(clone, 'scripts/setup-vscode-env.sh')], { env, encoding: 'utf8' });
  const dir = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !dir) fail(`scripts/setup-vscode-env.sh did not print its folder: ${r.stderr}`);
  return dir;
}

/** Processes whose command line or working folder is inside the temp folder. */
function leftoverProcesses() {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      let cwd = '';
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // A process of another user, or gone.
      }
      const places = [tmp, env.XDG_CACHE_HOME];
      if (places.some((p) => cmd.includes(p) || cwd.startsWith(p)))
        found.push(`${pid}: ${cmd.slice(0, 160)}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Ctrl-C as in a terminal (SIGINT to the foreground group), then nothing may be left. */
async function stopLikeCtrlC(label, child) {
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  killGroup(child.pid, 'SIGINT');
  const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 20_000))]);
  if (!result) {
    killGroup(child.pid, 'SIGKILL');
    fail(`${label}: npm start did not stop within 20 s of Ctrl-C`);
  }
  let left = leftoverProcesses();
  for (let i = 0; i < 50 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 200));
    left = leftoverProcesses();
  }
  if (left.length) fail(`${label}: processes left after Ctrl-C:\n${left.join('\n')}`);
  log(`${label}: stopped by Ctrl-C, no process left`);
}

log(`cloning ${ROOT} into ${clone}`);
const cloned = spawnSync('git', ['clone', '--quiet', ROOT, clone], { stdio: 'inherit' });
if (cloned.status !== 0) fail('git clone failed');

const figures = [];
const install = Date.now();
const cold = await startUntilUrl('cold', 'npm install --no-audit --no-fund && npm start');
figures.push(['cold (empty caches): `npm install && npm start` to the URL', cold.seconds]);
await checkWorkbench('cold', cold.url);
await stopLikeCtrlC('cold', cold.child);
const installLog = fs.readFileSync(cold.output, 'utf8');
log(`cold npm install + build + VS Code setup took ${((Date.now() - install) / 1000).toFixed(0)} s in all`);

const warm = await startUntilUrl('warm', 'npm start');
figures.push(['warm: `npm start` to the URL', warm.seconds]);
await checkWorkbench('warm', warm.url);
await stopLikeCtrlC('warm', warm.child);

if (!args.has('--skip-node24')) {
  // npm itself is the machine's; only the Node it runs on changes (first on PATH).
  const node24 = path.dirname(envPaths(readEnvDir()).node24);
  const newer = await startUntilUrl(
    'node24',
    'node --version >&2 && npm install --no-audit --no-fund && npm start',
    {
      PATH: `${node24}:${env.PATH}`,
    },
  );
  figures.push(['warm on Node 24: `npm install && npm start` to the URL', newer.seconds]);
  await checkWorkbench('node24', newer.url);
  await stopLikeCtrlC('node24', newer.child);
}

console.log('\nnewcomer smoke test passed');
for (const [what, seconds] of figures) console.log(`  ${what}: ${seconds.toFixed(1)} s`);
console.log(`  screenshots: ${shots}`);
if (/npm warn/i.test(installLog)) {
  console.log('  npm install warnings (the README explains each):');
  for (const line of installLog.split('\n').filter((l) => /npm warn/i.test(l))) console.log(`    ${line}`);
}
if (!args.has('--keep')) {
  fs.rmSync(clone, { recursive: true, force: true });
  for (const dir of ['cache', 'npm-cache']) fs.rmSync(path.join(tmp, dir), { recursive: true, force: true });
}
