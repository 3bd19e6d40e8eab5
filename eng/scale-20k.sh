#!/usr/bin/env bash
# Wall time and peak resident memory of `agent-sessions reconcile --once` on a 20,000-row registry
# (about 6.7 MB), measured with GNU time -v: a dry run (reads the registry, changes nothing), `status`
# (reads it and shows every row) and a write pass (one row's drift written under the lock: temp file,
# fsync, rename, .bak).
# 19,999 rows are archived (no tmux session expected); one is running with no session, so the pass
# finds one drift (A) and the write pass rewrites that one row.
#   bash eng/scale-20k.sh [ROWS=20000] [RUNS=3]
# BIN=/path/to/agent-sessions measures that build (e.g. an older commit's); without it the Native AOT
# build of this tree is published to artifacts/scale-20k/aot first. Needs tmux and GNU time
# (/usr/bin/time; `apt-get install -y time` when it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-20000}
runs=${2:-3}
if [ ! -x /usr/bin/time ]; then
  echo "GNU time is missing: installing it (apt-get install -y time)…" >&2
  apt-get install -y time >/dev/null
fi
out=artifacts/scale-20k
mkdir -p "$out"
if [ -z "${BIN:-}" ]; then
  echo "publishing the Native AOT build…" >&2
  dotnet publish src/AgentSessions.Reconcile.Cli/AgentSessions.Reconcile.Cli.csproj -c Release -r linux-x64 \
    -p:PublishAot=true -o "$out/aot" -warnaserror >"$out/build.log" 2>&1
  BIN="$out/aot/agent-sessions"
fi

ws=$(mktemp -d /tmp/asr-scale-ws.XXXXXX)
home=$(mktemp -d /tmp/asr-scale-home.XXXXXX)
sock="asr-scale-$$"
cleanup() { tmux -L "$sock" kill-server >/dev/null 2>&1 || true; rm -rf "$ws" "$home"; }
trap cleanup EXIT
mkdir -p "$ws/.hermes" "$home/.claude/projects"
tmux -L "$sock" new-session -d -s keepalive "sleep 3600"
name=$(basename "$ws")
python3 - "$ws/.hermes/agent-sessions.yaml" "$rows" "$name" "$ws" <<'PY'
import sys
path, rows, name, ws = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(path, "w") as f:
    f.write(f"# {rows} sessions\nversion: 1\nworkspace: {name}\nsessions:\n")
    for i in range(rows):
        status = "running" if i == rows // 2 else "archived"
        f.write(f"""  - name: {name}-project{i:05d}-creator-claude
    agent: claude
    project: project{i:05d}
    cwd: {ws}/p{i:05d}
    status: {status}
    last_visible_status: {status}
    created_at: 2026-01-01T00:00:00Z
    updated_at: 2026-01-01T00:00:00Z
    claude_session_id_own: 87dc548e-0d1c-4a59-9f3e-{i:012d}
""")
PY
cp "$ws/.hermes/agent-sessions.yaml" "$out/registry.yaml"
size=$(stat -c %s "$ws/.hermes/agent-sessions.yaml")
export HOME="$home" CLAUDE_CONFIG_DIR="$home/.claude"
args=(reconcile --once --emit-diff --workspace "$ws" --tmux-socket "$sock")

# One run under GNU time; prints "seconds kilobytes cpu-seconds" (user + system: on a loaded machine the
# wall time is mostly waiting for a core).
measure() {
  /usr/bin/time -v -o "$out/time.txt" "$@" >"$out/stdout.json" 2>"$out/stderr.txt" || true
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = t[n] + (n > 1 ? t[n-1] * 60 : 0) + (n > 2 ? t[n-2] * 3600 : 0) }
              /Maximum resident set size/ { kb = $2 }
              /User time|System time/ { cpu += $2 }
              END { printf "%.2f %d %.2f\n", s, kb, cpu }' "$out/time.txt"
}

echo "rows: $rows, registry: $size bytes, binary: $BIN, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| pass | run | wall s | CPU s | peak RSS MB |"
echo "| --- | ---: | ---: | ---: | ---: |"
for r in $(seq 1 "$runs"); do
  read -r s kb cpu < <(measure "$BIN" "${args[@]}" --dry-run)
  cmp -s "$ws/.hermes/agent-sessions.yaml" "$out/registry.yaml" || { echo "the dry run changed the registry"; exit 1; }
  printf '| dry run | %d | %.2f | %.2f | %.1f |\n' "$r" "$s" "$cpu" "$(echo "$kb / 1024" | bc -l)"
done
for r in $(seq 1 "$runs"); do
  read -r s kb cpu < <(measure "$BIN" status --workspace "$ws" --tmux-socket "$sock")
  printf '| status | %d | %.2f | %.2f | %.1f |\n' "$r" "$s" "$cpu" "$(echo "$kb / 1024" | bc -l)"
done
for r in $(seq 1 "$runs"); do
  cp "$out/registry.yaml" "$ws/.hermes/agent-sessions.yaml"
  rm -rf "$ws/.hermes/"*.bak "$ws/.cache" 2>/dev/null || true  # the drift state lives in .cache: every write pass starts from none
  read -r s kb cpu < <(measure "$BIN" "${args[@]}")
  cmp -s "$ws/.hermes/agent-sessions.yaml" "$out/registry.yaml" && { echo "the write pass wrote nothing:"; cat "$out/stderr.txt"; exit 1; }
  printf '| write pass | %d | %.2f | %.2f | %.1f |\n' "$r" "$s" "$cpu" "$(echo "$kb / 1024" | bc -l)"
done
diff "$out/registry.yaml" "$ws/.hermes/agent-sessions.yaml" | head -20 >"$out/written.diff" || true
