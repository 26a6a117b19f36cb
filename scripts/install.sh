#!/usr/bin/env bash
# Builds the C library and installs it under PREFIX:
#   PREFIX/include/amscore.h        the C header
#   PREFIX/include/amscore_cdef.h   its declarations for FFI::cdef (PHP), no preprocessor lines
#   PREFIX/lib/libamscore.a
#   PREFIX/lib/libamscore.so.X.Y.Z  the shared library, whose SONAME is libamscore.so.0.Y before
#                                   1.0 (a minor version may break the ABI) and libamscore.so.X after
#   PREFIX/lib/libamscore.so.0.Y    symlink (the SONAME: what linked programs load)
#   PREFIX/lib/libamscore.so        symlink (what `-lamscore` links)
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
libdir="${CARGO_TARGET_DIR:-target}/$([[ "$profile" == "dev" ]] && echo debug || echo "$profile")"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 include/amscore.h "$prefix/include/amscore.h"
install -m 644 "$libdir/libamscore.a" "$prefix/lib/libamscore.a"
install -m 644 include/amscore_cdef.h "$prefix/include/amscore_cdef.h"
soname="$(readelf -d "$libdir/libamscore.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
if [[ "$soname" != libamscore.so.* ]]; then
    echo "$libdir/libamscore.so has no SONAME libamscore.so.*" >&2
    exit 1
fi
rm -f "$prefix/lib/libamscore.so" "$prefix/lib/$soname"
install -m 755 "$libdir/libamscore.so" "$prefix/lib/libamscore.so.$version"
if [[ "$soname" != "libamscore.so.$version" ]]; then
    ln -s "libamscore.so.$version" "$prefix/lib/$soname"
fi
ln -s "$soname" "$prefix/lib/libamscore.so"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" ffi/amscore.pc.in >"$prefix/lib/pkgconfig/amscore.pc"
echo "installed amscore $version ($profile) into $prefix"
