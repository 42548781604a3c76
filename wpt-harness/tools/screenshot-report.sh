#!/usr/bin/env bash
# Renders any HTML report in headless Chromium and writes a PNG, to check by
# eye how it renders. The README's screenshot (wpt-harness/docs/report.png)
# comes from tests/html_report_browser.rs (WPT_HARNESS_SCREENSHOT=PATH).
#
#   wpt-harness/tools/screenshot-report.sh [REPORT.html] [OUT.png] [WIDTH,HEIGHT] [-- wpt-harness args]
#
# Without a report it runs the bundled suite first (`--html`, plus any
# arguments after `--`, e.g. `-- --filter periodic/origin-gap`). Needs
# /usr/bin/chromium (Debian: apt-get install -y chromium).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
report="${1:-}"
out="${2:-$root/target/wpt-report.png}"
size="${3:-1400,2200}"
shift $(( $# < 3 ? $# : 3 )) || true
[ "${1:-}" = "--" ] && shift

if [ -z "$report" ]; then
    report="$root/target/wpt-report.html"
    mkdir -p "$(dirname "$report")"
    (cd "$root" && cargo run --release -q -p wpt-harness -- run --html "$report" "$@") || true
fi
[ -f "$report" ] || { echo "no report at $report" >&2; exit 1; }
command -v chromium >/dev/null || { echo "chromium is not installed (apt-get install -y chromium)" >&2; exit 1; }

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
mkdir -p "$(dirname "$out")"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --window-size="$size" \
    --screenshot="$out" "file://$(realpath "$report")" >/dev/null 2>&1
[ -s "$out" ] || { echo "no screenshot written" >&2; exit 1; }
echo "$out"
