#!/usr/bin/env bash
# Drop-in for the seed skill's reconcile.sh: every argument goes to `agent-sessions reconcile`,
# so the seed's command lines work unchanged:
#   bash skills/tmux-agent-orchestrate-monitor/scripts/reconcile.sh --once --emit-diff [--dry-run]
#   bash skills/tmux-agent-orchestrate-monitor/scripts/reconcile.sh --subscribe --idle-timeout 300 --timeout 3600
# Exit codes are the tool's (docs/cli.md), plus 127 when the tool is not installed.
set -u
if command -v agent-sessions >/dev/null 2>&1; then
  tool=agent-sessions
elif [ -n "${HOME:-}" ] && [ -x "$HOME/.dotnet/tools/agent-sessions" ]; then
  tool="$HOME/.dotnet/tools/agent-sessions"
else
  echo "reconcile.sh: the agent-sessions tool is not installed (not on PATH, not in ~/.dotnet/tools); install it with 'dotnet tool install -g AgentSessions.Reconcile.Cli' (the .NET 10 SDK; from a clone, see the README's local-feed install), then run this again." >&2
  exit 127
fi
exec "$tool" reconcile "$@"
