#!/usr/bin/env bash
# Whole-process benchmark: hihoji against ripgrep and cat on the same corpus.
#
#   benches/compare.sh [CORPUS_DIR] [TOTAL_MB] [gen_corpus.py flags, e.g. --dense]
#
# Generates a deterministic corpus (benches/gen_corpus.py) if CORPUS_DIR does
# not exist (issue 18 measures the number-dense one: `benches/compare.sh
# /tmp/hihoji-dense 1070 --dense`), builds hihoji in release mode, warms the page cache, then times
# with hyperfine and prints the ratios that issue 3 sets targets for, and peak
# RSS from /usr/bin/time. Needs: python3, hyperfine, ripgrep (rg), GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-/tmp/hihoji-corpus}
total_mb=${2:-1070}
gen_flags=("${@:3}")
regex='(?:[0-9][ -]?){12,18}[0-9]'
for tool in hyperfine rg python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine ripgrep time)" >&2; exit 2; }
done
[ -d "$corpus" ] || python3 benches/gen_corpus.py "$corpus" --total-mb "$total_mb" "${gen_flags[@]}"
cargo build --release --quiet
bin=target/release/hihoji
export HIHOJI_FINGERPRINT_KEY=bench-key-0123456789abcdef
bytes=$(du -sb "$corpus" | cut -f1)
find "$corpus" -type f -print0 | xargs -0 cat > /dev/null   # warm the page cache

json=$(mktemp)
hyperfine --warmup 1 --runs 3 --ignore-failure --export-json "$json" \
  -n cat "find '$corpus' -type f -print0 | xargs -0 cat > /dev/null" \
  -n rg-j1 "rg -j1 -c '$regex' '$corpus' > /dev/null" \
  -n rg-j2 "rg -j2 -c '$regex' '$corpus' > /dev/null" \
  -n rg-files "rg --files '$corpus' > /dev/null" \
  -n hihoji-j1 "$bin scan '$corpus' -j1 -q --json /dev/null" \
  -n hihoji-j2 "$bin scan '$corpus' -j2 -q --json /dev/null" \
  -n hihoji-j2-sarif "$bin scan '$corpus' -j2 -q --sarif '$json.sarif'"

python3 - "$json" "$bytes" <<'PY'
import json, sys
runs = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
size = int(sys.argv[2])
for name, t in runs.items():
    print(f"{name:10s} {t:7.3f} s  {size / t / 1e6:8.0f} MB/s")
print(f"rg-j1 / hihoji-j1     = {runs['rg-j1'] / runs['hihoji-j1']:.2f}  (target >= 3)")
print(f"hihoji-j2 / cat       = {runs['hihoji-j2'] / runs['cat']:.2f}  (target <= 1.25)")
print(f"hihoji-j2-sarif / cat = {runs['hihoji-j2-sarif'] / runs['cat']:.2f}  (target <= 1.25)")
PY
# Per file type, one thread: which kind of text costs what.
for ext in log jsonl csv; do
  list=$(mktemp)
  find "$corpus" -type f -name "*.$ext" > "$list"
  type_bytes=$(find "$corpus" -type f -name "*.$ext" -printf '%s\n' | awk '{ s += $1 } END { print s }')
  start=$(date +%s.%N)
  xargs -a "$list" -d '\n' "$bin" scan -j1 -q --json /dev/null > /dev/null || true
  end=$(date +%s.%N)
  python3 -c "import sys; b, t = int(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[2]); print(f'hihoji-j1 *.{sys.argv[4]:6s} {b / 1e6:7.0f} MB {t:6.2f} s {b / t / 1e6:6.0f} MB/s')" "$type_bytes" "$start" "$end" "$ext"
  rm -f "$list"
done
# The largest file alone: -j2 splits it into parts for both workers (scan/split.rs).
largest=$(find "$corpus" -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
hyperfine --warmup 1 --runs 5 --ignore-failure -N \
  -n largest-j1 "$bin scan '$largest' -j1 -q --json /dev/null" \
  -n largest-j2 "$bin scan '$largest' -j2 -q --json /dev/null" | grep -E 'largest|Time'
/usr/bin/time -f "peak RSS hihoji -j2: %M KB" "$bin" scan "$corpus" -j2 -q --json /dev/null || true
/usr/bin/time -f "peak RSS hihoji -j2 --sarif: %M KB" "$bin" scan "$corpus" -j2 -q --sarif "$json.sarif" || true
rm -f "$json" "$json.sarif"
