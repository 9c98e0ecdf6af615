#!/usr/bin/env bash
# Lists processes started from this checkout that are still running: any process (not this script,
# not one of its ancestors) whose working directory is inside the checkout or whose command line
# names it — a lab peer (vcsim, sshd), code-server, an extension host reparented to init, Chromium.
# Prints "PID COMMAND" lines; exit 1 when there is any. Usage: bash scripts/leaks.sh [ROOT]
set -uo pipefail
root=$(cd "${1:-$(dirname "$0")/..}" && pwd -P)

# This script and its ancestors (the npm test / shell that runs it) are not leaks.
declare -A mine=()
p=$$
while [ -n "$p" ] && [ "$p" -gt 1 ] 2>/dev/null; do
  mine[$p]=1
  p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null || true)
done

found=0
for dir in /proc/[0-9]*; do
  pid=${dir#/proc/}
  [ -n "${mine[$pid]:-}" ] && continue
  cwd=$(readlink "$dir/cwd" 2>/dev/null) || continue
  cmd=$(tr '\0' ' ' <"$dir/cmdline" 2>/dev/null) || continue
  [ -z "$cmd" ] && continue
  comm=$(cat "$dir/comm" 2>/dev/null)
  # Only programs the tests, the demo and the lab start (a developer's shell or editor is not a leak).
  case "$comm" in node|MainThread|vcsim|sshd|chromium|chrome|headless_shell|code-server|esbuild|openssl|tsx) ;; *) continue ;; esac
  if [[ "$cwd" == "$root" || "$cwd" == "$root/"* || "$cmd" == *"$root/"* ]]; then
    echo "$pid $comm (cwd $cwd) $cmd" | cut -c1-300
    found=1
  fi
done
exit $found
