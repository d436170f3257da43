#!/usr/bin/env bash
# Static checks of the code and of the contract; `make lint` runs it and `make test` runs it first.
# It fails on any finding. Every check runs offline once its tool is installed, and the script
# installs what it lacks (pinned versions, idempotently):
#   vet          go vet ./...
#   gosec        github.com/securego/gosec over ./... (suppressions: `#nosec Gxxx -- reason`)
#   govulncheck  golang.org/x/vuln over ./..., against a local database built by scripts/vulndb.sh
#   spectral     Spectral on openapi/openapi.yaml with .spectral.yaml (spectral:oas + OWASP)
#   redocly      Redocly CLI's recommended rules on openapi/openapi.yaml (redocly.yaml), warnings too
#   client       the TypeScript client (clients/typescript): its types are what openapi-typescript
#                generates from openapi/openapi.yaml with redocly.yaml, and tsc type-checks it
#                and its example (which the Go tests run against a real server)
#
# Usage: scripts/lint.sh [CHECK...]   (default: all six, in that order; all run even if one fails)
#
# Go tools are installed as $(go env GOPATH)/bin/NAME@VERSION, so a pin change installs the new
# version and a developer's own copy of the tool is left alone. npm packages go to node_modules/,
# reinstalled with `npm ci` when package-lock.json changes.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned versions. To bump one, change it here and run `make lint`.
GOSEC_VERSION=v2.30.0
GOVULNCHECK_VERSION=v1.9.0

# The toolchain: the one the Makefile pins, also when this script is run on its own, so that
# govulncheck judges the standard library that the project is really built with.
if [ -z "${GOTOOLCHAIN:-}" ]; then
  GOTOOLCHAIN="$(sed -n 's/^export GOTOOLCHAIN *:= *//p' Makefile)"
  export GOTOOLCHAIN
fi
# The npm package that Spectral depends on (@scarf/scarf) reports installs unless told not to;
# install scripts are skipped anyway (npm ci --ignore-scripts). Redocly CLI sends usage data and
# looks for updates unless told not to: the checks run offline.
export SCARF_ANALYTICS=false REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

say() { echo "lint.sh: $*" >&2; }
now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

gopath="$(go env GOPATH)"
gobin="${gopath%%:*}/bin"  # the first entry, should GOPATH list several

# go_tool NAME PACKAGE VERSION: prints the path of the pinned binary, installing it if missing.
go_tool() {
  local name="$1" pkg="$2" version="$3"
  local bin="$gobin/$name@$version"
  if [ ! -x "$bin" ]; then
    say "installing $pkg@$version"
    local tmp
    mkdir -p "$gobin" && tmp="$(mktemp -d "$gobin/.install.XXXXXX")" || return
    # Outside the project's module, so that its go.mod plays no part in the tool's build.
    if ! (cd "$tmp" && GOFLAGS= GOBIN="$tmp" go install "$pkg@$version") >&2; then
      rm -rf "$tmp"
      return 1
    fi
    mv -f "$tmp/$name" "$bin" || return
    rm -rf "$tmp"
  fi
  echo "$bin"
}

# The checks run inside `if`, where set -e does not apply: each step that can fail has `|| return`.

check_vet() {
  go vet ./...
}

check_gosec() {
  local gosec
  gosec="$(go_tool gosec github.com/securego/gosec/v2/cmd/gosec "$GOSEC_VERSION")" || return
  local color=false
  [ -t 1 ] && color=true
  # -exclude-generated: code marked "Code generated ... DO NOT EDIT." is not ours to fix.
  "$gosec" -quiet -fmt text -color="$color" -exclude-generated ./...
}

check_govulncheck() {
  local govulncheck db
  govulncheck="$(go_tool govulncheck golang.org/x/vuln/cmd/govulncheck "$GOVULNCHECK_VERSION")" || return
  db="$(scripts/vulndb.sh)" || return
  # The database is as old as its pin: say how old, so that a stale pin shows.
  say "vulnerability database $(basename "$db"), $(cat "$db/index/db.json")"
  # Exit status 3 means the code calls a vulnerable function (of a dependency or of the
  # standard library of $GOTOOLCHAIN).
  "$govulncheck" -db "file://$db" ./...
}

# npm_packages installs the npm packages of package-lock.json (the linters and the TypeScript
# client's workspace) when they are missing or the lock file changed since.
npm_packages() {
  local stamp=node_modules/.digitalcities-package-lock.json
  if [ ! -x node_modules/.bin/spectral ] || ! cmp -s package-lock.json "$stamp"; then
    say "installing the npm packages of package-lock.json"
    npm ci --ignore-scripts --no-audit --no-fund >&2 || return
    cp package-lock.json "$stamp" || return
  fi
}

check_spectral() {
  npm_packages || return
  # --fail-severity hint: warnings count as findings too.
  node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity hint openapi/openapi.yaml
}

check_redocly() {
  npm_packages || return
  local report
  # redocly lint fails on errors only; its warnings count as findings too, read from its report.
  report="$(node_modules/.bin/redocly lint --config redocly.yaml --format stylish openapi/openapi.yaml)" || {
    echo "$report"
    return 1
  }
  echo "$report"
  if grep -qE '^ +[0-9]+:[0-9]+ +warning ' <<<"$report"; then
    say "redocly: warnings (fix them, or turn the rule off in redocly.yaml with the reason)"
    return 1
  fi
}

check_client() {
  npm_packages || return
  # The committed types must be what the generator makes of the committed contract (with
  # redocly.yaml, whose errors it refuses); `make openapi` regenerates both.
  if ! npm run --silent --workspace clients/typescript generate -- --check; then
    say "clients/typescript/src/schema.ts is not generated from openapi/openapi.yaml: run make openapi"
    return 1
  fi
  node_modules/.bin/tsc -p clients/typescript --noEmit
}

checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(vet gosec govulncheck spectral redocly client)
failed=()
summary=()
for c in "${checks[@]}"; do
  if ! declare -F "check_$c" >/dev/null; then
    say "unknown check '$c' (known: vet gosec govulncheck spectral redocly client)"
    exit 2
  fi
  echo "── $c" >&2
  start="$(now)"
  if "check_$c"; then
    summary+=("$c: ok ($(since "$start"))")
  else
    failed+=("$c")
    summary+=("$c: FAILED ($(since "$start"))")
  fi
done
printf 'lint.sh: %s\n' "${summary[@]}" >&2
if [ ${#failed[@]} -gt 0 ]; then
  say "findings in: ${failed[*]}"
  exit 1
fi
