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

step "cargo doc (broken links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc -p amscore --no-deps --quiet

step "sample roster is what examples/sample/generate.py writes"
mkdir -p target
python3 examples/sample/generate.py target/sample-roster-check.csv >/dev/null
cmp target/sample-roster-check.csv examples/sample/roster.csv

step "sample activity log is what examples/sample/generate_activity.py writes"
python3 examples/sample/generate_activity.py examples/sample/roster.csv target/sample-activity-check.csv >/dev/null
cmp target/sample-activity-check.csv examples/sample/activity.csv

step "main job: the sample association (summary only)"
cargo run --quiet -p amscore --example sample_association -- --summary-only

step "fuzz targets, 20 s each (cargo-fuzz; RUSTC_BOOTSTRAP=1 on stable)"
scripts/fuzz.sh 20
