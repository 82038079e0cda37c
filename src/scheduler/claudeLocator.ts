// Finds the `claude` executable. VS Code started from a desktop launcher, and cron-like
// environments, get a minimal PATH that usually misses where Claude Code was installed, so after
// the explicit configuration and PATH we look in the places the installers use.

import { constants as fsConstants, promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';

/** Where `claude` was found, or why it was not. */
export type ClaudeLocation =
  | { found: true; path: string; source: 'setting' | 'flag' | 'env' | 'path' | 'known-location' }
  | { found: false; searched: string[]; message: string };

/** Inputs of {@link locateClaude}; everything machine-specific is passed in so tests can craft it. */
export interface LocateClaudeOptions {
  /** `nightPilot.claude.path` or the CLI's `--claude`; empty/absent means "search". */
  configured?: string | null;
  /** Which of the two `configured` came from, for the messages (default `setting`). */
  configuredSource?: 'setting' | 'flag';
  env: NodeJS.ProcessEnv;
  homeDir: string;
  platform: NodeJS.Platform;
  /** Base for a relative configured path (default `process.cwd()`). */
  cwd?: string;
  /**
   * System-wide folders searched after the per-user ones. Default: `/usr/local/bin`,
   * `/opt/homebrew/bin` (none on Windows). Tests pass their own to stay independent of the machine.
   */
  systemDirs?: readonly string[];
}

const INSTALL_HINT =
  'Install Claude Code (`npm install -g @anthropic-ai/claude-code`), or tell Night Pilot where it is: ' +
  'the `nightPilot.claude.path` setting, `--claude PATH` on the night-pilot command line, ' +
  'or the NIGHT_PILOT_CLAUDE environment variable.';

type ExplicitSource = 'setting' | 'flag' | 'env';

const SOURCE_LABEL: Record<ExplicitSource, string> = {
  setting: 'the `nightPilot.claude.path` setting',
  flag: 'the `--claude` option',
  env: 'the NIGHT_PILOT_CLAUDE environment variable',
};

const SOURCE_FIX: Record<ExplicitSource, string> = {
  setting: 'Fix the setting, or clear it to search PATH and the usual install locations.',
  flag: 'Fix the `--claude` value, or leave it out to search PATH and the usual install locations.',
  env: 'Fix NIGHT_PILOT_CLAUDE, or unset it to search PATH and the usual install locations.',
};

/**
 * Finds the Claude Code executable. Order: the configured path (setting or `--claude`), then
 * `$NIGHT_PILOT_CLAUDE`, then PATH, then the usual install locations. An explicit path that is
 * wrong is reported as an error naming it; the search never silently goes past it.
 */
export async function locateClaude(opts: LocateClaudeOptions): Promise<ClaudeLocation> {
  const p = opts.platform === 'win32' ? nodePath.win32 : nodePath.posix;
  const names = opts.platform === 'win32' ? ['claude.exe', 'claude.cmd'] : ['claude'];
  const pathDirs = splitPath(opts.env, opts.platform, p);

  const configured = opts.configured?.trim();
  if (configured)
    return checkExplicit(configured, opts.configuredSource ?? 'setting', opts, p, pathDirs, names);
  const fromEnv = opts.env.NIGHT_PILOT_CLAUDE?.trim();
  if (fromEnv) return checkExplicit(fromEnv, 'env', opts, p, pathDirs, names);

  const searched: string[] = [];
  const search = async (
    dirs: readonly string[],
    source: 'path' | 'known-location',
  ): Promise<ClaudeLocation | null> => {
    for (const dir of dirs) {
      for (const name of names) {
        const candidate = p.join(dir, name);
        if (searched.includes(candidate)) continue;
        searched.push(candidate);
        if ((await inspect(candidate, opts.platform)) === 'ok')
          return { found: true, path: candidate, source };
      }
    }
    return null;
  };
  const found =
    (await search(pathDirs, 'path')) ?? (await search(await knownDirs(opts, p), 'known-location'));
  if (found) return found;
  return {
    found: false,
    searched,
    message: `Claude Code (\`claude\`) was not found. ${INSTALL_HINT} Looked in: ${searched.join(', ') || '(nowhere: PATH is empty)'}.`,
  };
}

async function checkExplicit(
  value: string,
  source: ExplicitSource,
  opts: LocateClaudeOptions,
  p: nodePath.PlatformPath,
  pathDirs: readonly string[],
  names: readonly string[],
): Promise<ClaudeLocation> {
  const label = SOURCE_LABEL[source];
  const expanded = value === '~' || /^~[/\\]/.test(value) ? p.join(opts.homeDir, value.slice(1)) : value;

  // A bare name ("claude", "claude-beta") means a command on PATH, as a shell would read it.
  if (!/[/\\]/.test(expanded)) {
    const bareNames =
      opts.platform === 'win32' && !p.extname(expanded)
        ? names.map((n) => n.replace('claude', expanded))
        : [expanded];
    const searched = pathDirs.flatMap((dir) => bareNames.map((name) => p.join(dir, name)));
    for (const candidate of searched) {
      if ((await inspect(candidate, opts.platform)) === 'ok') return { found: true, path: candidate, source };
    }
    return {
      found: false,
      searched,
      message:
        `${label} names the command "${value}", which is not on PATH ` +
        `(${pathDirs.join(opts.platform === 'win32' ? ';' : ':') || 'PATH is empty'}). ` +
        `Give the full path of the claude executable instead. ${SOURCE_FIX[source]}`,
    };
  }

  const full = p.resolve(opts.cwd ?? process.cwd(), expanded);
  const state = await inspect(full, opts.platform);
  if (state === 'ok') return { found: true, path: full, source };
  const problem =
    state === 'missing'
      ? `Claude Code was not found at ${full}, the path given by ${label}.`
      : state === 'directory'
        ? `${full}, given by ${label}, is a folder, not the claude executable (did you mean ${p.join(full, 'claude')}?).`
        : `${full}, given by ${label}, is not executable (make it executable with \`chmod +x ${full}\`).`;
  return { found: false, searched: [full], message: `${problem} ${SOURCE_FIX[source]}` };
}

type FileState = 'ok' | 'missing' | 'directory' | 'not-executable';

async function inspect(file: string, platform: NodeJS.Platform): Promise<FileState> {
  try {
    const st = await fsp.stat(file);
    if (st.isDirectory()) return 'directory';
    if (!st.isFile()) return 'not-executable';
  } catch {
    return 'missing';
  }
  // Windows has no execute bit; the extension (.exe/.cmd) is what makes a file runnable there.
  if (platform === 'win32') return 'ok';
  try {
    await fsp.access(file, fsConstants.X_OK);
    return 'ok';
  } catch {
    return 'not-executable';
  }
}

function splitPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, p: nodePath.PlatformPath): string[] {
  // Windows spells it Path as often as PATH.
  const key = platform === 'win32' ? Object.keys(env).find((k) => k.toUpperCase() === 'PATH') : 'PATH';
  const raw = key ? env[key] : undefined;
  if (!raw) return [];
  return raw
    .split(platform === 'win32' ? ';' : ':')
    .map((dir) => dir.trim().replace(/^"(.*)"$/, '$1'))
    .filter((dir) => dir !== '' && p.isAbsolute(dir)); // relative entries ("." ) would depend on cwd
}

async function knownDirs(opts: LocateClaudeOptions, p: nodePath.PlatformPath): Promise<string[]> {
  const home = (...parts: string[]): string => p.join(opts.homeDir, ...parts);
  const env = opts.env;
  if (opts.platform === 'win32') {
    return [
      home('.local', 'bin'), // the native installer
      home('.claude', 'local'),
      ...(env.npm_config_prefix ? [env.npm_config_prefix] : []),
      ...(env.APPDATA ? [p.join(env.APPDATA, 'npm')] : []),
      home('.bun', 'bin'),
      ...(env.LOCALAPPDATA ? [p.join(env.LOCALAPPDATA, 'Volta', 'bin')] : []),
      ...(opts.systemDirs ?? []),
    ];
  }
  return [
    home('.claude', 'local'), // `claude migrate-installer` puts it here
    home('.local', 'bin'), // the native installer
    ...(env.npm_config_prefix ? [p.join(env.npm_config_prefix, 'bin')] : []),
    home('.npm-global', 'bin'),
    ...(opts.systemDirs ?? ['/usr/local/bin', '/opt/homebrew/bin']),
    home('.bun', 'bin'),
    home('.volta', 'bin'),
    ...(env.PNPM_HOME ? [env.PNPM_HOME] : []),
    ...(await nvmBinDirs(home('.nvm', 'versions', 'node'), p)),
  ];
}

/** nvm keeps one global bin per Node version; the newest version is the likeliest current one. */
async function nvmBinDirs(root: string, p: nodePath.PlatformPath): Promise<string[]> {
  let versions: string[];
  try {
    versions = await fsp.readdir(root);
  } catch {
    return [];
  }
  const key = (v: string): number[] => v.replace(/^v/, '').split('.').map(Number);
  return versions
    .filter((v) => /^v?\d+(\.\d+)*$/.test(v))
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const d = (y[i] ?? 0) - (x[i] ?? 0);
        if (d !== 0) return d;
      }
      return 0;
    })
    .map((v) => p.join(root, v, 'bin'));
}
