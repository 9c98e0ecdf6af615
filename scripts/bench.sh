#!/usr/bin/env bash
# npm run bench [-- NAME… --runs N --quick --json FILE]: runs every bench in bench/ (or the named
# ones) through bench/harness.ts and prints one table; exit 0 only when every target is met.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f scripts/lab-build.sh ] && bash scripts/lab-build.sh -q >/dev/null
exec npx tsx bench/run.ts "$@"
