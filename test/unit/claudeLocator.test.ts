import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateClaude } from '../../src/scheduler/claudeLocator';
import type { LocateClaudeOptions } from '../../src/scheduler/claudeLocator';
import { runSupervisedProcess } from '../../src/scheduler/processSupervisor';

describe('locateClaude', function () {
  if (process.platform === 'win32') return; // these tests build POSIX executables

  let root: string;
  let home: string;

  beforeEach(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'np-locator-'));
    home = path.join(root, 'home');
    await fsp.mkdir(home);
  });
  afterEach(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });

  /** Creates a file (and its folders); executable unless mode says otherwise. */
  async function makeFile(file: string, mode = 0o755): Promise<string> {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(file, '#!/bin/sh\necho fake\n');
    await fsp.chmod(file, mode);
    return file;
  }

  function options(over: Partial<LocateClaudeOptions> = {}): LocateClaudeOptions {
    return { env: { PATH: '' }, homeDir: home, platform: 'linux', systemDirs: [], cwd: root, ...over };
  }

  it('uses the configured path (setting or flag) before anything else', async () => {
    const configured = await makeFile(path.join(root, 'custom', 'claude'));
    const onPath = await makeFile(path.join(root, 'bin', 'claude'));
    const fromEnv = await makeFile(path.join(root, 'env', 'claude'));
    const env = { PATH: path.dirname(onPath), NIGHT_PILOT_CLAUDE: fromEnv };

    assert.deepEqual(await locateClaude(options({ configured, env })), {
      found: true,
      path: configured,
      source: 'setting',
    });
    assert.deepEqual(await locateClaude(options({ configured, configuredSource: 'flag', env })), {
      found: true,
      path: configured,
      source: 'flag',
    });
  });

  it('expands ~ and resolves a relative configured path', async () => {
    const inHome = await makeFile(path.join(home, 'tools', 'claude'));
    assert.deepEqual(await locateClaude(options({ configured: '~/tools/claude' })), {
      found: true,
      path: inHome,
      source: 'setting',
    });
    assert.deepEqual(
      await locateClaude(options({ configured: './home/tools/claude', configuredSource: 'flag' })),
      {
        found: true,
        path: inHome,
        source: 'flag',
      },
    );
  });

  it('refuses a configured path that does not exist, without falling back to PATH', async () => {
    const onPath = await makeFile(path.join(root, 'bin', 'claude'));
    const missing = path.join(root, 'nowhere', 'claude');
    const result = await locateClaude(options({ configured: missing, env: { PATH: path.dirname(onPath) } }));
    assert.equal(result.found, false);
    if (result.found) return;
    assert.ok(result.message.includes(missing), result.message);
    assert.match(result.message, /nightPilot\.claude\.path/);
    assert.deepEqual(result.searched, [missing]);

    const viaFlag = await locateClaude(options({ configured: missing, configuredSource: 'flag' }));
    assert.equal(viaFlag.found, false);
    if (!viaFlag.found) assert.match(viaFlag.message, /--claude/);
  });

  it('refuses a configured file that is not executable, or a folder, and says how to fix it', async () => {
    const plain = await makeFile(path.join(root, 'claude-plain'), 0o644);
    const notExecutable = await locateClaude(options({ configured: plain }));
    assert.equal(notExecutable.found, false);
    if (!notExecutable.found) {
      assert.ok(notExecutable.message.includes(plain));
      assert.match(notExecutable.message, /not executable/);
      assert.ok(notExecutable.message.includes(`chmod +x ${plain}`));
    }

    const folder = path.join(root, 'a-folder');
    await fsp.mkdir(folder);
    const isFolder = await locateClaude(options({ configured: folder }));
    assert.equal(isFolder.found, false);
    if (!isFolder.found) assert.match(isFolder.message, /is a folder/);
  });

  it('looks a bare configured name up on PATH', async () => {
    const beta = await makeFile(path.join(root, 'bin', 'claude-beta'));
    assert.deepEqual(
      await locateClaude(options({ configured: 'claude-beta', env: { PATH: path.dirname(beta) } })),
      {
        found: true,
        path: beta,
        source: 'setting',
      },
    );
    const absent = await locateClaude(
      options({ configured: 'claude-gamma', env: { PATH: path.dirname(beta) } }),
    );
    assert.equal(absent.found, false);
    if (!absent.found) assert.match(absent.message, /"claude-gamma", which is not on PATH/);
  });

  it('uses NIGHT_PILOT_CLAUDE next, and refuses it when wrong', async () => {
    const fromEnv = await makeFile(path.join(root, 'env', 'claude'));
    const onPath = await makeFile(path.join(root, 'bin', 'claude'));
    assert.deepEqual(
      await locateClaude(options({ env: { PATH: path.dirname(onPath), NIGHT_PILOT_CLAUDE: fromEnv } })),
      { found: true, path: fromEnv, source: 'env' },
    );
    const wrong = path.join(root, 'env', 'missing-claude');
    const result = await locateClaude(
      options({ env: { PATH: path.dirname(onPath), NIGHT_PILOT_CLAUDE: wrong } }),
    );
    assert.equal(result.found, false);
    if (!result.found) {
      assert.ok(result.message.includes(wrong));
      assert.match(result.message, /NIGHT_PILOT_CLAUDE/);
    }
  });

  it('searches PATH in order, skipping files that are not executable', async () => {
    const first = path.join(root, 'first');
    await makeFile(path.join(first, 'claude'), 0o644);
    const second = await makeFile(path.join(root, 'second', 'claude'));
    await makeFile(path.join(home, '.local', 'bin', 'claude'));
    const env = { PATH: ['', 'relative/bin', first, path.dirname(second)].join(':') };
    assert.deepEqual(await locateClaude(options({ env })), { found: true, path: second, source: 'path' });
  });

  it('finds Claude in the usual install locations when PATH misses it, in order', async () => {
    const local = await makeFile(path.join(home, '.local', 'bin', 'claude'));
    const volta = await makeFile(path.join(home, '.volta', 'bin', 'claude'));
    assert.deepEqual(await locateClaude(options()), { found: true, path: local, source: 'known-location' });

    const migrated = await makeFile(path.join(home, '.claude', 'local', 'claude'));
    assert.deepEqual(await locateClaude(options()), {
      found: true,
      path: migrated,
      source: 'known-location',
    });

    await fsp.rm(path.join(home, '.claude'), { recursive: true });
    await fsp.rm(path.join(home, '.local'), { recursive: true });
    assert.deepEqual(await locateClaude(options()), { found: true, path: volta, source: 'known-location' });

    const systemDir = path.join(root, 'usr-local-bin');
    const system = await makeFile(path.join(systemDir, 'claude'));
    assert.deepEqual(await locateClaude(options({ systemDirs: [systemDir] })), {
      found: true,
      path: system,
      source: 'known-location',
    });

    const prefix = path.join(root, 'npm-prefix');
    const npmGlobal = await makeFile(path.join(prefix, 'bin', 'claude'));
    assert.deepEqual(await locateClaude(options({ env: { PATH: '', npm_config_prefix: prefix } })), {
      found: true,
      path: npmGlobal,
      source: 'known-location',
    });
  });

  it('picks the newest nvm Node version', async () => {
    const versions = path.join(home, '.nvm', 'versions', 'node');
    await makeFile(path.join(versions, 'v9.11.2', 'bin', 'claude'));
    const newest = await makeFile(path.join(versions, 'v22.3.0', 'bin', 'claude'));
    await makeFile(path.join(versions, 'v20.19.1', 'bin', 'claude'));
    assert.deepEqual(await locateClaude(options()), { found: true, path: newest, source: 'known-location' });
  });

  it('explains how to install or configure Claude, and where it looked, when it is nowhere', async () => {
    const pathDir = path.join(root, 'bin');
    const result = await locateClaude(options({ env: { PATH: pathDir } }));
    assert.equal(result.found, false);
    if (result.found) return;
    for (const hint of [
      'npm install -g @anthropic-ai/claude-code',
      'nightPilot.claude.path',
      '--claude',
      'NIGHT_PILOT_CLAUDE',
    ]) {
      assert.ok(result.message.includes(hint), `message lacks ${hint}: ${result.message}`);
    }
    for (const place of [
      path.join(pathDir, 'claude'),
      path.join(home, '.claude', 'local', 'claude'),
      path.join(home, '.local', 'bin', 'claude'),
      path.join(home, '.npm-global', 'bin', 'claude'),
      path.join(home, '.bun', 'bin', 'claude'),
      path.join(home, '.volta', 'bin', 'claude'),
    ]) {
      assert.ok(result.searched.includes(place), `did not look in ${place}`);
      assert.ok(result.message.includes(place), `message does not list ${place}`);
    }
  });

  it('searches /usr/local/bin and /opt/homebrew/bin by default', async () => {
    const result = await locateClaude({ env: { PATH: '' }, homeDir: home, platform: 'linux' });
    if (result.found) {
      // This machine has Claude installed system-wide: it must come from one of those folders.
      assert.equal(result.source, 'known-location');
      assert.ok(['/usr/local/bin/claude', '/opt/homebrew/bin/claude'].includes(result.path), result.path);
    } else {
      assert.ok(result.searched.includes('/usr/local/bin/claude'));
      assert.ok(result.searched.includes('/opt/homebrew/bin/claude'));
    }
  });

  it('finds the real Claude Code CLI installed in node_modules/.bin, and it runs', async () => {
    const bin = path.resolve(__dirname, '../../node_modules/.bin');
    const result = await locateClaude(options({ env: { PATH: bin } }));
    assert.deepEqual(result, { found: true, path: path.join(bin, 'claude'), source: 'path' });
    const outcome = await runSupervisedProcess({
      command: result.found ? result.path : '',
      args: ['--version'],
      cwd: root,
      env: { ...process.env, DISABLE_AUTOUPDATER: '1' },
      logFile: path.join(root, 'version.log'),
      timeoutMs: 60_000,
      killGraceMs: 500,
    });
    assert.equal(outcome.exitCode, 0, outcome.stderrTail);
    assert.match(outcome.stdoutTail, /^\d+\.\d+\.\d+ \(Claude Code\)/);
  });
});
