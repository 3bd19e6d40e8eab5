#!/usr/bin/env bash
# Soak: the built sample worker runs for a while (default 10 minutes) against real tmux sessions on
# a private socket, one pass a second, while sessions die and appear. Reports open descriptors,
# threads and resident memory of the worker at the start (after its first passes) and at the end,
# then ends it with a "stop" comment on stdin (jsonl gateway) and checks it exits 0.
#   bash eng/soak-worker.sh [SECONDS=600]        (or SOAK_SECONDS=60)
#   SOAK_SESSIONS=10      live, registered sessions at the start
#   SOAK_WORKER=path.dll  an already built agent-sessions-worker.dll (skips the build)
# Results: artifacts/soak-worker/result.txt (the figures), worker.err (its log).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
duration=${1:-${SOAK_SECONDS:-600}}
sessions=${SOAK_SESSIONS:-10}
out=artifacts/soak-worker
rm -rf "$out"
mkdir -p "$out"

worker=${SOAK_WORKER:-}
if [[ -z "$worker" ]]; then
  echo "building the sample worker…" >&2
  dotnet build samples/AgentSessions.Reconcile.Worker -c Release -warnaserror -o "$out/bin" >"$out/build.log" 2>&1
  worker="$out/bin/agent-sessions-worker.dll"
fi

ws=$(mktemp -d /tmp/asr-soak-ws.XXXXXX)
home=$(mktemp -d /tmp/asr-soak-home.XXXXXX)
sock="asr-soak-$$"
fifo="$ws.stdin"
pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  exec 3>&- 2>/dev/null || true
  tmux -L "$sock" kill-server >/dev/null 2>&1 || true
  rm -rf "$ws" "$home" "$fifo"
}
trap cleanup EXIT
mkdir -p "$ws/.hermes" "$home/.claude/projects" "$home/.gemini/antigravity-cli"
name=soak
{
  echo "version: 1"
  echo "workspace: $name"
  echo "sessions:"
  for i in $(seq 1 "$sessions"); do
    cat <<ROW
  - name: $name-p$i-creator-claude
    agent: claude
    cwd: $ws
    status: running
    last_visible_status: running
ROW
  done
} >"$ws/.hermes/agent-sessions.yaml"
for i in $(seq 1 "$sessions"); do
  tmux -L "$sock" new-session -d -s "$name-p$i-creator-claude" -c "$ws" "sleep 86400"
done

# stdin stays open (the jsonl gateway reads a person's comments there) until we write "stop".
mkfifo "$fifo"
exec 3<>"$fifo"
HOME="$home" CLAUDE_CONFIG_DIR="$home/.claude" HERMES_KANBAN_TASK= \
  dotnet "$worker" --workspace "$ws" --tmux-socket "$sock" --interval 1 --heartbeat-interval 5 --gateway jsonl \
  <"$fifo" >"$out/worker.out" 2>"$out/worker.err" &
pid=$!

sample() { # fds threads rss_kib
  printf '%s %s %s' "$(ls "/proc/$pid/fd" | wc -l)" \
    "$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")" "$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
}

# Start figures once the first passes are done (the first heartbeat line is on stdout).
for _ in $(seq 1 300); do
  grep -q '"kanban_heartbeat"' "$out/worker.out" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "the worker ended early:" >&2; cat "$out/worker.err" >&2; exit 1; }
  sleep 0.1
done
sleep 2
read -r fd0 th0 rss0 <<<"$(sample)"
echo "start: fds=$fd0 threads=$th0 rss=${rss0}KiB" >&2

# Churn while it runs: every 10 s one session dies (drift A) and a new, unregistered one appears (B).
start=$SECONDS
n=$sessions
while (( SECONDS - start < duration )); do
  sleep 10
  kill -0 "$pid" 2>/dev/null || { echo "the worker ended early:" >&2; tail -20 "$out/worker.err" >&2; exit 1; }
  victim=$(tmux -L "$sock" list-sessions -F '#{session_name}' | head -1)
  [[ -n "$victim" ]] && tmux -L "$sock" kill-session -t "$victim"
  n=$((n + 1))
  tmux -L "$sock" new-session -d -s "$name-p$n-creator-claude" -c "$ws" "sleep 86400"
  read -r fd th rss <<<"$(sample)"
  echo "$((SECONDS - start))s: fds=$fd threads=$th rss=${rss}KiB" >&2
done
read -r fd1 th1 rss1 <<<"$(sample)"

printf '{"author":"soak","body":"stop","created_at":%s}\n' "$(date +%s)" >&3
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "the worker did not stop after a stop comment" >&2; exit 1; fi
set +e; wait "$pid"; code=$?; set -e
pid=

blind=$(grep -c 'Too many open files\|could not be started' "$out/worker.err" || true)
comments=$(grep -c '"kanban_comment"' "$out/worker.out" || true)
{
  echo "soak: ${duration}s, ${sessions} sessions, a pass a second, one session replaced every 10 s"
  echo "start: fds=$fd0 threads=$th0 rss=${rss0}KiB"
  echo "end:   fds=$fd1 threads=$th1 rss=${rss1}KiB"
  awk -v a="$fd0" -v b="$fd1" -v c="$th0" -v d="$th1" -v e="$rss0" -v f="$rss1" \
    'BEGIN { printf "ratio end/start: fds %.2f, threads %.2f, rss %.2f\n", b/a, d/c, f/e }'
  echo "drift comments: $comments; 'could not be started'/'Too many open files' lines: $blind; exit code: $code"
} | tee "$out/result.txt"
[[ "$code" == 0 && "$blind" == 0 ]]
