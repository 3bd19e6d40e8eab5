#!/usr/bin/env bash
# Cold-start wall time of `agent-sessions reconcile --once --emit-diff --dry-run` at N sessions,
# next to a bare `tmux list-panes -a` (the floor: one tmux process start), in one run.
# Builds: framework-dependent (dotnet agent-sessions.dll and the apphost, as `dotnet tool install`
# runs it), ReadyToRun, and Native AOT. Uses hyperfine when installed (apt-get install hyperfine),
# else a date +%s%N loop. Results: artifacts/bench-cli.md.
#   bash eng/bench-cli.sh [SESSIONS=50] [RUNS=20]
# BASELINE=/path/to/another/agent-sessions (e.g. an AOT build of an older commit) adds an interleaved
# comparison (eng/bench-interleaved.py, 10×RUNS rounds, medians): tmux, BASELINE, this Native AOT.
# AOT=/path/to/agent-sessions skips the builds and hyperfine: only that interleaved comparison, with
# AOT as "this Native AOT" (e.g. BASELINE=old/agent-sessions AOT=new/agent-sessions bash eng/bench-cli.sh 100 30).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
sessions=${1:-50}
runs=${2:-20}
out=artifacts/bench-cli
rm -rf "$out"
mkdir -p "$out"
proj=src/AgentSessions.Reconcile.Cli/AgentSessions.Reconcile.Cli.csproj

if [ -z "${AOT:-}" ]; then
echo "building (framework-dependent, ReadyToRun, Native AOT)…" >&2
dotnet publish "$proj" -c Release -o "$out/fdd" -warnaserror >"$out/build.log" 2>&1
dotnet publish "$proj" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/r2r" -warnaserror >>"$out/build.log" 2>&1
dotnet publish "$proj" -c Release -r linux-x64 -p:PublishAot=true -o "$out/aot" -warnaserror >>"$out/build.log" 2>&1
fi
aot=${AOT:-$out/aot/agent-sessions}

ws=$(mktemp -d /tmp/asr-bench-ws.XXXXXX)
home=$(mktemp -d /tmp/asr-bench-home.XXXXXX)
sock="asr-bench-$$"
cleanup() { tmux -L "$sock" kill-server >/dev/null 2>&1 || true; rm -rf "$ws" "$home"; }
trap cleanup EXIT
mkdir -p "$ws/.hermes" "$home/.claude/projects" "$home/.gemini/antigravity-cli"
name=$(basename "$ws")
{
  echo "version: 1"
  echo "workspace: $name"
  echo "sessions:"
  for i in $(seq 1 "$sessions"); do
    mkdir -p "$ws/p$i"
    cat <<ROW
  - name: $name-p$i-creator-claude
    agent: claude
    project: p$i
    cwd: $ws/p$i
    status: running
    last_visible_status: running
    last_visible_note: bench
    created_at: 2026-01-01T00:00:00Z
    updated_at: 2026-01-01T00:00:00Z
    claude_session_id_own: null
ROW
  done
} >"$ws/.hermes/agent-sessions.yaml"
for i in $(seq 1 "$sessions"); do
  tmux -L "$sock" new-session -d -s "$name-p$i-creator-claude" -c "$ws/p$i" "sleep 86400"
done
before=$(sha256sum "$ws/.hermes/agent-sessions.yaml")

args=(reconcile --once --emit-diff --dry-run --workspace "$ws" --tmux-socket "$sock")
export HOME="$home" CLAUDE_CONFIG_DIR="$home/.claude"
q() { printf '%q ' "$@"; }
declare -A cmds=(
  ["tmux list-panes -a"]="$(q tmux -L "$sock" list-panes -a -F '#{session_name} #{pane_pid} #{pane_current_command} #{pane_current_path}')"
  ["dotnet agent-sessions.dll"]="$(q dotnet "$out/fdd/agent-sessions.dll" "${args[@]}")"
  ["apphost (framework-dependent)"]="$(q "$out/fdd/agent-sessions" "${args[@]}")"
  ["ReadyToRun apphost"]="$(q "$out/r2r/agent-sessions" "${args[@]}")"
  ["Native AOT"]="$(q "$out/aot/agent-sessions" "${args[@]}")"
)
order=("tmux list-panes -a" "dotnet agent-sessions.dll" "apphost (framework-dependent)" "ReadyToRun apphost" "Native AOT")

if [ -n "${AOT:-}" ]; then
  j() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@"; }
  pairs=("tmux list-panes -a" "$(j tmux -L "$sock" list-panes -a -F '#{session_name} #{pane_pid} #{pane_current_command} #{pane_current_path}')")
  [ -n "${BASELINE:-}" ] && pairs+=("BASELINE ($BASELINE)" "$(j "$BASELINE" "${args[@]}")")
  pairs+=("Native AOT ($AOT)" "$(j "$AOT" "${args[@]}")")
  echo "sessions: $sessions, $((runs * 10)) rounds interleaved, load: $(cut -d' ' -f1-3 /proc/loadavg)"; echo
  python3 eng/bench-interleaved.py $((runs * 10)) "${pairs[@]}"
  [ "$(sha256sum "$ws/.hermes/agent-sessions.yaml")" = "$before" ] || { echo "dry run changed the registry"; exit 1; }
  exit 0
fi

# Sanity: every build gives the same report shape and changes nothing.
for k in "${order[@]:1}"; do
  bash -c "${cmds[$k]}" >"$out/sample.json" 2>"$out/sample.err" || { echo "$k failed:"; cat "$out/sample.err"; exit 1; }
done
[ "$(sha256sum "$ws/.hermes/agent-sessions.yaml")" = "$before" ] || { echo "dry run changed the registry"; exit 1; }

{
  echo "sessions: $sessions, runs: $runs, $(nproc) cores, $(tmux -V), dotnet $(dotnet --version)"
  echo
  echo "| build | size | "
  echo "| --- | --- |"
  echo "| framework-dependent (dll + apphost) | $(du -sh "$out/fdd" | cut -f1) |"
  echo "| ReadyToRun | $(du -sh "$out/r2r" | cut -f1) |"
  echo "| Native AOT (binary only) | $(du -h "$out/aot/agent-sessions" | cut -f1) |"
  echo
} >"$out/../bench-cli.md"

if command -v hyperfine >/dev/null 2>&1; then
  hargs=()
  for k in "${order[@]}"; do hargs+=(-n "$k" "${cmds[$k]}"); done
  hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$out/hyperfine.md" "${hargs[@]}" >&2 || \
    hyperfine --warmup 3 --runs "$runs" --export-markdown "$out/hyperfine.md" "${hargs[@]}" >&2
  cat "$out/hyperfine.md" >>"$out/../bench-cli.md"
else
  echo "| command | mean ms | min ms | max ms |" >>"$out/../bench-cli.md"
  echo "| --- | --- | --- | --- |" >>"$out/../bench-cli.md"
  for k in "${order[@]}"; do
    for _ in 1 2 3; do bash -c "${cmds[$k]}" >/dev/null 2>&1; done
    times=()
    for _ in $(seq 1 "$runs"); do
      t0=$(date +%s%N); bash -c "${cmds[$k]}" >/dev/null 2>&1; t1=$(date +%s%N)
      times+=($(( (t1 - t0) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | awk -v k="$k" '{s+=$1; if(min==""||$1<min)min=$1; if($1>max)max=$1} END {printf "| %s | %.1f | %.1f | %.1f |\n", k, s/NR/1000, min/1000, max/1000}' >>"$out/../bench-cli.md"
  done
fi
if [ -n "${BASELINE:-}" ]; then
  j() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@"; }
  { echo; echo "Interleaved, $((runs * 10)) rounds:"; echo
    python3 eng/bench-interleaved.py $((runs * 10)) \
      "tmux list-panes -a" "$(j tmux -L "$sock" list-panes -a -F '#{session_name} #{pane_pid} #{pane_current_command} #{pane_current_path}')" \
      "BASELINE ($BASELINE)" "$(j "$BASELINE" "${args[@]}")" \
      "Native AOT" "$(j "$aot" "${args[@]}")"; } >>"$out/../bench-cli.md"
fi
[ "$(sha256sum "$ws/.hermes/agent-sessions.yaml")" = "$before" ] || { echo "dry run changed the registry"; exit 1; }
cat "$out/../bench-cli.md"
