// Where the old desktop app's database files usually are. The app opened `claude-pilot.db` and
// `claude-night-pilot.db` relative to the folder it was started from: the home folder for a
// desktop launcher on Linux, `src-tauri/` of a checkout for `npm run tauri dev`, wherever the
// `cnp` CLI was run; some builds used the Tauri app-data folder (identifier
// com.claude-night-pilot.app). The wizard's file picker covers the rest.

import fs from 'node:fs';
import path from 'node:path';

export const LEGACY_FILE_NAMES = ['claude-night-pilot.db', 'claude-pilot.db'] as const;
const APP_ID = 'com.claude-night-pilot.app';

export interface LocationInput {
  platform: NodeJS.Platform;
  home: string;
  env: NodeJS.ProcessEnv;
  /** The open workspace folders: a checkout of the old app keeps its files there. */
  workspaceFolders: readonly string[];
}

/** The folders searched, in order, for this OS. */
export function legacyFolders(input: LocationInput): string[] {
  const { platform, home, env } = input;
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  const folders = [home];
  if (platform === 'win32') {
    const roaming = env.APPDATA ?? join(home, 'AppData', 'Roaming');
    const local = env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
    folders.push(join(roaming, APP_ID), join(local, APP_ID), join(local, 'Claude Night Pilot'));
  } else if (platform === 'darwin') {
    folders.push(join(home, 'Library', 'Application Support', APP_ID));
  } else {
    folders.push(
      join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), APP_ID),
      join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_ID),
    );
  }
  for (const folder of input.workspaceFolders) {
    folders.push(folder, join(folder, 'src-tauri'), join(folder, 'claude-night-pilot', 'src-tauri'));
  }
  return folders;
}

export interface LegacyCandidate {
  path: string;
  bytes: number;
  modified: string;
  /** A -wal beside it. */
  hasWal: boolean;
}

/** The legacy database files that exist in the usual folders, each once. */
export function findLegacyDatabases(input: LocationInput): LegacyCandidate[] {
  const seen = new Set<string>();
  const found: LegacyCandidate[] = [];
  for (const folder of legacyFolders(input)) {
    for (const name of LEGACY_FILE_NAMES) {
      const file = path.join(folder, name);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(file);
      } catch {
        continue;
      }
      if (!stat.isFile()) continue;
      let real = file;
      try {
        real = fs.realpathSync(file);
      } catch {
        // Keep the path as found.
      }
      if (seen.has(real)) continue;
      seen.add(real);
      found.push({
        path: file,
        bytes: stat.size,
        modified: stat.mtime.toISOString(),
        hasWal: fs.existsSync(`${file}-wal`),
      });
    }
  }
  return found;
}
