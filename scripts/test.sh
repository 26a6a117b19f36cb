#!/usr/bin/env bash
# Runs every test of amscore: Rust (fmt, clippy, unit, doc, vectors, properties), C and Python.
# Works on a fresh machine with Rust, gcc and Python 3: it installs what else it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (unit, doc, vectors, properties)"
cargo test --workspace

step "C API: header drift check (pinned cbindgen)"
scripts/header.sh --check

step "C API: C suite (static + shared, valgrind, ASan/UBSan) and example"
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
cargo build -p amscore-ffi
make -C tests/c check

step "C API: install + pkg-config"
c_prefix="$(mktemp -d)"
PROFILE=dev scripts/install.sh "$c_prefix"
PKG_CONFIG_PATH="$c_prefix/lib/pkgconfig" sh -c "gcc -std=c11 -Wall -Wextra -Werror -pedantic \
    examples/c/renewal_notice.c -o '$c_prefix/renewal_notice' \$(pkg-config --cflags --libs amscore) \
    -Wl,-rpath,'$c_prefix/lib'"
ldd "$c_prefix/renewal_notice" | grep -q "$c_prefix/lib/libamscore.so"
"$c_prefix/renewal_notice" >/dev/null
rm -rf "$c_prefix"
