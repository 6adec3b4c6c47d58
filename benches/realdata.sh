#!/usr/bin/env bash
# Precision on a real, card-free machine: scan the system's own directories
# and print warnings and errors per GB, grouped by rule and by evidence.
#
#   benches/realdata.sh [OUT_JSON] [-- extra hihoji scan flags]
#
# Scans /usr /var /etc /opt /root whole: nothing is excluded by path or name
# (docs/precision.md keeps the figure and explains every remaining warning).
# Needs a release build (cargo build --release) and python3.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/hihoji-realdata.json}
shift || true
[ "${1:-}" = "--" ] && shift
dirs=(/usr /var /etc /opt /root)
bin=${HIHOJI_BIN:-target/release/hihoji}
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
export HIHOJI_FINGERPRINT_KEY=${HIHOJI_FINGERPRINT_KEY:-00112233445566778899aabbccddeeff}
bytes=$(du -scb "${dirs[@]}" 2>/dev/null | tail -1 | cut -f1)
start=$(date +%s)
"$bin" scan "${dirs[@]}" -q --json "$out" "$@"
echo "exit code $? in $(( $(date +%s) - start )) s"
python3 benches/realdata_summary.py "$out" "$bytes"
