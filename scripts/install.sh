#!/usr/bin/env bash
# Builds the C library and installs it under PREFIX:
#   PREFIX/include/amscore.h, PREFIX/lib/libamscore.a, PREFIX/lib/libamscore.so,
#   PREFIX/lib/pkgconfig/amscore.pc
# Usage: scripts/install.sh PREFIX      (PROFILE=debug to install a debug build)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -ne 1 ]]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
mkdir -p "$1"
prefix="$(cd "$1" && pwd)"
profile="${PROFILE:-release}"

if [[ "$profile" == "release" ]]; then
    cargo build --release -p amscore-ffi
else
    cargo build --profile "$profile" -p amscore-ffi
fi
libdir="target/$([[ "$profile" == "dev" ]] && echo debug || echo "$profile")"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 include/amscore.h "$prefix/include/amscore.h"
install -m 644 "$libdir/libamscore.a" "$prefix/lib/libamscore.a"
install -m 755 "$libdir/libamscore.so" "$prefix/lib/libamscore.so"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" ffi/amscore.pc.in >"$prefix/lib/pkgconfig/amscore.pc"
echo "installed amscore $version ($profile) into $prefix"
