#!/usr/bin/env bash
# The season's HTML report in a real browser (issue 17 item 6): writes `amscore season --html`
# on the bundled sample, opens it in headless Chromium (Debian's `chromium`, installed here when
# missing) and checks that it loads, logs no console error and that its screenshot shows the
# charts (tests/html/check_page.py); then runs the same checks on tests/html/broken.html, which
# must fail them, so a check that cannot fail is caught.
#   scripts/html_check.sh [OUT_DIR]      (default target/html-check; the screenshot is kept there)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/html-check}"

if ! command -v chromium >/dev/null; then
    # No recommends: they bring printing, audio and desktop services a headless check never uses;
    # fonts-liberation (a recommend) is the one needed, for the text.
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
fi

mkdir -p "$out"
# The program: $AMSCORE_BIN when given (scripts/test.sh passes the one it built), else cargo's.
if [ -n "${AMSCORE_BIN:-}" ]; then
    "$AMSCORE_BIN" season --html "$out/season.html"
else
    cargo run --quiet -p amscore-cli -- season --html "$out/season.html"
fi
python3 tests/html/check_page.py --charts 6 "$out/season.html" "$out/season"
python3 tests/html/check_page.py --expect-failure tests/html/broken.html "$out/broken"
