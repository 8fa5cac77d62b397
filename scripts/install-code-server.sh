#!/usr/bin/env bash
# Installs code-server (a full VS Code: workbench + server + Node extension host) into a cache folder
# outside the project, for the real-VS-Code tests (test/vscode/run-code-server.mjs).
# Follows /work/shared/notes/vscode-in-ci.md: the plain `npm install code-server` fails here (kerberos
# needs gssapi headers, @vscode/ripgrep downloads from GitHub), so it installs with --ignore-scripts
# and does the post-install steps by hand.
#
#   scripts/install-code-server.sh [VERSION]        (default 4.100.3)
#
# Env: CODE_SERVER_CACHE   the install folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/docker-guardrails/code-server-VERSION)
#      SKIP_APT=1          never call apt-get (the packages must then already be installed)
# Prints the install folder as its last line. Idempotent: a complete install (marker file) is reused.
set -euo pipefail

VERSION="${1:-4.100.3}"
DEST="${CODE_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/docker-guardrails/code-server-$VERSION}"
MARKER="$DEST/.install-complete"
ENTRY="$DEST/node_modules/code-server/out/node/entry.js"

log() { echo "[install-code-server] $*" >&2; }

if [[ -f "$MARKER" && -f "$ENTRY" ]]; then
  log "cached: $DEST"
  echo "$DEST"
  exit 0
fi

# One install at a time per cache folder (parallel CI jobs, two terminals): wait for the other one,
# then use what it installed.
PARENT="$(dirname "$DEST")"
mkdir -p "$PARENT"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DEST.lock"
  if ! flock -n 9; then
    log "another install of code-server $VERSION is running: waiting for it ($DEST.lock)"
    flock 9
  fi
  if [[ -f "$MARKER" && -f "$ENTRY" ]]; then
    log "installed meanwhile: $DEST"
    echo "$DEST"
    exit 0
  fi
fi

# 1. System packages: gssapi headers for kerberos, ripgrep (instead of the GitHub download), Chromium
#    (drives the web workbench). Only when something is missing.
missing=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ((${#missing[@]})); then
  if [[ "${SKIP_APT:-}" == 1 ]]; then
    log "missing system packages: ${missing[*]} (SKIP_APT=1): install them with apt-get install -y ${missing[*]}"
    exit 1
  fi
  SUDO=()
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
      log "missing system packages: ${missing[*]}; not root and no sudo: install them with apt-get install -y ${missing[*]}"
      exit 1
    fi
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q >&2
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
else
  log "system packages present: libkrb5-dev ripgrep chromium"
fi
RG="$(command -v rg)"

# 2.-4. Build in a temporary sibling folder and move it into place at the end, so an interrupted
#    install never looks complete.
WORK="$(mktemp -d "$PARENT/.code-server-$VERSION.XXXXXX")"
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
started=$SECONDS

log "npm install code-server@$VERSION --ignore-scripts (in $WORK)"
cd "$WORK"
echo '{ "name": "code-server-cache", "private": true }' >package.json
npm install "code-server@$VERSION" --ignore-scripts --no-audit --no-fund --loglevel=error >&2

log "installing VS Code's own dependencies (lib/vscode)"
cd "$WORK/node_modules/code-server/lib/vscode"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2
log "rebuilding native modules: kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog"
# node-pty's install script calls `npx node-gyp`, which needs the yes.
npm_config_yes=true npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog --loglevel=error >&2
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$RG" node_modules/@vscode/ripgrep/bin/rg
chmod +x node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar

log "rebuilding argon2"
cd "$WORK"
npm rebuild argon2 --loglevel=error >&2

[[ -f "$WORK/node_modules/code-server/out/node/entry.js" ]] || { log "entry.js missing after install"; exit 1; }
date -u +%FT%TZ >"$WORK/.install-complete"

rm -rf "$DEST"
mv "$WORK" "$DEST"
trap - EXIT
log "installed code-server $VERSION in $((SECONDS - started)) s: $DEST"
echo "$DEST"
