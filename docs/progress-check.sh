#!/usr/bin/env bash
# Manual check that the progress bar draws in a real terminal: runs a scan of
# generated synthetic data inside a detached tmux session and prints what the
# terminal shows mid-scan, then after the scan (the bar must be gone and the
# summary intact). Usage: docs/progress-check.sh [path/to/hihoji]
set -euo pipefail
bin=$(realpath "${1:-target/debug/hihoji}")
work=$(mktemp -d)
trap 'tmux kill-session -t hihoji-progress 2>/dev/null || true; rm -rf "$work"' EXIT

# 400 files of 1 MB of order lines; one synthetic card number in the last file.
line='2026-11-25 10:00:00 order=000123 amount=1200 status=ok session=ab12cd34'
mkdir -p "$work/data"
for i in $(seq -w 1 400); do
  head -c 1000000 < <(yes "$line") > "$work/data/orders-$i.log"
done
echo "card 4526018159083012" >> "$work/data/orders-400.log"

tmux new-session -d -s hihoji-progress -x 160 -y 20 \
  "HIHOJI_FINGERPRINT_KEY=progress-check-key-0123 LANG=C '$bin' scan -j 1 '$work/data'; echo EXIT=\$?; sleep 30"
sleep "${PROGRESS_WAIT:-3}"
echo "--- mid-scan ---"
tmux capture-pane -p -t hihoji-progress | sed '/^$/d'
for _ in $(seq 1 120); do
  tmux capture-pane -p -t hihoji-progress | grep -q '^EXIT=' && break
  sleep 1
done
echo "--- after the scan ---"
tmux capture-pane -p -t hihoji-progress | sed '/^$/d'
