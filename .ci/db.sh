#!/usr/bin/env bash
# Finds PostgreSQL for AuroMart. Sourced; sets PG_ADMIN_URL (a URL to the
# server's "postgres" database, used to create databases) and PG_BASE_URL.
#   1. DATABASE_URL, when set, names the server (and for `start`, the database);
#   2. else a server on 127.0.0.1:5432 that lets user "postgres" in;
#   3. else a private cluster in .data/postgres, made with the system's initdb.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRIVATE_PORT="${AUROMART_PRIVATE_PG_PORT:-55432}"

pg_log() { printf '\033[1;34m[postgres]\033[0m %s\n' "$*"; }

pg_bin() { # finds a PostgreSQL server program (initdb, pg_ctl) on PATH or in Debian's place
  command -v "$1" 2>/dev/null && return
  ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1
}

ensure_psql() {
  command -v psql >/dev/null && return
  pg_log "installing the PostgreSQL client (psql)"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql-client >/dev/null; fi
}

can_connect() { psql "$1" -qAtX -c 'select 1' >/dev/null 2>&1; }

start_private_cluster() {
  local initdb pg_ctl data="$ROOT/.data/postgres" runas=()
  initdb=$(pg_bin initdb); pg_ctl=$(pg_bin pg_ctl)
  if [ -z "$initdb" ] || [ -z "$pg_ctl" ]; then
    echo "No PostgreSQL found. Either set DATABASE_URL, or install PostgreSQL: sudo apt-get install postgresql" >&2
    return 1
  fi
  mkdir -p "$ROOT/.data"
  if [ "$(id -u)" = 0 ]; then # PostgreSQL refuses to run as root
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    runas=(runuser -u postgres --)
    mkdir -p "$data"; chown postgres "$data"; chmod 700 "$data"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    pg_log "creating a private cluster in $data"
    "${runas[@]}" "$initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "${runas[@]}" "$pg_ctl" -D "$data" status >/dev/null 2>&1; then
    pg_log "starting the private cluster on 127.0.0.1:$PRIVATE_PORT"
    "${runas[@]}" "$pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $PRIVATE_PORT -k $data -c listen_addresses=127.0.0.1" start >/dev/null
  fi
}

find_postgres() {
  ensure_psql
  if [ -n "${DATABASE_URL:-}" ]; then
    PG_BASE_URL="${DATABASE_URL%/*}"
  elif can_connect "postgres://postgres@127.0.0.1:5432/postgres"; then
    PG_BASE_URL="postgres://postgres@127.0.0.1:5432"
  else
    start_private_cluster || return 1
    PG_BASE_URL="postgres://postgres@127.0.0.1:$PRIVATE_PORT"
  fi
  PG_ADMIN_URL="$PG_BASE_URL/postgres"
  if ! can_connect "$PG_ADMIN_URL"; then
    echo "Cannot connect to PostgreSQL at ${PG_ADMIN_URL%%@*}@… — check DATABASE_URL." >&2
    return 1
  fi
  export PG_BASE_URL PG_ADMIN_URL
}
