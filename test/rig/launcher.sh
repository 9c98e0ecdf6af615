#!/usr/bin/env bash
# Executable wrapper so @vscode/test-electron can spawn the launcher like a VS Code binary.
exec node --import tsx "$(dirname "$(readlink -f "$0")")/launcher.ts" "$@"
