#!/usr/bin/env bash
# `make bench`: one bounded run (about 5 minutes; under 10 on two cores, plus a minute or two the
# first time to load the data), on loopback only, that measures the API against the database's
# own speed and against a bare Go server, and prints a table of ratios with the targets of the
# performance budget, PASS or MISS. The table is written to bench/results.md (raw outputs under
# bench/raw/).
#
# What it does:
#   1. finds or starts PostgreSQL (scripts/db.sh, as `make test` does) and uses its own database,
#      digitalcities_bench: migrated, the sample data, a million synthetic observations
#      (`digitalcities seed --synthetic 1000000`, skipped when they are already there), which it
#      then spreads over the five study editions so that the edition filter has pages to read;
#   2. builds bin/digitalcities and bin/bench-floor (scripts/bench/floor: the same SQL behind
#      bare net/http + database/sql + lib/pq, the "floor");
#   3. serves the API with every middleware on and rate limits set high, and the floor, on
#      loopback ports;
#   4. measures, for one city, a 304 and observation pages (unfiltered, by city, by indicator, by
#      edition, by year range; page 1 and page 1,000): the API and the floor with
#      `wrk -t2 -c64 --latency`, the same SQL with `pgbench -M prepared`; then the exports
#      (CSV, NDJSON) against psql's \copy of the same SELECT, and a CSV import of 100,000 rows
#      against \copy FROM of the same rows into observations (and into a bare table), with the
#      API's peak RSS (VmHWM) after each phase (the API is restarted between phases so that each
#      peak is its own).
#
# Tunables (environment): BENCH_SECONDS (each wrk run, default 5), BENCH_PGBENCH_SECONDS (each
# pgbench run, default 4), BENCH_CONNECTIONS (wrk connections, default 64), BENCH_DB (default
# digitalcities_bench), BENCH_API_PORT (18180), BENCH_FLOOR_PORT (18181), BENCH_OUT (bench).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

if [ -z "${GOTOOLCHAIN:-}" ]; then
  GOTOOLCHAIN="$(sed -n 's/^export GOTOOLCHAIN *:= *//p' Makefile)"
  export GOTOOLCHAIN
fi

secs="${BENCH_SECONDS:-5}"
pgsecs="${BENCH_PGBENCH_SECONDS:-4}"
conns="${BENCH_CONNECTIONS:-64}"
dbname="${BENCH_DB:-digitalcities_bench}"
api_port="${BENCH_API_PORT:-18180}"
floor_port="${BENCH_FLOOR_PORT:-18181}"
out="${BENCH_OUT:-bench}"
rows=1000000      # synthetic observations
import_rows=100000
pool=12           # DB_MAX_CONNS of both servers (the API's default)

say() { echo "bench.sh: $*" >&2; }
die() { say "$*"; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
started="$(now)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# --- tools -----------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null 2>&1 || missing+=("wrk (Debian/Ubuntu: sudo apt-get install -y wrk; macOS: brew install wrk)")
command -v pgbench >/dev/null 2>&1 || missing+=("pgbench (Debian/Ubuntu: sudo apt-get install -y postgresql postgresql-contrib; Fedora: sudo dnf install postgresql-contrib; macOS: brew install postgresql@16)")
command -v psql >/dev/null 2>&1 || missing+=("psql (Debian/Ubuntu: sudo apt-get install -y postgresql-client)")
command -v curl >/dev/null 2>&1 || missing+=("curl (Debian/Ubuntu: sudo apt-get install -y curl)")
if [ ${#missing[@]} -gt 0 ]; then
  say "missing tools; install them and run make bench again:"
  for m in "${missing[@]}"; do echo "  $m" >&2; done
  exit 1
fi
for p in "$api_port" "$floor_port"; do
  port_open "$p" && die "port $p is already in use on 127.0.0.1 (set BENCH_API_PORT / BENCH_FLOOR_PORT)"
done

raw="$out/raw"
rm -rf "$raw"
mkdir -p "$raw"
tmp="$(mktemp -d)"

# --- processes, stopped whatever happens --------------------------------------------------------
api_pid="" floor_pid=""
cleanup() {
  for p in $api_pid $floor_pid; do kill "$p" 2>/dev/null || true; done
  for p in $api_pid $floor_pid; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- database --------------------------------------------------------------------------------
url="$(scripts/db.sh "$dbname")"
# pgbench and psql plan the store's SQL with the session settings the API uses
# (internal/postgres.Open), so that both run the same plans.
export PGOPTIONS="-c random_page_cost=1.1"
q() { psql "$url" -X -qAt -v ON_ERROR_STOP=1 -c "$1"; }

say "building bin/digitalcities and bin/bench-floor"
go build -o bin/digitalcities ./cmd/digitalcities
go build -o bin/bench-floor ./scripts/bench/floor

say "database $dbname: migrations and sample data"
DATABASE_URL="$url" bin/digitalcities seed >/dev/null
# Rows a previous run's import left behind, should it have been stopped half-way.
q "DELETE FROM observations WHERE provenance = 'synthetic' AND year >= 2100" >/dev/null
have="$(q "SELECT count(*) FROM observations WHERE provenance = 'synthetic'")"
if [ "$have" != "$rows" ]; then
  say "loading $rows synthetic observations (once; later runs reuse them)"
  DATABASE_URL="$url" bin/digitalcities seed --synthetic "$rows" >&2
fi
# The synthetic rows have no edition: spread them over the five study editions by year (ten
# years each), so that `edition=` selects 200,000 of them and has a page 1,000, as real data
# would. Done once; then the table is rewritten so that the update leaves no dead rows behind.
if [ "$(q "SELECT count(*) FROM observations WHERE provenance = 'synthetic' AND edition IS NULL")" != 0 ]; then
  say "spreading the synthetic observations over the study editions (once)"
  q "UPDATE observations SET edition = (ARRAY[2012, 2017, 2019, 2021, 2023])[1 + year % 5]
     WHERE provenance = 'synthetic' AND edition IS NULL" >/dev/null
  q "VACUUM FULL observations" >/dev/null
fi
q "VACUUM (ANALYZE) observations" >/dev/null

# The measured filter values, taken from the data.
city="$(q "SELECT slug FROM cities WHERE provenance = 'synthetic' ORDER BY slug OFFSET 421 LIMIT 1")"
indicator="$(q "SELECT slug FROM indicators WHERE provenance = 'synthetic' ORDER BY slug OFFSET 7 LIMIT 1")"
edition="$(q "SELECT edition FROM observations WHERE provenance = 'synthetic' AND edition = 2019 LIMIT 1")"
[ -n "$edition" ] || edition="$(q "SELECT edition FROM observations WHERE edition IS NOT NULL LIMIT 1")"
read -r from to < <(q "SELECT min(year) + 10, min(year) + 19 FROM observations WHERE provenance = 'synthetic'" | tr '|' ' ')
[ -n "$city" ] && [ -n "$indicator" ] && [ -n "$edition" ] && [ -n "$from" ] || die "could not pick the filter values from $dbname"
say "measuring city=$city indicator=$indicator edition=$edition years $from-$to"

# --- servers ---------------------------------------------------------------------------------
api="http://127.0.0.1:$api_port"
floor="http://127.0.0.1:$floor_port"
wait_port() { # PORT PID NAME
  for _ in $(seq 100); do
    port_open "$1" && return 0
    kill -0 "$2" 2>/dev/null || die "$3 stopped at start-up (see $raw/$3.log)"
    sleep 0.1
  done
  die "$3 did not listen on port $1 within 10 s"
}
start_api() { # PHASE: a fresh process, so that its peak RSS is this phase's alone
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  # Every middleware stays on, the access log included at its default level; only the budgets
  # are raised, so that one load generator is not throttled as one client. The log keeps what
  # is not an ordinary request line (warnings, errors).
  DATABASE_URL="$url" PORT="$api_port" PUBLIC_BASE_URL="$api" DB_MAX_CONNS="$pool" \
    RATE_READS_PER_MINUTE=100000000 RATE_WRITES_PER_MINUTE=100000000 RATE_EXPORTS_PER_MINUTE=100000 \
    RATE_IMPORTS_PER_MINUTE=100000 MAX_CONCURRENT_PER_CLIENT=100000 \
    bin/digitalcities serve >/dev/null 2> >(grep -v '^{"time":"[^"]*","level":"INFO","msg":"request"' >"$raw/api-$1.log") &
  api_pid=$!
  wait_port "$api_port" "$api_pid" "api-$1"
}
hwm_mib() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

DATABASE_URL="$url" FLOOR_ADDR="127.0.0.1:$floor_port" DB_MAX_CONNS="$pool" bin/bench-floor 2>"$raw/floor.log" &
floor_pid=$!
wait_port "$floor_port" "$floor_pid" floor
start_api reads

# --- measuring -------------------------------------------------------------------------------
declare -A RPS P50 P99 ERRS TPS
to_ms() { awk -v v="$1" 'BEGIN {
  if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
  else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 } else print "" }'; }

# check URL: the request must answer 200 (or the given status) before it is loaded.
check() { # URL [STATUS] [HEADER]
  local want="${2:-200}" code
  code="$(curl -s -o "$tmp/check" -w '%{http_code}' ${3:+-H "$3"} "$1")"
  [ "$code" = "$want" ] || die "GET $1 answered $code, not $want: $(head -c 500 "$tmp/check")"
}
wrk_run() { # NAME URL [HEADER]
  local name="$1" file="$raw/$1.wrk"
  check "$2" "$([ -n "${3:-}" ] && echo 304 || echo 200)" "${3:-}"
  # A 10 s timeout (wrk's default is 2 s) so that slow answers count in the latencies rather
  # than vanish from them; every timeout or non-2xx/3xx answer is counted as an error.
  wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s --latency ${3:+-H "$3"} "$2" >"$file" 2>&1 || die "wrk failed, see $file"
  RPS[$name]="$(awk '/^Requests\/sec:/ { print $2 }' "$file")"
  P50[$name]="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$file")")"
  P99[$name]="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$file")")"
  ERRS[$name]="$(awk '/^ *Non-2xx or 3xx responses:/ { n += $NF } /^ *Socket errors:/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) n += $i } END { print n + 0 }' "$file")"
  say "$(printf '%-28s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms%s' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}" \
    "$([ "${ERRS[$name]}" = 0 ] || echo "  ${ERRS[$name]} errors")")"
}
pgbench_run() { # NAME SQL
  local name="$1" file="$raw/$1.pgbench"
  printf '%s\n' "$2" >"$raw/$1.sql"
  pgbench -n -f "$raw/$1.sql" -c 8 -j 2 -T "$pgsecs" -M prepared "$url" >"$file" 2>&1 || die "pgbench failed, see $file"
  TPS[$name]="$(awk '/^tps = / { print $3; exit }' "$file")"
  say "$(printf '%-28s %9.0f tps' "$name" "${TPS[$name]}")"
}
# The API's and the floor's answers should be the same document.
same() { # PATH
  curl -s "$api$1" >"$tmp/a"
  curl -s "$floor$1" >"$tmp/f"
  if ! cmp -s "$tmp/a" "$tmp/f"; then
    say "warning: the API and the floor answer $1 differently (see $raw/differs-*)"
    cp "$tmp/a" "$raw/differs-api.json"
    cp "$tmp/f" "$raw/differs-floor.json"
  fi
}

say "one city and a 304"
etag="$(curl -s -D - -o /dev/null "$api/v1/cities/$city" | awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }')"
[ -n "$etag" ] || die "GET /v1/cities/$city sent no ETag"
same "/v1/cities/$city"
pgbench_run city.pgbench "$(DATABASE_URL="$url" bin/bench-floor sql city "$city")"
wrk_run city.floor "$floor/v1/cities/$city"
wrk_run city.api "$api/v1/cities/$city"
wrk_run city304.api "$api/v1/cities/$city" "If-None-Match: $etag"

# Pages: page 1 and page 1,000 (or the filter's last page, when it has fewer) of each filter.
filters=(all "city=$city" "indicator=$indicator" "edition=$edition" "from=$from&to=$to")
labels=(unfiltered "by city" "by indicator" "by edition" "by year range")
declare -A DEEP
cursor_after() { printf '{"s":"id","v":"","id":"%s"}' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
for i in "${!filters[@]}"; do
  f="${filters[$i]}"
  [ "$f" = all ] && fq="" || fq="$f"
  say "pages ${labels[$i]}"
  sel="$(DATABASE_URL="$url" bin/bench-floor sql export "$fq")"
  n="$(q "SELECT count(*) FROM ($sel) s")"
  pages=$(( (n + 49) / 50 ))
  deep=$(( pages < 1000 ? pages : 1000 ))
  DEEP[$i]="$deep"
  for page in 1 $([ "$deep" -gt 1 ] && echo "$deep"); do
    qs="limit=50${fq:+&$fq}"
    if [ "$page" -gt 1 ]; then
      after="$(q "SELECT id FROM ($sel) s ORDER BY id OFFSET $(( (page - 1) * 50 - 1 )) LIMIT 1")"
      qs="$qs&cursor=$(cursor_after "$after")"
    fi
    [ "$page" = 1 ] && same "/v1/observations?$qs"
    pgbench_run "page$i.$page.pgbench" "$(DATABASE_URL="$url" bin/bench-floor sql page "$qs")"
    wrk_run "page$i.$page.floor" "$floor/v1/observations?$qs"
    wrk_run "page$i.$page.api" "$api/v1/observations?$qs"
  done
done
rss_reads="$(hwm_mib "$api_pid")"

say "exports of the $rows synthetic rows"
start_api exports
export_qs="provenance=synthetic"
export_rows="$(q "SELECT count(*) FROM observations WHERE provenance = 'synthetic'")"
declare -A XTIME XFIRST
export_run() { # NAME URL
  local code first total
  read -r code first total < <(curl -s -o /dev/null -w '%{http_code} %{time_starttransfer} %{time_total}\n' "$2")
  [ "$code" = 200 ] || die "GET $2 answered $code"
  XTIME[$1]="$total" XFIRST[$1]="$first"
  say "$(printf '%-28s %9.0f rows/s  first byte %6.1f ms  %6.2f s' "$1" "$(awk -v n="$export_rows" -v t="$total" 'BEGIN { print n / t }')" \
    "$(awk -v t="$first" 'BEGIN { print t * 1000 }')" "$total")"
}
copy_sql="$(DATABASE_URL="$url" bin/bench-floor sql export "$export_qs")"
t0="$(now)"; psql "$url" -X -q -v ON_ERROR_STOP=1 -c "\\copy ($copy_sql) TO '/dev/null' CSV HEADER"; t1="$(now)"
XTIME[copy]="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
say "$(printf '%-28s %9.0f rows/s' "psql \\copy TO" "$(awk -v n="$export_rows" -v t="${XTIME[copy]}" 'BEGIN { print n / t }')")"
export_run export.floor "$floor/v1/observations/export?format=csv&$export_qs"
export_run export.csv "$api/v1/observations/export?format=csv&$export_qs"
rss_csv="$(hwm_mib "$api_pid")"
export_run export.ndjson "$api/v1/observations/export?format=ndjson&$export_qs"
rss_exports="$(hwm_mib "$api_pid")"

say "import of $import_rows rows"
start_api import
token="$(DATABASE_URL="$url" bin/digitalcities token create --role secretariat --name "bench $(date -u +%FT%TZ)" | tail -1)"
# New keys (years from 2100, after the synthetic data's), so that every row is created.
awk -v n="$import_rows" 'BEGIN {
  print "city,indicator,year,value,status,quality,provenance"
  for (i = 0; i < n; i++)
    printf "synthetic-city-%04d,synthetic-indicator-%02d,%d,%s,A,D,synthetic\n", int(i / 20) % 1000, i % 20, 2100 + int(i / 20000), (i % 10000) / 100
}' >"$tmp/import.csv"
read -r code itime < <(curl -s -o "$raw/import.json" -w '%{http_code} %{time_total}\n' -X POST \
  -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' --data-binary "@$tmp/import.csv" "$api/v1/observations/import")
rss_import="$(hwm_mib "$api_pid")"
q "DELETE FROM observations WHERE provenance = 'synthetic' AND year >= 2100" >/dev/null
[ "$code" = 200 ] && grep -q "\"created\":$import_rows" "$raw/import.json" \
  || die "the import answered $code: $(head -c 500 "$raw/import.json")"
q "SET client_min_messages = warning; DROP TABLE IF EXISTS bench_copy_scratch; CREATE TABLE bench_copy_scratch (city text, indicator text, year integer,
   value double precision, status text, quality text, provenance text)" >/dev/null
t0="$(now)"; psql "$url" -X -q -v ON_ERROR_STOP=1 -c "\\copy bench_copy_scratch FROM '$tmp/import.csv' CSV HEADER"; t1="$(now)"
ctime="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
q "DROP TABLE bench_copy_scratch" >/dev/null
# The same rows into observations itself, as PostgreSQL alone loads them: its ten indexes, its
# key, checks and foreign keys, all of which the import pays too (but not its audit rows).
t0="$(now)"; psql "$url" -X -q -v ON_ERROR_STOP=1 -c "\\copy observations (city, indicator, year, value_number, status, quality, provenance) FROM '$tmp/import.csv' CSV HEADER"; t1="$(now)"
otime="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
q "DELETE FROM observations WHERE provenance = 'synthetic' AND year >= 2100" >/dev/null
q "VACUUM observations" >/dev/null
say "$(printf '%-28s %9.0f rows/s (\\copy FROM: %.0f rows/s into observations, %.0f into a bare table)' import.api \
  "$(awk -v n="$import_rows" -v t="$itime" 'BEGIN { print n / t }')" \
  "$(awk -v n="$import_rows" -v t="$otime" 'BEGIN { print n / t }')" "$(awk -v n="$import_rows" -v t="$ctime" 'BEGIN { print n / t }')")"

# --- the table -------------------------------------------------------------------------------
# judge VALUE OP LIMIT [ERRORS]: PASS or MISS; a run with errors (timeouts, non-2xx/3xx answers)
# is a MISS whatever its figures.
judge() { awk -v v="$1" -v op="$2" -v l="$3" -v e="${4:-0}" 'BEGIN {
  if (e + 0 > 0) { printf "MISS (%d errors)\n", e; exit }
  if (v == "") { print "MISS (not measured)"; exit }
  ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 <= l + 0); print ok ? "PASS" : "MISS" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print ""; else printf "%.2f", a / b }'; }
f0() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
f1() { awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }
f2() { awk -v v="$1" 'BEGIN { printf "%.2f", v }'; }
ms() { awk -v v="$1" 'BEGIN { printf "%.1f", v * 1000 }'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
errs() { local e=0 n; for n in "$@"; do e=$((e + ${ERRS[$n]:-0})); done; echo "$e"; }

elapsed="$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')"
{
  echo "# make bench — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (modified)'),"\
    "$(nproc) CPUs, load average $load_before before the run,"\
    "$(q 'SHOW server_version' | cut -d' ' -f1) PostgreSQL, $rows synthetic observations;"\
    "wrk -t2 -c$conns -d${secs}s, pgbench -c 8 -j 2 -T $pgsecs -M prepared; pool $pool for the API and the floor;"\
    "run took ${elapsed} s."
  echo "Filters: city=$city, indicator=$indicator, edition=$edition, from=$from&to=$to; pages of 50."
  echo
  echo "## Reads"
  echo
  echo "| operation | API req/s | p50 ms | p99 ms | floor req/s | floor p99 ms | pgbench tps | API/floor | API/pgbench | targets |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|"
  e="$(errs city.api)"
  r="$(ratio "${RPS[city.api]}" "${RPS[city.floor]}")"
  echo "| one city | $(f0 "${RPS[city.api]}") | $(f2 "${P50[city.api]}") | $(f2 "${P99[city.api]}") | $(f0 "${RPS[city.floor]}") | $(f2 "${P99[city.floor]}") | $(f0 "${TPS[city.pgbench]}") | $r | $(ratio "${RPS[city.api]}" "${TPS[city.pgbench]}") |"\
    "≥ 0.9 × floor: $(judge "$r" ">=" 0.9 "$e"); p99 ≤ 10 ms: $(judge "${P99[city.api]}" "<=" 10 "$e") |"
  r="$(ratio "${RPS[city304.api]}" "${RPS[city.api]}")"
  echo "| one city, 304 | $(f0 "${RPS[city304.api]}") | $(f2 "${P50[city304.api]}") | $(f2 "${P99[city304.api]}") | | | | | |"\
    "≥ 1.2 × its 200 ($r ×): $(judge "$r" ">=" 1.2 "$(errs city304.api)") |"
  for i in "${!filters[@]}"; do
    for page in 1 $([ "${DEEP[$i]}" -gt 1 ] && echo "${DEEP[$i]}"); do
      a="page$i.$page.api" fl="page$i.$page.floor" e="$(errs "page$i.$page.api")"
      r="$(ratio "${RPS[$a]}" "${RPS[$fl]}")"
      t="≥ 0.85 × floor: $(judge "$r" ">=" 0.85 "$e"); p99 ≤ 30 ms: $(judge "${P99[$a]}" "<=" 30 "$e")"
      if [ "$page" != 1 ]; then
        d="$(ratio "${RPS[page$i.1.api]}" "${RPS[$a]}")"
        t="$t; within 1.5 × page 1 ($d ×): $(judge "$d" "<=" 1.5 "$e")"
      fi
      echo "| ${labels[$i]}, page $page | $(f0 "${RPS[$a]}") | $(f2 "${P50[$a]}") | $(f2 "${P99[$a]}") | $(f0 "${RPS[$fl]}") | $(f2 "${P99[$fl]}") | $(f0 "${TPS[page$i.$page.pgbench]}") | $r | $(ratio "${RPS[$a]}" "${TPS[page$i.$page.pgbench]}") | $t |"
    done
  done
  echo
  echo "Peak RSS of the API under the read load: $(f1 "$rss_reads") MiB — ≤ 128 MiB: $(judge "$rss_reads" "<=" 128)."
  echo
  echo "## Bulk"
  echo
  echo "| operation | rows/s | first byte ms | total s | vs COPY | peak RSS MiB | targets |"
  echo "|---|--:|--:|--:|--:|--:|---|"
  echo "| psql \\copy (SELECT …) TO, $export_rows rows | $(rate "$export_rows" "${XTIME[copy]}") | | $(f2 "${XTIME[copy]}") | 1.00 | | |"
  echo "| floor CSV export | $(rate "$export_rows" "${XTIME[export.floor]}") | $(ms "${XFIRST[export.floor]}") | $(f2 "${XTIME[export.floor]}") | $(ratio "${XTIME[copy]}" "${XTIME[export.floor]}") | | |"
  r="$(ratio "${XTIME[copy]}" "${XTIME[export.csv]}")"
  echo "| API CSV export | $(rate "$export_rows" "${XTIME[export.csv]}") | $(ms "${XFIRST[export.csv]}") | $(f2 "${XTIME[export.csv]}") | $r | $(f1 "$rss_csv") |"\
    "≥ 0.9 × COPY: $(judge "$r" ">=" 0.9); first byte ≤ 100 ms: $(judge "$(ms "${XFIRST[export.csv]}")" "<=" 100); RSS ≤ 64 MiB: $(judge "$rss_csv" "<=" 64) |"
  r="$(ratio "${XTIME[copy]}" "${XTIME[export.ndjson]}")"
  echo "| API NDJSON export | $(rate "$export_rows" "${XTIME[export.ndjson]}") | $(ms "${XFIRST[export.ndjson]}") | $(f2 "${XTIME[export.ndjson]}") | $r | $(f1 "$rss_exports") |"\
    "≥ 0.5 × COPY: $(judge "$r" ">=" 0.5); first byte ≤ 100 ms: $(judge "$(ms "${XFIRST[export.ndjson]}")" "<=" 100); RSS ≤ 64 MiB: $(judge "$rss_exports" "<=" 64) |"
  echo "| psql \\copy observations FROM, $import_rows rows (the same table: indexes, keys, checks) | $(rate "$import_rows" "$otime") | | $(f2 "$otime") | 1.00 | | |"
  echo "| psql \\copy … FROM, $import_rows rows (a bare scratch table) | $(rate "$import_rows" "$ctime") | | $(f2 "$ctime") | $(ratio "$otime" "$ctime") | | |"
  r="$(ratio "$otime" "$itime")"
  echo "| API CSV import, $import_rows rows | $(rate "$import_rows" "$itime") | | $(f2 "$itime") | $r (bare table: $(ratio "$ctime" "$itime")) | $(f1 "$rss_import") | ≥ 0.3 × COPY FROM into observations: $(judge "$r" ">=" 0.3) |"
  echo
  echo "Ratios of rates: API/floor and API/pgbench compare requests per second; \"vs COPY\" compares rows per"\
    "second. The API's peak RSS (VmHWM) is read after each phase from a process started for it; the"\
    "NDJSON row's is after both exports. Raw outputs: $raw/."
} >"$out/results.md"
echo
cat "$out/results.md"
say "written to $out/results.md in ${elapsed} s"
