#!/usr/bin/env bash
# Builds the release library and runs the C benchmark, then the Rust core's own timing loop for
# the same calls. A benchmark, not a test: it prints ns/call and asserts nothing about speed.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -p amscore-ffi
mkdir -p target/c-bench
gcc -std=c11 -O2 -Wall -Wextra -Werror -pedantic -Iinclude benches/c/bench.c target/release/libamscore.a \
    -lpthread -ldl -lm -o target/c-bench/bench
echo "== C API (static library, release)"
target/c-bench/bench
echo "== Rust core, same calls"
cargo run -q --release -p amscore-ffi --example core_timing
