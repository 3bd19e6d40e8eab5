#!/usr/bin/env bash
# The once-a-minute pane reads (docs/attention.md) at 100 sessions: every pane due (the pane-read
# cache removed before each run), two framework-dependent CLI builds interleaved, 5 rounds; prints
# wall time and tmux processes per run (a counting tmux wrapper on PATH). Needs tmux. Cleans up.
#   OLD=dir/of/old/publish NEW=dir/of/new/publish bash eng/bench-panes.sh
set -euo pipefail
declare -A dirs=([old]="${OLD:?OLD=publish dir of the old CLI}" [new]="${NEW:?NEW=publish dir of the new CLI}")
sessions=100
bin=$(mktemp -d /tmp/asr-panes-bin.XXXXXX); log=$bin/calls.log
printf '#!/bin/sh\necho x >> %s\nexec %s "$@"\n' "$log" "$(command -v tmux)" > "$bin/tmux"; chmod +x "$bin/tmux"
ws=$(mktemp -d /tmp/asr-panes-ws.XXXXXX); home=$(mktemp -d /tmp/asr-panes-home.XXXXXX); sock="asr-panes-$$"
cleanup() { tmux -L "$sock" kill-server >/dev/null 2>&1 || true; rm -rf "$ws" "$home" "$bin" "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"; }
trap cleanup EXIT
mkdir -p "$ws/.hermes" "$home/.claude/projects"
name=$(basename "$ws")
{ echo "version: 1"; echo "workspace: $name"; echo "sessions:"
  for i in $(seq 1 $sessions); do mkdir -p "$ws/p$i"; printf '  - name: %s\n    agent: claude\n    project: p%s\n    cwd: %s\n    status: running\n    created_at: 2026-01-01T00:00:00Z\n    updated_at: 2026-01-01T00:00:00Z\n' "$name-p$i-creator-claude" "$i" "$ws/p$i"; done; } >"$ws/.hermes/agent-sessions.yaml"
for i in $(seq 1 $sessions); do tmux -L "$sock" new-session -d -s "$name-p$i-creator-claude" -c "$ws/p$i" "printf 'Do you want to proceed?\n  1. Yes\n  2. No\n'; sleep 86400"; done
for _ in $(seq 300); do [ "$(tmux -L "$sock" capture-pane -p -t "=$name-p$sessions-creator-claude:" 2>/dev/null | grep -c "2. No")" = 1 ] && break; sleep 0.1; done
export HOME="$home" CLAUDE_CONFIG_DIR="$home/.claude" PATH=$bin:$PATH
args=(reconcile --once --emit-diff --dry-run --workspace "$ws" --tmux-socket "$sock")
for v in old new; do rm -rf "$ws/.cache"; : > $log; dotnet "${dirs[$v]}/agent-sessions.dll" status --json --workspace "$ws" --tmux-socket "$sock" > $bin/$v.status 2>&1 || true; echo "status $v: tmux processes $(wc -l < $log), waiting rows $(grep -o "\"state\":\"waiting\"" $bin/$v.status | wc -l)"; done
for round in 1 2 3 4 5; do
  for v in old new; do
    rm -rf "$ws/.cache"; : > $log
    s=$(date +%s%N); dotnet "${dirs[$v]}/agent-sessions.dll" "${args[@]}" > $bin/$v.out 2>&1 || true; e=$(date +%s%N)
    echo "round $round $v: $(( (e-s)/1000000 )) ms, tmux processes $(wc -l < $log)"
  done
done
