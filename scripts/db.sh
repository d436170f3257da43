#!/usr/bin/env bash
# Finds a PostgreSQL server for the project, starting a private one if needed, and prints the
# URL of database $1 on it (default: digitalcities). The program creates that database if it is
# missing. Order: $DATABASE_URL (with its database replaced by $1 when $1 is given) → a server on
# 127.0.0.1:5432 → a private cluster under .pgdata/ started from the installed PostgreSQL binaries
# → instructions on what to install.
set -euo pipefail
db="${1:-digitalcities}"
root="$(cd "$(dirname "$0")/.." && pwd)"
private_port=54329

say() { echo "db.sh: $*" >&2; }

# port_open HOST PORT: is something listening there?
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

if [ -n "${DATABASE_URL:-}" ]; then
  if [ -n "${1:-}" ]; then
    # swap the database name in the URL: scheme://auth@host:port/NAME?params
    echo "$DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/]*)/?[^?]*#\1/$db#"
  else
    echo "$DATABASE_URL"
  fi
  exit 0
fi

if port_open 127.0.0.1 5432; then
  echo "postgres://postgres@127.0.0.1:5432/$db?sslmode=disable"
  exit 0
fi

if port_open 127.0.0.1 "$private_port"; then
  echo "postgres://postgres@127.0.0.1:$private_port/$db?sslmode=disable"
  exit 0
fi

# Look for the server binaries: PATH first, then the usual Debian/Ubuntu, Homebrew and RPM places.
bindir=""
if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
  bindir="$(dirname "$(command -v pg_ctl)")"
else
  for d in $(ls -d /usr/lib/postgresql/*/bin /opt/homebrew/opt/postgresql*/bin /usr/local/opt/postgresql*/bin \
      /usr/pgsql-*/bin 2>/dev/null | sort -rV); do
    if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then bindir="$d"; break; fi
  done
fi
if [ -z "$bindir" ]; then
  cat >&2 <<'MSG'
db.sh: no PostgreSQL server is reachable on 127.0.0.1:5432 and no PostgreSQL binaries were found.
Install PostgreSQL 13 or newer, then run the command again:
  Debian/Ubuntu:  sudo apt-get install postgresql postgresql-contrib
  Fedora/RHEL:    sudo dnf install postgresql-server postgresql-contrib
  macOS:          brew install postgresql@16
or start one with Docker: docker compose up -d db
or point DATABASE_URL at an existing server.
MSG
  exit 1
fi

data="$root/.pgdata"
run_as=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: run the private cluster as the postgres user.
  if ! id postgres >/dev/null 2>&1; then
    say "running as root and there is no 'postgres' user to run the private cluster; set DATABASE_URL instead"
    exit 1
  fi
  run_as=(runuser -u postgres --)
fi
if [ ! -s "$data/PG_VERSION" ]; then
  say "starting a private PostgreSQL cluster in $data (port $private_port)"
  mkdir -p "$data"
  [ ${#run_as[@]} -gt 0 ] && chown postgres "$data"
  chmod 700 "$data"
  "${run_as[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
    || { say "initdb failed, see $data.initdb.log"; exit 1; }
fi
"${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
  -o "-p $private_port -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null \
  || { say "the private cluster did not start, see $data/server.log"; exit 1; }
echo "postgres://postgres@127.0.0.1:$private_port/$db?sslmode=disable"
