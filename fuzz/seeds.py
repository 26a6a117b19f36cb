#!/usr/bin/env python3
"""Writes the committed seed corpus of each fuzz target (fuzz/seeds/<target>/) from the presets
(core/presets), the shared vectors (tests/vectors), the sample roster and activity log. Deterministic: rerun it
after vectors change and commit the result. libFuzzer only reads these; what it finds goes to
target/fuzz-corpus/ (see scripts/fuzz.sh)."""
import glob
import hashlib
import json
import os
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
PER_OP = 6  # requests kept per operation, per vector file
PRESETS = ["amscore", "civicrm", "tendenci"]  # the gateway target's first byte picks one


def write(target, data):
    os.makedirs(os.path.join(SEEDS, target), exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(SEEDS, target, name), "wb") as f:
        f.write(data)


def compact(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def main():
    # seeds/c_api is hand-made (see README.md): keep it.
    for target in os.listdir(SEEDS) if os.path.isdir(SEEDS) else []:
        if target != "c_api":
            shutil.rmtree(os.path.join(SEEDS, target))
    for path in sorted(glob.glob(os.path.join(ROOT, "core", "presets", "*.json"))):
        with open(path, "rb") as f:
            write("policy", f.read())
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "vectors", "*.json"))):
        with open(path) as f:
            doc = json.load(f)
        file_policy = doc.get("policy", {"version": 1, "preset": "amscore"})
        preset = file_policy.get("preset") if isinstance(file_policy, dict) else None
        pick = PRESETS.index(preset) if preset in PRESETS else 0
        kept = {}
        for case in doc["cases"]:
            policy = case.get("policy", file_policy)
            write("policy", compact(policy))
            request = case["request"]
            op = request.get("op") if isinstance(request, dict) else None
            if kept.get(op, 0) >= PER_OP:
                continue
            kept[op] = kept.get(op, 0) + 1
            text = request if isinstance(request, str) else compact(request).decode()
            write("gateway", bytes([pick]) + text.encode())
            write("gateway_policy", compact(policy) + b"\0" + text.encode())
            if op == "load_roster" and isinstance(request.get("csv"), str):
                write("roster", request["csv"].encode())
    with open(os.path.join(ROOT, "examples", "sample", "roster.csv"), "rb") as f:
        write("roster", b"".join(f.readlines()[:40]))
    with open(os.path.join(ROOT, "examples", "sample", "activity.csv"), "rb") as f:
        lines = f.readlines()
    write("activity", b"".join(lines[:40]))
    write("activity", lines[0] + b"M1,2025-05-01,donation,50.00\nM1,2025-06-29,login,\n\nM2,2025-13-01,login,\n")
    write("activity", b"member_id,date,kind\nM0039,2025-06-01,committee\n")


if __name__ == "__main__":
    main()
