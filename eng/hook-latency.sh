#!/usr/bin/env bash
# Issue #18: how long `agent-sessions hook` takes, as Claude Code runs it (a new process per event),
# with the Native AOT tool. Publishes the AOT tool to a temp folder, makes a throwaway workspace,
# runs one PreToolUse event 40 times and prints p50/p90/max in ms. Cleans up.
# Usage: eng/hook-latency.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-40}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish src/AgentSessions.Reconcile.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$out/aot" -nologo -v:q >/dev/null
mkdir -p "$out/ws/.hermes" "$out/ws/api"
echo "version: 1" > "$out/ws/.hermes/agent-sessions.yaml"
python3 - "$out" "$runs" <<'PY'
import json, subprocess, sys, time
out, runs = sys.argv[1], int(sys.argv[2])
event = json.dumps({"session_id": "bench-1", "transcript_path": out + "/t.jsonl", "cwd": out + "/ws/api",
                    "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Bash",
                    "tool_input": {"command": "ls"}}).encode()
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run([out + "/aot/agent-sessions", "hook"], input=event, check=True)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"agent-sessions hook (Native AOT), {runs} runs: p50 {times[runs // 2]:.1f} ms, "
      f"p90 {times[int(runs * 0.9)]:.1f} ms, max {times[-1]:.1f} ms")
PY
