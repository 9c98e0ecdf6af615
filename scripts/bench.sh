#!/usr/bin/env bash
# npm run bench -- NAME [args]   runs bench/NAME.ts; each benchmark ends with a line
# "BENCH NAME ours=… peer=… ratio=…". Without NAME, lists the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  echo "benchmarks:"; for f in bench/*.ts; do echo "  $(basename "$f" .ts)"; done; exit 0
fi
name=$1; shift
[ -f "bench/$name.ts" ] || { echo "no benchmark bench/$name.ts (run without arguments for the list)"; exit 2; }
[ -f scripts/lab-build.sh ] && bash scripts/lab-build.sh -q >/dev/null
exec npx tsx "bench/$name.ts" "$@"
