// npm start: builds Night Pilot and serves a real VS Code (code-server) on 127.0.0.1 with the
// extension installed and sample-workspace/ open. Open the printed URL in any browser. The VS Code
// profile (settings, the Night Pilot database) lives in .vscode-test/start/ and survives restarts.
// Ctrl-C stops the server.
//   NIGHT_PILOT_PORT=<port>   preferred port (default 8417; a free one is used when it is taken)
import fs from 'node:fs';
import path from 'node:path';
import {
  QUIET_SETTINGS,
  ROOT,
  build,
  ensureVscodeEnv,
  startCodeServer,
  writeUserSettings,
} from './run-vscode.mjs';

const DEFAULT_PORT = 8417;
const base = path.join(ROOT, '.vscode-test/start');
const userData = path.join(base, 'user-data');
const extensionsDir = path.join(base, 'extensions');
const workspace = path.join(ROOT, 'sample-workspace');

build();
const envDir = ensureVscodeEnv();

// The extension is installed as a link to this checkout, so a plain browser gets it without the
// test-only payload, and a rebuild plus restart picks up changes. Relinking on every start also
// drops links left by an older version number.
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const id = `${manifest.publisher}.${manifest.name}`;
fs.mkdirSync(extensionsDir, { recursive: true });
for (const entry of fs.readdirSync(extensionsDir)) {
  const full = path.join(extensionsDir, entry);
  if (entry.startsWith(`${id}-`) && fs.lstatSync(full).isSymbolicLink()) fs.unlinkSync(full);
}
fs.symlinkSync(ROOT, path.join(extensionsDir, `${id}-${manifest.version}`), 'dir');
// The user's own changes to settings are kept across restarts.
writeUserSettings(userData, { ...QUIET_SETTINGS, 'workbench.startupEditor': 'readme' }, { overwrite: false });

// The repository pins the Claude Code CLI as a dev dependency. When no other `claude` is on PATH,
// point Night Pilot at it (NIGHT_PILOT_CLAUDE) so jobs can run right away; the setting still wins.
const env = { ...process.env };
const pinnedClaude = path.join(ROOT, 'node_modules/.bin/claude');
const pathDirs = (env.PATH ?? '').split(path.delimiter).filter((d) => d && !d.includes('node_modules'));
if (
  !env.NIGHT_PILOT_CLAUDE &&
  fs.existsSync(pinnedClaude) &&
  !pathDirs.some((d) => fs.existsSync(path.join(d, 'claude')))
) {
  env.NIGHT_PILOT_CLAUDE = pinnedClaude;
}

const logFile = path.join(base, 'code-server.log');
fs.writeFileSync(logFile, '');
const server = await startCodeServer({
  envDir,
  userData,
  extensionsDir,
  logFile,
  env,
  port: Number(process.env.NIGHT_PILOT_PORT) || DEFAULT_PORT,
  folder: workspace,
});
console.log(`
Night Pilot is running in VS Code (code-server ${path.basename(envDir)}).
  Open:       ${server.url}?folder=${encodeURIComponent(workspace)}
  Profile:    ${path.relative(ROOT, userData)} (the Night Pilot database is under User/globalStorage/${id}/)
  Server log: ${path.relative(ROOT, logFile)}${
    env.NIGHT_PILOT_CLAUDE === pinnedClaude
      ? `\n  Claude CLI: ${path.relative(ROOT, pinnedClaude)} (no claude on PATH)`
      : ''
  }
Press Ctrl-C to stop.`);

const { code, signal } = await server.exited;
if (server.stopRequested) {
  // Ctrl-C: run-vscode's signal handler finishes the shutdown and exits.
  console.log('Stopped.');
} else {
  console.error(`code-server stopped by itself (${signal ?? `exit code ${code}`}); see ${logFile}`);
  process.exit(1);
}
