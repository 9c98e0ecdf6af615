#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system packages, npm dependencies,
# and code-server (a real VS Code) in its own folder for the integration and e2e tests.
# As root it installs what is missing; as another user it prints what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CODE_SERVER_VERSION=4.100.3          # bundles VS Code 1.100.3; newest whose engines accept Node 20
RIPGREP_PKG_VERSION=1.15.11          # the @vscode/ripgrep version code-server 4.100.3 bundles
CS_DIR="$ROOT/.vscode-test/code-server"

say() { printf '[setup] %s\n' "$*"; }

# --- system packages -------------------------------------------------------
APT_PACKAGES=(
  chromium            # e2e tests and screenshots (Playwright drives /usr/bin/chromium)
  libkrb5-dev         # code-server's native modules build against it
  ripgrep             # replaces @vscode/ripgrep's download
  golang-go           # builds our vcsim front-end
  golang-github-vmware-govmomi-dev  # govmomi's simulator library (vcsim)
  openssh-server      # real sshd for SSH transport tests
  openssl             # real peer for certificate tests
  git
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    say "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing system packages (run as root): apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

# --- npm dependencies of the extension --------------------------------------
stamp="node_modules/.setup-stamp"
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -L node_modules ]; then
  # A checkout sharing another's node_modules (a git worktree): npm ci would empty the target.
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ] || say "node_modules is a symlink to $(readlink node_modules): not reinstalled here (run npm ci where it points)"
elif [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$stamp"
fi

# --- code-server (real VS Code), offline -----------------------------------
if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ] || [ ! -f "$CS_DIR/.installed-$CODE_SERVER_VERSION" ]; then
  say "installing code-server $CODE_SERVER_VERSION into $CS_DIR (about a minute)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  # @vscode/ripgrep's postinstall downloads a binary; hand it Debian's rg from its cache instead.
  tmp=${TMPDIR:-/tmp}
  rgcache="$tmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
  mkdir -p "$rgcache"
  rgtar="$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -f "$rgtar" ]; then
    d=$(mktemp -d); cp "$(command -v rg)" "$d/rg"; tar -C "$d" -czf "$rgtar" rg; rm -rf "$d"
  fi
  printf '{ "name": "vscode-test-code-server", "private": true }\n' > "$CS_DIR/package.json"
  (
    cd "$CS_DIR"
    # code-server's postinstall builds its native modules: its scripts (only here) must run.
    npm_config_yes=true npm_config_nodedir=/usr npm_config_dangerously_allow_all_scripts=true \
      npm install --no-audit --no-fund --loglevel=error --unsafe-perm "code-server@$CODE_SERVER_VERSION"
  )
  touch "$CS_DIR/.installed-$CODE_SERVER_VERSION"
fi
say "ready: code-server $CODE_SERVER_VERSION at $CS_DIR"

# --- the lab's vcsim (Go, offline, over Debian's govmomi) -------------------
bash "$ROOT/scripts/lab-build.sh" -q
say "ready: the lab (test/lab/bin/vcsim)"
