#!/usr/bin/env bash
# Generates include/amscore.h from ffi/ with the pinned cbindgen CLI (installed into
# target/tools when missing). `scripts/header.sh --check` regenerates into a temporary file and
# fails if the committed header differs (drift).
set -euo pipefail
cd "$(dirname "$0")/.."

CBINDGEN_VERSION=0.29.0
TOOLS="$PWD/target/tools"
CBINDGEN="$TOOLS/bin/cbindgen"

if ! "$CBINDGEN" --version 2>/dev/null | grep -x "cbindgen $CBINDGEN_VERSION" >/dev/null; then
    echo "installing cbindgen $CBINDGEN_VERSION into $TOOLS"
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --root "$TOOLS"
fi

generate() {
    "$CBINDGEN" --quiet --config ffi/cbindgen.toml --crate amscore-ffi --output "$1" ffi
}

if [[ "${1:-}" == "--check" ]]; then
    fresh="$(mktemp)"
    trap 'rm -f "$fresh"' EXIT
    generate "$fresh"
    if ! diff -u include/amscore.h "$fresh"; then
        echo "include/amscore.h is out of date: run scripts/header.sh and commit the result" >&2
        exit 1
    fi
    echo "include/amscore.h matches cbindgen $CBINDGEN_VERSION output"
else
    generate include/amscore.h
    echo "wrote include/amscore.h"
fi
