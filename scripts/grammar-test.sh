#!/usr/bin/env bash
# TextMate grammar tests (vscode-tmgrammar-test: real vscode-textmate + oniguruma).
# Prints the tool's output and "GRAMMAR passed=N failed=N" (test files); exits non-zero on failure.
cd "$(dirname "$0")/.."
out=$(npx vscode-tmgrammar-test -c -g syntaxes/vmx.tmLanguage.json -g syntaxes/vdr-log.tmLanguage.json \
  -g syntaxes/vmware-log.tmLanguage.json 'test/grammar/**/*.test.*' 2>&1)
rc=$?
printf '%s\n' "$out"
failed=$(grep -Eo '^ERROR [^:]+' <<<"$out" | sort -u | wc -l)
passed=$(grep -c '^✓' <<<"$out")
if ((rc != 0 && failed == 0)); then failed=1; fi
echo "GRAMMAR passed=$passed failed=$failed"
exit $rc
