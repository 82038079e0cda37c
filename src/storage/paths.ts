import os from 'node:os';
import path from 'node:path';

export const DATABASE_FILE_NAME = 'claude-night-pilot.db';
/** `<publisher>.<name>` from package.json: VS Code's global-storage folder for the extension. */
export const EXTENSION_STORAGE_ID = 'night-pilot.night-pilot';

/**
 * The file the extension uses in desktop VS Code (stable) on this OS, which the CLI uses by
 * default so both see the same jobs:
 * - Linux:   ~/.config/Code/User/globalStorage/night-pilot.night-pilot/claude-night-pilot.db
 * - macOS:   ~/Library/Application Support/Code/User/globalStorage/night-pilot.night-pilot/...
 * - Windows: %APPDATA%\Code\User\globalStorage\night-pilot.night-pilot\...
 * `$NIGHT_PILOT_DB` overrides it (Insiders, VSCodium, code-server, a server without VS Code).
 */
export function defaultDatabasePath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.NIGHT_PILOT_DB) return path.resolve(env.NIGHT_PILOT_DB);
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  let userData: string;
  if (platform === 'win32') userData = join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Code');
  else if (platform === 'darwin') userData = join(home, 'Library', 'Application Support', 'Code');
  else userData = join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Code');
  return join(userData, 'User', 'globalStorage', EXTENSION_STORAGE_ID, DATABASE_FILE_NAME);
}

/** The logs of one job's runs: `logs/<job id>/` beside the database. */
export function jobLogDirectory(databasePath: string, jobId: string): string {
  return path.join(path.dirname(databasePath), 'logs', jobId);
}

/** Run logs live in files beside the database; the database keeps only a tail and the path. */
export function runLogDirectory(databasePath: string, jobId: string, runId: string): string {
  return path.join(jobLogDirectory(databasePath, jobId), runId);
}

/** Where worktree runs work: `worktrees/` beside the database, one folder per run. */
export function worktreesDirectory(databasePath: string): string {
  return path.join(path.dirname(databasePath), 'worktrees');
}

/** The git worktree of one worktree run: `worktrees/<run id>` beside the database. */
export function runWorktreePath(databasePath: string, runId: string): string {
  return path.join(worktreesDirectory(databasePath), runId);
}
