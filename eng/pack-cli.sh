#!/usr/bin/env bash
# Packs the agent-sessions tool as .NET 10 RID-specific packages: a pointer package, a portable
# framework-dependent fallback (`any`), and a Native AOT package for this machine's RID (AOT
# cannot cross-compile between OSes: run this on each OS/arch runner you ship, e.g. linux-x64,
# linux-arm64, osx-arm64, win-x64, and push all packages together).
#   bash eng/pack-cli.sh [OUTPUT=artifacts/packages] [RID=linux-x64]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
out=${1:-artifacts/packages}
rid=${2:-linux-x64}
proj=src/AgentSessions.Reconcile.Cli/AgentSessions.Reconcile.Cli.csproj
dotnet pack "$proj" -c Release -warnaserror -p:NativeToolPackages=true -o "$out"
dotnet pack "$proj" -c Release -warnaserror -p:NativeToolPackages=true -r any -o "$out"
dotnet pack "$proj" -c Release -warnaserror -p:NativeToolPackages=true -r "$rid" -o "$out"
ls -la "$out"/AgentSessions.Reconcile.Cli*.nupkg
