#!/usr/bin/env bash
# Runs every cargo-fuzz target under fuzz/ for SECONDS each (default 20), or only the targets named.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# cargo-fuzz builds with `-Z sanitizer=address`, a nightly flag: on the stable toolchain it needs
# RUSTC_BOOTSTRAP=1, which this script sets. cargo-fuzz is installed into target/tools if missing.
# Seeds are read from fuzz/seeds/<target> (committed); new inputs go to target/fuzz-corpus/<target>;
# a crash is written to fuzz/artifacts/<target>/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
shift || true
export RUSTC_BOOTSTRAP=1
tools="$PWD/target/tools"
export PATH="$tools/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz into $tools"
    # A debug build of the tool: it only drives cargo and libFuzzer, and compiles in far less time.
    cargo install cargo-fuzz --locked --debug --root "$tools" --quiet
fi

cd fuzz
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi
echo "building the fuzz targets (log: target/fuzz-build.log)"
cargo fuzz build -O >../target/fuzz-build.log 2>&1 || { tail -20 ../target/fuzz-build.log; exit 1; }
failed=0
for t in "${targets[@]}"; do
    corpus="../target/fuzz-corpus/$t"
    mkdir -p "$corpus"
    log="../target/fuzz-$t.log"
    if cargo fuzz run -O "$t" "$corpus" "seeds/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1; then
        echo "fuzz $t: ok, $(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | sed 's/Done //; s/ second/ s/')"
    else
        failed=1
        echo "fuzz $t: FAILED (log: target/fuzz-$t.log)"
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -5 || true
    fi
done
exit "$failed"
