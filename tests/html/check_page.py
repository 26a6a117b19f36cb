#!/usr/bin/env python3
"""Opens an HTML page in headless Chromium and checks what a person would see.

    check_page.py PAGE.html OUT_DIR [--charts N] [--min-colour-share 0.02] [--expect-failure]

Three checks, in two Chromium runs on the file:
  1. it loads: `--dump-dom` gives the page's DOM back, with its <title> (and N <svg> charts);
  2. no console error: Chromium's log (`--enable-logging=stderr --v=0`) has no console message
     (the report runs no script: any message is a refused resource or an error), no failed load;
  3. the screenshot (`--screenshot`, 1200 px wide) is not blank: a share of its pixels is
     coloured (the charts), not white, grey or black text.

The PNG is decoded here with zlib and struct (no other dependency). Prints one line per check and
exits 1 when one fails. `--expect-failure` turns the verdict round: scripts/html_check.sh runs it
on tests/html/broken.html, which must fail both the console and the screenshot checks.
"""

import argparse
import os
import re
import struct
import subprocess
import sys
import zlib
from itertools import accumulate
from operator import add, sub

CHROMIUM = os.environ.get("CHROMIUM", "chromium")
WIDTH, HEIGHT = 1200, 3000


def chromium(profile, *args):
    """Runs headless Chromium with its own profile folder on the arguments; returns (exit code,
    stdout, stderr)."""
    cmd = [
        CHROMIUM,
        f"--user-data-dir={profile}",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        # Lets the page lay out before the screenshot is taken.
        "--virtual-time-budget=5000",
        f"--window-size={WIDTH},{HEIGHT}",
        *args,
    ]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def png_rows(path):
    """(width, height, bytes per pixel, rows of bytes) of an 8-bit, non-interlaced RGB or RGBA PNG,
    its filters undone."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        raise ValueError(f"{path}: {len(raw)} bytes of image data for {width}x{height}")
    rows, prev = [], bytes(stride)
    mask = (255).__and__
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1 : start + 1 + stride]
        if kind == 1:  # Sub: each byte plus the one a pixel to its left (a running sum per channel).
            out = bytearray(stride)
            for c in range(bpp):
                out[c::bpp] = bytes(map(mask, accumulate(line[c::bpp])))
            line = bytes(out)
        elif kind == 2:  # Up: each byte plus the one above.
            line = bytes(map(mask, map(add, line, prev)))
        elif kind == 3:  # Average of left and above.
            out = bytearray(line)
            for x in range(stride):
                left = out[x - bpp] if x >= bpp else 0
                out[x] = (out[x] + ((left + prev[x]) >> 1)) & 0xFF
            line = bytes(out)
        elif kind == 4:  # Paeth: whichever of left, above, upper-left is nearest left + above - upper-left.
            out = bytearray(line)
            for x in range(stride):
                if x >= bpp:
                    a, c = out[x - bpp], prev[x - bpp]
                else:
                    a = c = 0
                b = prev[x]
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                out[x] = (out[x] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 0xFF
            line = bytes(out)
        elif kind != 0:
            raise ValueError(f"{path}: bad filter {kind} on row {y}")
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def colour_counts(bpp, rows):
    """(pixels, not white, coloured): coloured pixels have a hue (channels differ by 40 or more),
    unlike white paper, grey rules and black text."""
    total = painted = coloured = 0
    for line in rows:
        if line.count(255) == len(line):  # a white row (and opaque): nothing to count
            total += len(line) // bpp
            continue
        r, g, b = line[0::bpp], line[1::bpp], line[2::bpp]
        low = list(map(min, r, g, b))
        total += len(low)
        painted += sum(map((245).__gt__, low))
        coloured += sum(map((40).__le__, map(sub, map(max, r, g, b), low)))
    return total, painted, coloured


# Chromium logs every console message as `INFO:CONSOLE:line] "text", source: url (line)`, an
# error's level not told apart from a log's. The report runs no script, so any console message
# is the browser's complaint (a resource its Content-Security-Policy refused, an exception), and
# counts as an error; so do failed loads.
CONSOLE = re.compile(r"CONSOLE[:(]|Uncaught |net::ERR_|Refused to |Failed to load resource")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page")
    ap.add_argument("out_dir")
    ap.add_argument("--charts", type=int, help="how many <svg> charts the page must have")
    ap.add_argument("--min-colour-share", type=float, default=0.02)
    ap.add_argument("--expect-failure", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    url = "file://" + os.path.abspath(a.page)
    failures = []

    # 1. It loads.
    profile = os.path.join(os.path.abspath(a.out_dir), "profile")
    code, dom, err = chromium(profile, "--dump-dom", url)
    svgs = dom.count("<svg")
    title = re.search(r"<title>([^<]+)</title>", dom)
    if code != 0 or not title or "</html>" not in dom:
        failures.append(f"loads: the page did not load (exit {code}): {err.strip()[-300:]}")
    elif a.charts is not None and svgs != a.charts:
        failures.append(f"loads: {svgs} charts in the DOM, {a.charts} expected")
    print(f"loads: exit {code}, title {title.group(1) if title else None!r}, {svgs} charts, {len(dom)} characters of DOM")

    # 2. No console error; 3. the screenshot shows the charts.
    shot = os.path.join(a.out_dir, "screenshot.png")
    if os.path.exists(shot):
        os.remove(shot)
    code, _, log = chromium(profile, "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", url)
    with open(os.path.join(a.out_dir, "chromium.log"), "w") as f:
        f.write(log)
    console = [line for line in log.splitlines() if CONSOLE.search(line)]
    print(f"console: {len(console)} errors" + "".join(f"\n  {line}" for line in console[:5]))
    if console:
        failures.append(f"console: {len(console)} errors")
    if code != 0 or not os.path.exists(shot):
        failures.append(f"no screenshot (exit {code})")
    else:
        width, height, bpp, rows = png_rows(shot)
        total, painted, coloured = colour_counts(bpp, rows)
        share = coloured / total
        print(
            f"screenshot: {width}x{height}, {painted / total:.1%} of the pixels painted, "
            f"{share:.1%} coloured (at least {a.min_colour_share:.1%} wanted)"
        )
        if share < a.min_colour_share:
            failures.append(f"screenshot: blank or colourless, {share:.2%} coloured pixels")

    for f in failures:
        print(f"{'failed, as it should' if a.expect_failure else 'FAIL'}: {f}")
    if a.expect_failure:
        # The control page must fail the console check and the screenshot check, each.
        missed = [c for c in ("console:", "screenshot:") if not any(f.startswith(c) for f in failures)]
        if missed:
            print(f"FAIL: the broken page passed the {', '.join(missed)} check(s)")
            return 1
        print("ok: the broken page fails the console and screenshot checks, as it should")
        return 0
    if not failures:
        print(f"ok: {a.page} loads in Chromium with no console error and its charts show")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
