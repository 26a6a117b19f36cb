#!/usr/bin/env bash
# Runs every test of amscore: Rust (fmt, clippy, unit, doc, vectors, properties), C and Python.
# Works on a fresh machine with Rust, gcc and Python 3: it installs what else it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step prints the wall clock and the CPU seconds its children have used so far (user+sys, from
# bash's `times`): on a shared machine the CPU seconds show where the time goes when the wall does not.
cpu_file="$(mktemp)"
trap 'rm -f "$cpu_file"' EXIT
step() {
    times >"$cpu_file"  # in this shell, not a subshell: its waited-for children's CPU time
    printf '\n==> %s  [%s, %ss in, %s cpu-s]\n' "$*" "$(date +%T)" "$SECONDS" \
        "$(awk 'NR==2 { n=0; for (i=1;i<=2;i++) { split($i,a,/[ms]/); n+=a[1]*60+a[2] } printf "%d", n }' "$cpu_file")"
}

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
# The binary `cargo test --workspace` built above (it builds every example). Not `cargo run -p
# amscore`: with only amscore selected, its dependencies resolve to fewer features (num-traits
# without libm, which arrow asks for), so cargo would compile rust_decimal, amscore and its
# dev-dependencies a second time.
"${CARGO_TARGET_DIR:-target}/debug/examples/sample_association" --summary-only

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
ldd "$c_prefix/renewal_notice" | grep "$c_prefix/lib/libamscore.so" >/dev/null  # not grep -q: under pipefail, ldd could die of SIGPIPE
"$c_prefix/renewal_notice" >/dev/null
rm -rf "$c_prefix"

step "Spark prerequisites: a Java runtime (pyspark itself goes into .venv with the other packages)"
# Spark 4 needs Java 17 or later: default-jre-headless is OpenJDK 17 on Debian 12, 21 on Debian 13.
command -v java >/dev/null || { apt-get update -qq && apt-get install -y -qq default-jre-headless; }
java -version 2>&1 | head -n 1

step "Python: build amscore into a virtual environment, check the stubs, run pytest"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.8,<2" "pytest>=8,<9" "hypothesis>=6,<7" "pandas>=2,<3" "pyarrow>=17,<22" \
    "numpy>=1.24,<3" "dask[distributed]>=2024.8,<2026" "mypy>=1.11,<2" "python-dateutil>=2.9,<3" \
    "polars>=1.10,<3" "duckdb>=1.1,<3" "pyspark>=4,<5"
# The pytest profile: release without debug line tables (Cargo.toml).
(cd python && VIRTUAL_ENV="$PWD/../.venv" PATH="$PWD/../.venv/bin:$PATH" maturin develop --profile pytest --quiet)
(cd python && ../.venv/bin/python -m mypy.stubtest amscore._core)
set +e
# AMSCORE_REQUIRE_SPARK=1: the Spark test fails, not skips, if pyspark or Java is missing.
(cd python && AMSCORE_REQUIRE_SPARK=1 ../.venv/bin/python -m pytest -q -p no:cacheprovider tests)
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    exit 1
elif [ "$rc" -ne 0 ]; then
    exit "$rc"
fi

# 3 s each: every committed seed replayed (a regression check) plus a few thousand new inputs;
# the long campaigns are scripts/fuzz.sh's (fuzz/README.md).
step "fuzz targets, 3 s each (cargo-fuzz; RUSTC_BOOTSTRAP=1 on stable)"
scripts/fuzz.sh 3
