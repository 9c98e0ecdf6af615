#!/usr/bin/env bash
# Builds the production bundles and packs dist/vsphere-lab-<version>.vsix; prints its size
# and checks that no sources, tests or source maps went in.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version')
vsix="dist/vsphere-lab-$version.vsix"
rm -rf dist
# vsce runs `vscode:prepublish` (the production build) itself.
npx vsce package --no-dependencies --allow-missing-repository --no-rewrite-relative-links -o "$vsix" >/tmp/vsce.$$ 2>&1 || { cat /tmp/vsce.$$; rm -f /tmp/vsce.$$; exit 1; }
rm -f /tmp/vsce.$$
# the listing is read whole first: `unzip | grep -q` under pipefail fails when grep stops reading early
listing=$(unzip -Z1 "$vsix")
bad=$(grep -E '^extension/(src|test|bench|scripts)/|\.map$|\.ts$' <<<"$listing" || true)
if [ -n "$bad" ]; then echo "package: these files must not ship:"; echo "$bad"; exit 1; fi
size=$(stat -c %s "$vsix")
files=$(wc -l <<<"$listing")
# the features bundle is required on first need (src/extension/deferred.ts): it must ship
grep -qx 'extension/dist/extension-features.js' <<<"$listing" || { echo "package: dist/extension-features.js is missing (.vscodeignore)"; exit 1; }
printf 'package: %s  %s KiB, %s files (startup extension-main.js %s KiB, extension-features.js %s KiB, cli*.js %s KiB)\n' "$vsix" "$((size / 1024))" "$files" \
  "$(( $(stat -c %s dist/extension-main.js) / 1024 ))" "$(( $(stat -c %s dist/extension-features.js) / 1024 ))" "$(( $(cat dist/cli.js dist/cli-main.js dist/cli-vdr.js | wc -c) / 1024 ))"
