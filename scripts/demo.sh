#!/usr/bin/env bash
# npm run demo [-- --screenshot out.png] [-- --port N]
# Set-up, production build and .vsix, the lab, then a real VS Code (code-server) on 127.0.0.1
# with the extension installed and a sample workspace; prints the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/package.sh
[ -f scripts/lab-build.sh ] && bash scripts/lab-build.sh
exec npx tsx scripts/demo.ts "$@"
