#!/usr/bin/env bash
# Installs, once per machine, every tool the build and the tests need; each step is skipped when already done.
# Versions known to build Leptos with the machine's Rust 1.95 (cargo-leptos and the wasm-bindgen CLI matching Cargo.lock).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# rustfmt and clippy for `make lint` (in rustup's default profile, but not in every installation).
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    rustup component add "$component"
  fi
done

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  # Without --locked: its lock file pins a crate version the registry here does not hold.
  cargo install wasm-bindgen-cli --force --version "$WASM_BINDGEN_VERSION"
fi

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi

# OpenSSL's headers and pkg-config: the SPID/CIE relying party's JOSE crate (josekit) links the system's libssl.
if ! pkg-config --exists openssl 2>/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libssl-dev pkg-config
fi

# Poppler's pdftotext and pdfinfo: the tests read the printed Fascicolo aziendale back from its PDF.
if [ ! -x /usr/bin/pdftotext ] || [ ! -x /usr/bin/pdfinfo ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils
fi

# wasm-opt (binaryen), Bootstrap Italia, Playwright and axe-core come from npm into tools/ and end2end/.
if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  (cd tools && npm ci --no-audit --no-fund)
fi
if [ ! -d end2end/node_modules/@playwright ] || [ ! -d end2end/node_modules/oidc-provider ]; then
  (cd end2end && npm ci --no-audit --no-fund)
fi
