#!/usr/bin/env bash
# Regenerates docs/report-ja.png and docs/report-en.png, the README's pictures
# of the HTML report: a scan of fixtures/ (or of the directory given) rendered
# in Japanese and English and photographed by headless Chromium; and
# docs/report-print-ja-1.png, -2.png: the first two A4 pages of the Japanese
# report printed to PDF. Needs Debian's chromium, fonts-noto-cjk and poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-fixtures}
cargo build --quiet
hihoji=$PWD/target/debug/hihoji
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Scan from the target's parent, so the report shows the short path.
(cd "$(dirname "$target")" && HIHOJI_FINGERPRINT_KEY=5e1f0a7c93b2d4e68f01a2b3c4d5e6f7 \
  "$hihoji" scan "$(basename "$target")" --host pos-01 --no-progress --quiet --json "$work/scan.json") || [ $? -eq 1 ]
for lang in ja en; do
  "$hihoji" report "$work/scan.json" --lang "$lang" --html "$work/report-$lang.html" --quiet || [ $? -eq 1 ]
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size=1280,2000 \
    --screenshot="$PWD/docs/report-$lang.png" "file://$work/report-$lang.html" 2>/dev/null
done
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --no-pdf-header-footer \
  --user-data-dir="$work/profile" --print-to-pdf="$work/report-ja.pdf" "file://$work/report-ja.html" 2>/dev/null
pdftoppm -png -r 70 -f 1 -l 2 "$work/report-ja.pdf" "$work/print"
for page in 1 2; do
  cp "$work/print-$page.png" "docs/report-print-ja-$page.png"
done
echo "wrote docs/report-ja.png docs/report-en.png docs/report-print-ja-1.png docs/report-print-ja-2.png"
