#!/usr/bin/env bash
# Starts the release server for the browser tests on a fresh database with the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PG_ADMIN_URL:?PG_ADMIN_URL must name a PostgreSQL server (set by .ci/test)}"
db="auromart_e2e_${E2E_PORT:-3100}"
psql "$PG_ADMIN_URL" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
base="${PG_ADMIN_URL%/*}"
export DATABASE_URL="$base/$db"
export AUROMART_DEMO_DATA=true
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3100}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
exec "${AUROMART_BIN:-${CARGO_TARGET_DIR:-target}/release/auromart}"
