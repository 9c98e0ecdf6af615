#!/usr/bin/env bash
# The whole suite: set-up, lint, type check, unit, grammar, peer (against the lab),
# integration (inside a real VS Code) and e2e (the packaged .vsix in a real VS Code driven by
# Chromium). Ends with the line "N passed, N failed".
#   bash scripts/test.sh                 every layer
#   bash scripts/test.sh unit peer       only those layers
# VLAB_SKIP_SETUP=1 skips scripts/setup.sh (when you know it already ran).
set -uo pipefail
cd "$(dirname "$0")/.."

ALL_LAYERS=(lint typecheck unit grammar peer integration e2e leaks)
if (($#)); then LAYERS=("$@"); else LAYERS=("${ALL_LAYERS[@]}"); fi

PASSED=0
FAILED=0
FAILED_LAYERS=()
LOGDIR=test-results/logs
mkdir -p "$LOGDIR"

banner() { printf '\n=== %s ===\n' "$*"; }
count() { # layer passed failed
  local p=$2 f=$3
  # A layer that ran no test at all (a broken build or glob) is a failure, not a quiet pass.
  if ((p == 0 && f == 0)); then echo "$1: no test ran"; f=1; fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  if ((f > 0)); then FAILED_LAYERS+=("$1"); fi
  printf -- '--- %s: %s passed, %s failed\n' "$1" "$p" "$f"
}
# A check that is one test: passes when the command exits 0.
check() { # layer cmd...
  local layer=$1; shift
  if "$@" >"$LOGDIR/$layer.log" 2>&1; then count "$layer" 1 0; else cat "$LOGDIR/$layer.log"; count "$layer" 0 1; fi
}
# A mocha run: counts from its "N passing / N failing" lines; a crash with no count fails once.
mocha_layer() { # layer mocha-args...
  local layer=$1; shift
  npx mocha "$@" 2>&1 | tee "$LOGDIR/$layer.log"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -Eo '^ +[0-9]+ passing' "$LOGDIR/$layer.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '^ +[0-9]+ failing' "$LOGDIR/$layer.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  if ((rc != 0 && f == 0)); then f=1; fi
  count "$layer" "${p:-0}" "${f:-0}"
}
has_files() { compgen -G "$1" >/dev/null; }

if [ -z "${VLAB_SKIP_SETUP:-}" ]; then
  banner setup
  if ! bash scripts/setup.sh; then echo "setup failed"; echo "0 passed, 1 failed"; exit 1; fi
fi

for layer in "${LAYERS[@]}"; do
  case $layer in
    lint) banner lint; check lint npx eslint . ;;
    # One check, two programs: the extension/CLI/core/tests (no DOM) and the webviews (DOM, no Node).
    typecheck) banner "type check"; check typecheck npm run --silent typecheck ;;
    unit) banner unit; mocha_layer unit --config .mocharc.json ;;
    grammar)
      banner grammar
      if has_files 'test/grammar/*/*.test.*'; then
        bash scripts/grammar-test.sh 2>&1 | tee "$LOGDIR/grammar.log"
        rc=${PIPESTATUS[0]}
        p=$(grep -Eo '^GRAMMAR passed=[0-9]+' "$LOGDIR/grammar.log" | grep -Eo '[0-9]+$' || echo 0)
        f=$(grep -Eo 'failed=[0-9]+' "$LOGDIR/grammar.log" | tail -1 | grep -Eo '[0-9]+$' || echo 0)
        if ((rc != 0 && f == 0)); then f=1; fi
        count grammar "$p" "$f"
      else
        echo "no grammar tests yet"
      fi ;;
    peer)
      banner "peer (against the lab: vcsim, ESXi simulator, OpenSSH, openssl)"
      if has_files 'test/peer/*/*.test.ts' || has_files 'test/peer/*.test.ts'; then
        if [ -f scripts/lab-build.sh ] && ! bash scripts/lab-build.sh >"$LOGDIR/lab-build.log" 2>&1; then
          cat "$LOGDIR/lab-build.log"; count lab-build 0 1
        fi
        mocha_layer peer --config .mocharc.peer.json
      else
        echo "no peer tests yet"
      fi ;;
    integration)
      banner "integration (mocha inside VS Code $(node -p 'require("./.vscode-test/code-server/node_modules/code-server/lib/vscode/package.json").version' 2>/dev/null) via code-server)"
      if node esbuild.mjs --tests >"$LOGDIR/build.log" 2>&1; then
        npx tsx test/integration/runner.ts 2>&1 | tee "$LOGDIR/integration.log"
        rc=${PIPESTATUS[0]}
        p=$(grep -Eo 'INTEGRATION passed=[0-9]+' "$LOGDIR/integration.log" | grep -Eo '[0-9]+$' || echo 0)
        f=$(grep -Eo 'INTEGRATION passed=[0-9]+ failed=[0-9]+' "$LOGDIR/integration.log" | grep -Eo '[0-9]+$' || echo 0)
        if ((rc != 0 && f == 0)); then f=1; fi
        count integration "${p:-0}" "${f:-0}"
      else
        cat "$LOGDIR/build.log"; count integration 0 1
      fi ;;
    e2e)
      banner "e2e (packaged .vsix in code-server, driven by Chromium)"
      if bash scripts/package.sh 2>&1 | tee "$LOGDIR/package.log"; then
        mocha_layer e2e --config .mocharc.e2e.json
      else
        count e2e 0 1
      fi ;;
    leaks)
      banner "leaks (no lab or VS Code process left behind)"
      # Anything started from this checkout (cwd or command line inside it), not only our children:
      # an extension host reparented to init counts. Another clone's processes are not ours.
      left=$(bash scripts/leaks.sh "$PWD" || true)
      if [ -n "$left" ]; then echo "left running:"; echo "$left"; count leaks 0 1; else count leaks 1 0; fi ;;
    *) echo "unknown layer '$layer' (layers: ${ALL_LAYERS[*]})"; FAILED=$((FAILED + 1)) ;;
  esac
done

banner summary
if ((${#FAILED_LAYERS[@]})); then echo "failed layers: ${FAILED_LAYERS[*]}"; fi
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
