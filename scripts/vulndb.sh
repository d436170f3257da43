#!/usr/bin/env bash
# Builds a local copy of the Go vulnerability database, so that govulncheck runs offline
# (`govulncheck -db file://DIR`), and prints DIR.
#
# The source is the golang.org/x/vulndb Go module at a pinned version, fetched like any other
# module: its data/osv/ holds one OSV JSON file per report, and its cmd/indexdb turns such a
# folder into the v1 database layout that govulncheck reads (index/db.json, index/modules.json,
# index/vulns.json and ID/GO-YYYY-NNNN.json, each with a .gz twin).
#
# The database is built only when it is missing: each pinned version has its own folder, so a
# new pin builds a new one. It lives outside the repository (default: $(go env GOPATH)/pkg/vulndb)
# so that a fresh clone on the same machine reuses it.
#
# Environment:
#   VULNDB_VERSION  the golang.org/x/vulndb version to build (default: the pin below); the word
#                   `latest` asks the module proxy for the newest one
#   VULNDB_CACHE    the folder that holds one database per version
#
# To move the pin: `VULNDB_VERSION=latest scripts/vulndb.sh` prints the folder of the newest
# database, whose name is the version to write below.
set -euo pipefail

# Pinned: golang.org/x/vulndb at its commit of 2026-11-05.
pinned=v0.0.0-20261105234957-e22db6528018

version="${VULNDB_VERSION:-$pinned}"
module=golang.org/x/vulndb
say() { echo "vulndb.sh: $*" >&2; }

# Run the go command outside any module, so that nothing here reads or touches the project's go.mod.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
gorun() { (cd "$scratch" && GOFLAGS= go "$@"); }

# json_field NAME: the first string value of "NAME" in the JSON on stdin (the go command's -json
# output, or a module's .info file), with no jq needed.
json_field() { grep -o "\"$1\": *\"[^\"]*\"" | head -1 | sed 's/^[^:]*: *"\(.*\)"$/\1/'; }

if [ "$version" = latest ]; then
  version="$(gorun list -m -json "$module@latest" | json_field Version)"
  [ -n "$version" ] || { say "could not resolve $module@latest"; exit 1; }
fi

gopath="$(go env GOPATH)"
cache="${VULNDB_CACHE:-${gopath%%:*}/pkg/vulndb}"
db="$cache/$version"
if [ -s "$db/index/db.json" ] && [ -s "$db/index/modules.json" ] && [ -d "$db/ID" ]; then
  echo "$db"
  exit 0
fi

say "building the vulnerability database from $module@$version into $db"
if ! meta="$(gorun mod download -json "$module@$version")"; then
  say "could not download $module@$version:"
  echo "$meta" >&2
  exit 1
fi
src="$(echo "$meta" | json_field Dir)"
info="$(echo "$meta" | json_field Info)"
if [ -z "$src" ] || [ ! -d "$src/data/osv" ]; then
  say "$module@$version has no data/osv folder"
  exit 1
fi

mkdir -p "$cache"
tmp="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$scratch" "$tmp"' EXIT
gorun run "$module/cmd/indexdb@$version" -vulns "$src/data/osv" -out "$tmp/db"

# The OSV files in the module carry no modification times (the upstream pipeline fills them in
# from git history), so index/db.json says 0001-01-01. Stamp it with the time of the pinned
# commit instead, so that govulncheck's "DB updated" line tells how old the data is.
when="$(json_field Time < "$info")"
if [ -n "$when" ]; then
  printf '{"modified":"%s"}' "$when" > "$tmp/db/index/db.json"
  gzip -9 -n -c "$tmp/db/index/db.json" > "$tmp/db/index/db.json.gz"
fi

# Publish in one rename, so that a concurrent run sees either no database or a whole one.
if ! mv -T "$tmp/db" "$db" 2>/dev/null; then
  [ -s "$db/index/db.json" ] || { say "could not move the database into $db"; exit 1; }
fi
say "$(find "$db/ID" -name '*.json' | wc -l) reports, modified $when"
echo "$db"
