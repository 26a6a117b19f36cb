#!/usr/bin/env bash
# Instructions per call of engine operations, counted by callgrind: reproducible where wall-clock
# numbers are not (a shared machine). Usage, after `cargo bench -p amscore --bench core --no-run`:
#   benches/callgrind.sh BENCH_ID=FUNCTION...
#   benches/callgrind.sh 'op/status_on=amscore::engine::Engine::status_on'
# FUNCTION is the symbol callgrind counts from (its callees included); the bench runs for 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(ls -t target/release/deps/core-* | grep -v '\.d$' | head -1)
out=target/callgrind
mkdir -p "$out"
for pair in "$@"; do
    id="${pair%%=*}"
    fn="${pair#*=}"
    file="$out/$(echo "$id" | tr '/' '_').cg"
    valgrind --tool=callgrind --callgrind-out-file="$file" "--toggle-collect=$fn" "$bin" --bench --profile-time 1 "^$id\$" >/dev/null 2>&1
    python3 - "$file" "$fn" "$id" <<'PY'
import re, sys
path, fn, bench = sys.argv[1:]
names, calls, total = {}, 0, 0
lines = open(path).read().splitlines()
for i, line in enumerate(lines):
    m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line)
    if m and m.group(2):
        names[m.group(1)] = m.group(2)
    if line.startswith("cfn=") and names.get(re.match(r"cfn=\((\d+)\)", line).group(1), "").split("'")[0] == fn:
        if lines[i + 1].startswith("calls="):
            calls += int(lines[i + 1].split("=")[1].split()[0])
    if line.startswith(("summary:", "totals:")):
        total = int(line.split()[1])
print(f"{bench}: {total / max(calls, 1):.0f} instructions per call ({calls} calls)")
PY
done
