#!/usr/bin/env bash
# Regenerates docs/report-ja.png and docs/report-en.png, the README's pictures
# of the HTML report: a scan of fixtures/ (or of the directory given) rendered
# in Japanese and English and photographed by headless Chromium.
# Needs Debian's chromium and fonts-noto-cjk (for the Japanese text).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-fixtures}
cargo build --quiet
hihoji=$PWD/target/debug/hihoji
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Scan from the target's parent, so the report shows the short path.
(cd "$(dirname "$target")" && HIHOJI_FINGERPRINT_KEY=docs-screenshots \
  "$hihoji" scan "$(basename "$target")" --host pos-01 --no-progress --quiet --json "$work/scan.json") || [ $? -eq 1 ]
for lang in ja en; do
  "$hihoji" report "$work/scan.json" --lang "$lang" --html "$work/report-$lang.html" --quiet || [ $? -eq 1 ]
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size=1280,2000 \
    --screenshot="$PWD/docs/report-$lang.png" "file://$work/report-$lang.html" 2>/dev/null
done
echo "wrote docs/report-ja.png docs/report-en.png"
