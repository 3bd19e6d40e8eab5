#!/usr/bin/env bash
# Issue #18: a quiet probe pass at 50 live sessions (private tmux server -L asr-attn-bench-<guid>,
# a transcript, a hook record and a Claude per-process file each) with attention observed or not,
# in one BenchmarkDotNet run (in process: a loaded box times out its boilerplate build); the ratio
# On/Off is the cost of attention. Needs tmux. Cleans up.
# Usage: eng/bench-attention.sh [extra BenchmarkDotNet args]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux is required"; exit 1; }
dotnet build tests/AgentSessions.Reconcile.Benchmarks -c Release -warnaserror -nologo -v:q
dotnet run -c Release --no-build --project tests/AgentSessions.Reconcile.Benchmarks -- \
  --filter '*AttentionBenchmarks*' --join --inProcess --warmupCount 3 --iterationCount 30 "$@"
