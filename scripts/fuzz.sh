#!/usr/bin/env bash
# Runs every libFuzzer target under fuzz/ for SECONDS each (default 20), or only the targets named.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#   scripts/fuzz.sh --build-only      (builds every target, runs none: scripts/test.sh builds them
#                                      beside pytest, which leaves a core idle)
# The targets are built with cargo itself, with the flags `cargo fuzz build -O` (cargo-fuzz 0.13)
# passes: release with line tables, SanitizerCoverage (inline 8-bit counters, PC table, compare
# tracing, stack depth), `--cfg fuzzing`, one codegen unit and AddressSanitizer. So no cargo-fuzz
# has to be installed (that took about a minute of the suite's 15); `cargo fuzz run -O <target>`
# runs the same binaries for anyone who has it (fuzz/README.md). `-Z sanitizer=address` is a
# nightly flag: on the stable toolchain it needs RUSTC_BOOTSTRAP=1, which this script sets.
# Seeds are read from fuzz/seeds/<target> (committed); new inputs go to target/fuzz-corpus/<target>;
# a crash is written to fuzz/artifacts/<target>/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

build_only=0
if [ "${1:-}" = "--build-only" ]; then
    build_only=1
    shift
fi
seconds="${1:-20}"
shift || true
export RUSTC_BOOTSTRAP=1
triple="$(rustc -vV | sed -n 's/^host: //p')"
flags=(
    -Cpasses=sancov-module
    -Cllvm-args=-sanitizer-coverage-level=4
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters
    -Cllvm-args=-sanitizer-coverage-pc-table
    -Cllvm-args=-sanitizer-coverage-trace-compares
    --cfg fuzzing
    -Cllvm-args=-simplifycfg-branch-fold-threshold=0
    -Zsanitizer=address
    -Cllvm-args=-sanitizer-coverage-stack-depth
    -Ccodegen-units=1
)
# cargo-fuzz's default: ASan's one-definition-rule check reports Rust's duplicated statics.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_odr_violation=0"

cd fuzz
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    # The [[bin]] targets of fuzz/Cargo.toml, in order.
    mapfile -t targets < <(awk '/^\[\[bin\]\]/ { bin = 1; next } bin && /^name *=/ { gsub(/[" ]/, "", $0); sub(/^name=/, "", $0); print; bin = 0 }' Cargo.toml)
fi
[ "${#targets[@]}" -gt 0 ] || { echo "no fuzz targets in fuzz/Cargo.toml" >&2; exit 1; }
echo "building the fuzz targets (log: target/fuzz-build.log)"
RUSTFLAGS="${flags[*]} ${RUSTFLAGS:-}" cargo build --target "$triple" --release \
    --config 'profile.release.debug="line-tables-only"' --bins >../target/fuzz-build.log 2>&1 \
    || { tail -20 ../target/fuzz-build.log; exit 1; }
[ "$build_only" -eq 0 ] || exit 0
bin_dir="${CARGO_TARGET_DIR:-target}/$triple/release"
failed=0
for t in "${targets[@]}"; do
    corpus="../target/fuzz-corpus/$t"
    mkdir -p "$corpus" "artifacts/$t"
    log="../target/fuzz-$t.log"
    if "$bin_dir/$t" -artifact_prefix="artifacts/$t/" "$corpus" "seeds/$t" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1; then
        echo "fuzz $t: ok, $(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | sed 's/Done //; s/ second/ s/')"
    else
        failed=1
        echo "fuzz $t: FAILED (log: target/fuzz-$t.log)"
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -5 || true
    fi
done
exit "$failed"
