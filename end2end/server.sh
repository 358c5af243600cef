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
# Payment links go to the fake Razorpay that playwright.config.ts starts; payment
# reminders are looked for every 2 s at any hour, so a test sees one arrive.
export AUROMART_RAZORPAY_API_BASE="http://127.0.0.1:${FAKE_RAZORPAY_PORT:-3190}"
export AUROMART_REMINDER_INTERVAL_SECS=2
export AUROMART_REMINDER_FROM_HOUR=0
export AUROMART_REMINDER_TO_HOUR=24
exec "${AUROMART_BIN:-${CARGO_TARGET_DIR:-target}/release/auromart}"
