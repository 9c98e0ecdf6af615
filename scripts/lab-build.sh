#!/usr/bin/env bash
# Builds the lab's vcsim (test/lab/vcsim/*.go) over Debian's govmomi source,
# in GOPATH mode and offline. Rebuilds only when a .go file there (or the Go toolchain)
# changed: a stamp next to the binary holds the hash of the inputs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/test/lab/vcsim"
bin="$root/test/lab/bin"
out="$bin/vcsim"
stamp="$bin/vcsim.stamp"
govmomi=/usr/share/gocode/src/github.com/vmware/govmomi

if ! command -v go >/dev/null 2>&1; then
  echo "lab-build: 'go' not found. Install Debian's golang-go (apt-get install -y golang-go) or run scripts/setup.sh." >&2
  exit 1
fi
if [ ! -f "$govmomi/simulator/simulator.go" ]; then
  echo "lab-build: govmomi source not found at $govmomi. Install golang-github-vmware-govmomi-dev (apt-get install -y golang-github-vmware-govmomi-dev)." >&2
  exit 1
fi

mkdir -p "$bin" "$root/test/lab/gopath"
hash="$( { sha256sum "$src"/*.go "$0"; go version; cat "$govmomi/go.mod"; } | sha256sum | cut -d' ' -f1)"

# One build at a time (tests and the demo may ask together).
exec 9>"$bin/.build.lock"
flock 9

if [ -x "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  [ "${1:-}" = "-q" ] || echo "lab-build: $out is up to date"
  exit 0
fi

echo "lab-build: building $out (go $(go env GOVERSION), govmomi from $govmomi)…" >&2
start=$(date +%s)
(
  cd "$src"
  GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0 \
  GOPATH="$root/test/lab/gopath:/usr/share/gocode" \
    go build -o "$out.tmp" .
)
mv -f "$out.tmp" "$out"
echo "$hash" > "$stamp"
echo "lab-build: built $out in $(( $(date +%s) - start ))s" >&2
