#!/usr/bin/env bash
# Runs every test of amscore: Rust (fmt, clippy, unit, doc, vectors, properties, the CLI), the HTML
# report in headless Chromium, C (valgrind, sanitizers), PHP through FFI, Python (with Spark), and
# the fuzz targets. Works on a fresh machine with Rust, gcc and Python 3: it installs what else it
# needs (system packages with apt-get, Python packages into .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step prints the wall clock and the CPU seconds its children have used so far (user+sys, from
# bash's `times`): on a shared machine the CPU seconds show where the time goes when the wall does not.
cpu_file="$(mktemp)"
trap 'rm -f "$cpu_file"; kill $(jobs -p) 2>/dev/null || true' EXIT
step() {
    times >"$cpu_file"  # in this shell, not a subshell: its waited-for children's CPU time
    printf '\n==> %s  [%s, %ss in, %s cpu-s]\n' "$*" "$(date +%T)" "$SECONDS" \
        "$(awk 'NR==2 { n=0; for (i=1;i<=2;i++) { split($i,a,/[ms]/); n+=a[1]*60+a[2] } printf "%d", n }' "$cpu_file")"
}

# What comes over the network is fetched in the background while Rust compiles (on 2 cores the
# downloads and unpacking overlap the compilers instead of adding to them): the system packages
# the later steps need (apt-get, only those missing) and the Python packages (into .venv). Each
# step that needs them waits for them; a failure prints the job's log.
mkdir -p target
system_packages() {
    local missing=()
    command -v valgrind >/dev/null || missing+=(valgrind)
    command -v php >/dev/null || missing+=(php-cli)
    # Spark 4 needs Java 17 or later: default-jre-headless is OpenJDK 17 on Debian 12, 21 on 13.
    command -v java >/dev/null || missing+=(default-jre-headless)
    # No recommends for chromium: they bring printing, audio and desktop services a headless check
    # never uses; fonts-liberation (a recommend) is the one needed, for the text.
    command -v chromium >/dev/null || missing+=(chromium fonts-liberation)
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}
python_packages() {
    if [ ! -x .venv/bin/python ]; then
        "${PYTHON:-python3}" -m venv .venv
    fi
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
        "maturin>=1.8,<2" "pytest>=8,<9" "hypothesis>=6,<7" "pandas>=2,<3" "pyarrow>=17,<22" \
        "numpy>=1.24,<3" "dask[distributed]>=2024.8,<2026" "mypy>=1.11,<2" "python-dateutil>=2.9,<3" \
        "polars>=1.10,<3" "duckdb>=1.1,<3" "pyspark>=4,<5"
    # pandas 3 beside it, for the pandas 3 step below (on PYTHONPATH, ahead of .venv's pandas 2):
    # pandas alone, its dependencies (numpy >= 2.0.2, python-dateutil) are .venv's.
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade --no-deps \
        --target target/pandas3-site "pandas>=3,<4"
}
declare -A prerequisite_pid
for job in system_packages python_packages; do
    ( set -euo pipefail; "$job" ) >"target/$job.log" 2>&1 &
    prerequisite_pid[$job]=$!
done
wait_for() {
    local pid="${prerequisite_pid[$1]:-}"
    [ -n "$pid" ] || return 0
    if wait "$pid"; then
        prerequisite_pid[$1]=""
    else
        echo "prerequisites: $1 failed; its log (target/$1.log):" >&2
        cat "target/$1.log" >&2
        exit 1
    fi
}

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (unit, doc, vectors, properties)"
cargo test --workspace

# The civicrm preset against CiviCRM's own date rules restated in PHP (tests/peers/): the test is
# built above (and skipped there if php was not installed yet); here php is required. ~1 s.
# `--workspace`, as above: with `-p amscore` alone cargo would resolve fewer features and compile
# amscore and its dependencies again (40 s of the suite).
step "civicrm preset against its peer (php)"
wait_for system_packages
AMSCORE_REQUIRE_PHP=1 cargo test --workspace --test civicrm_peer --quiet

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
# The binary `cargo test --workspace` built above (the CLI's tests run it). Not `cargo run`: with
# one package selected its dependencies can resolve to fewer features, and cargo would compile
# rust_decimal, amscore and more a second time.
AMSCORE_BIN="${CARGO_TARGET_DIR:-target}/debug/amscore"
"$AMSCORE_BIN" season --summary-only

step "main job's HTML report in headless Chromium"
wait_for system_packages
AMSCORE_BIN="$AMSCORE_BIN" scripts/html_check.sh

step "C API: header drift check (pinned cbindgen)"
scripts/header.sh --check

step "C API: C suite (static + shared, valgrind, ASan/UBSan) and example"
wait_for system_packages
cargo build -p amscore-ffi
make -j2 -C tests/c check

step "C API: install + pkg-config"
c_prefix="$(mktemp -d)"
PROFILE=dev scripts/install.sh "$c_prefix"
PKG_CONFIG_PATH="$c_prefix/lib/pkgconfig" sh -c "gcc -std=c11 -Wall -Wextra -Werror -pedantic \
    examples/c/renewal_notice.c -o '$c_prefix/renewal_notice' \$(pkg-config --cflags --libs amscore) \
    -Wl,-rpath,'$c_prefix/lib'"
ldd "$c_prefix/renewal_notice" | grep "$c_prefix/lib/libamscore.so" >/dev/null  # not grep -q: under pipefail, ldd could die of SIGPIPE
"$c_prefix/renewal_notice" >/dev/null
# The SONAME (ffi/build.rs): the program needs libamscore.so.0.1, a link to libamscore.so.X.Y.Z.
soname="$(readelf -d "$c_prefix/lib/libamscore.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
echo "SONAME $soname"
[[ "$soname" == libamscore.so.* && -L "$c_prefix/lib/$soname" && -L "$c_prefix/lib/libamscore.so" ]]
readelf -d "$c_prefix/renewal_notice" | grep "(NEEDED).*\[$soname\]" >/dev/null

step "C API from PHP (FFI): the example on the installed library, the shared vectors and the typed API"
php -r 'exit(extension_loaded("FFI") ? 0 : 1);' || { echo "php has no FFI extension" >&2; exit 1; }
AMSCORE_LIB="$c_prefix/lib/libamscore.so" AMSCORE_CDEF="$c_prefix/include/amscore_cdef.h" \
    php examples/php/renewal_notice.php >/dev/null
php examples/php/test.php
rm -rf "$c_prefix"

# The fuzz targets build in the background from here (scripts/fuzz.sh --build-only): the build is
# mostly one codegen unit at a time, and pytest below runs on one core, so the two share the
# machine instead of queueing. Its log is target/fuzz-build.log; the fuzz step waits for it.
( scripts/fuzz.sh --build-only ) >target/fuzz-build-step.log 2>&1 &
fuzz_build_pid=$!

step "Python: build amscore into a virtual environment, check the stubs, run pytest"
wait_for system_packages
wait_for python_packages
java -version 2>&1 | head -n 1  # Spark's runtime (the system packages above)
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

# The user-facing `pandas` extra allows pandas 3 (str dtype, NaN for missing text, microsecond
# datetimes): the tests of the frames amscore reads and returns run again under it, with the
# module built above. ~35 s (33 CPU-s on one core). Left out as too dear for what they add: the
# Dask cluster run (test_scaleout, 13 s), Spark, and the Arrow, polars and property files, which
# touch pandas less (all of python/tests passes under pandas 3: python/README.md).
step "Python: the pandas tests again under pandas 3"
pandas3=(env PYTHONPATH="$PWD/target/pandas3-site" ../.venv/bin/python)
(cd python && "${pandas3[@]}" -c 'import pandas, sys; sys.exit(f"pandas {pandas.__version__}, not 3" if not pandas.__version__.startswith("3.") else 0)')
(cd python && "${pandas3[@]}" -m pytest -q -p no:cacheprovider tests/test_success.py tests/test_success_typed.py \
    tests/test_bad_inputs.py tests/test_typed_api.py tests/test_honest_inputs.py tests/test_batch.py \
    tests/test_join_batch.py tests/test_work.py tests/test_reminders.py tests/test_audit.py tests/test_text_columns.py)

# 3 s each: every committed seed replayed (a regression check) plus a few thousand new inputs;
# the long campaigns are scripts/fuzz.sh's (fuzz/README.md).
step "fuzz targets, 3 s each (libFuzzer with cargo-fuzz's flags; RUSTC_BOOTSTRAP=1 on stable)"
if ! wait "$fuzz_build_pid"; then
    echo "building the fuzz targets failed:" >&2
    cat target/fuzz-build-step.log >&2
    exit 1
fi
scripts/fuzz.sh 3
