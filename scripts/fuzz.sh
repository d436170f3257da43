#!/usr/bin/env bash
# Runs every Go fuzz target of the module for FUZZTIME each (default 5s): `make test` runs them
# briefly, `make fuzz FUZZTIME=5m` longer. Targets are found with `go test -list`, so a new
# Fuzz function is picked up without editing this script. Seed corpora live in testdata/fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-5s}"
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "fuzz: $target ($pkg) for $fuzztime"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" 2>&1 | tail -n 3
  done
done
