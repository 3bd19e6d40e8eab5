#!/usr/bin/env bash
# Scale benchmark of one probe pass: 200 tmux sessions on a private server (-L asr-bench-<guid>)
# and 20,000 Claude transcripts in 200 project folders, next to the quiet floor (bare
# `tmux list-panes -a` + one stat per folder; the baseline), the listing floors and the naive way (one `has-session`
# per session), all in one BenchmarkDotNet run. Needs tmux. Cleans up its server and files.
# Usage: eng/bench-probe.sh [extra BenchmarkDotNet args]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux is required"; exit 1; }
dotnet build tests/AgentSessions.Reconcile.Benchmarks -c Release -warnaserror -nologo -v:q
dotnet run -c Release --no-build --project tests/AgentSessions.Reconcile.Benchmarks -- \
  --filter '*ProbeBenchmarks*' --join "$@"
