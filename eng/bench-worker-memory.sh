#!/usr/bin/env bash
# Resident memory of the published sample worker over time, as a user runs it beside the agents:
# 50 real tmux sessions on a private server (-L asr-mem-<pid>), 1 s passes, the jsonl gateway,
# HOME in a temp folder (no real transcripts read). The worker registers the 50 sessions in its
# first pass (drift B), then every pass lists them again. Samples VmRSS every 10 s.
#   bash eng/bench-worker-memory.sh [MINUTES=10] [PUBLISH_DIR]   (PUBLISH_DIR: skip the publish)
# Prints one line per sample ("seconds rss_mb") and a summary: at 10 s, peak, last, median of the
# last half. Cleans up its tmux server and files.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
command -v tmux >/dev/null || { echo "tmux is required"; exit 1; }
tmp=$(mktemp -d)
sock=asr-mem-$$
worker_pid=
cleanup() {
  [ -z "$worker_pid" ] || kill "$worker_pid" 2>/dev/null || true
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

pub=${2:-}
if [ -z "$pub" ]; then
  pub=$tmp/publish
  dotnet publish samples/AgentSessions.Reconcile.Worker -c Release -nologo -v:q -o "$pub" >/dev/null
fi

ws=$tmp/lab
mkdir -p "$ws/.hermes" "$tmp/home"
printf 'version: 1\nworkspace: lab\nsessions:\n' >"$ws/.hermes/agent-sessions.yaml"
for i in $(seq 1 50); do
  mkdir -p "$ws/p$i"
  tmux -L "$sock" new-session -d -s "lab-p$i-creator-claude" -c "$ws/p$i" "sleep 100000"
done

mkfifo "$tmp/in"
exec 3<>"$tmp/in" # keeps the worker's stdin (incoming card comments) open and silent
(cd "$ws" && HOME=$tmp/home exec "$pub/agent-sessions-worker" --tmux-socket "$sock" --interval 1 --heartbeat-interval 300 \
  <"$tmp/in" >/dev/null 2>"$tmp/worker.log") &
worker_pid=$!

samples=()
end=$((minutes * 60))
for ((t = 0; t <= end; t += 10)); do
  kill -0 "$worker_pid" 2>/dev/null || { cat "$tmp/worker.log"; echo "the worker exited"; exit 1; }
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$worker_pid/status")
  samples+=("$rss")
  printf '%4d s  %6.1f MB\n' "$t" "$(echo "$rss / 1024" | bc -l)"
  [ "$t" -ge "$end" ] || sleep 10
done
rows=$(grep -o 'name: lab-p' "$ws/.hermes/agent-sessions.yaml" | wc -l)
printf '%s\n' "${samples[@]}" | python3 -c "
import statistics, sys
kb = [int(l) for l in sys.stdin][1:]  # from 10 s: the first pass has run
half = kb[len(kb) // 2:]
print(f'registered rows: $rows; at 10 s {kb[0]/1024:.1f} MB, peak {max(kb)/1024:.1f} MB, last {kb[-1]/1024:.1f} MB, median of the last half {statistics.median(half)/1024:.1f} MB')
"
