#!/usr/bin/env bash
# Packs every package into a local folder feed, artifacts/local-feed (or $1): the libraries, and
# the agent-sessions tool as on a release (pointer package, portable `any` fallback, Native AOT
# package for this machine's RID; see eng/pack-cli.sh). Then, as the README says:
#   dotnet tool install -g AgentSessions.Reconcile.Cli --add-source artifacts/local-feed
#   dotnet nuget add source "$PWD/artifacts/local-feed" --name agent-sessions-local
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
feed=${1:-artifacts/local-feed}
rm -rf "$feed"
# The libraries (the solution's pack also makes a portable tool package; the tool's release
# packages below replace it under the same id and version).
dotnet pack AgentSessions.Reconcile.sln -c Release -warnaserror -nologo -o "$feed"
bash eng/pack-cli.sh "$feed"
echo "local feed $feed:"
ls "$feed"
