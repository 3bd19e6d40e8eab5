#!/usr/bin/env bash
# The consumer test: what a .NET user meets, from the packages alone, with the README's commands as
# written (eng/check-readme.py checks that each README command is run here or by .ci/run).
# Needs the local feed made by `bash eng/pack-local.sh` (artifacts/local-feed). Runs outside the
# repository with its own HOME (global tools, NuGet user config) and package cache, so nothing
# cached from the repository's own builds can hide a broken package:
#   1. the README's install lines: the tool from the feed, the feed as a NuGet source;
#   2. a fresh console project, whose nuget.config maps AgentSessions.* to the local feed only,
#      adds AgentSessions.Reconcile and .Testing, builds, and runs a host of the monitor on the
#      Testing package's fakes (eng/consumer/Program.cs); then each C# example of the README and of
#      nuget/*.md, as written, in a console project with only the packages its text adds
#      (eng/consumer/snippets.py), and the README's DI quick start run outside Hermes (exit 78, one
#      sentence naming HERMES_KANBAN_TASK, no stack trace);
#   3. the installed tool: `--help`, then the README's skill commands in a temp workspace;
#   4. the README's main job, `dotnet run --project src/AgentSessions.Reconcile.Cli -- …`.
# Prints what failed and exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
[ -d artifacts/local-feed ] || { echo "consumer test: no artifacts/local-feed; run bash eng/pack-local.sh first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "consumer test: $*" >&2; exit 1; }
real_home=$HOME real_packages=${NUGET_PACKAGES:-}
export HOME=$tmp/home NUGET_PACKAGES=$tmp/packages DOTNET_CLI_HOME=$tmp/home
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$HOME"
log=$tmp/log
run() { "$@" >"$log" 2>&1 || { cat "$log"; fail "failed: $*"; }; }

# 0. Each package carries its own README (nuget/<PackageId>.md; the tool's RID packages, the tool's).
for pkg in artifacts/local-feed/*.nupkg; do
  id=$(basename "$pkg" | sed -E 's/\.[0-9]+\.[0-9]+\.[0-9]+.*\.nupkg$//; s/^(AgentSessions\.Reconcile\.Cli)\..*/\1/')
  cmp -s <(unzip -p "$pkg" README.md) "nuget/$id.md" || fail "$(basename "$pkg") does not carry nuget/$id.md as its README.md"
done

# 1. Install, as the README says (from the repository root).
run dotnet tool install -g AgentSessions.Reconcile.Cli --add-source artifacts/local-feed
run dotnet tool uninstall -g AgentSessions.Reconcile.Cli # reinstalled below by the "once published" line
run dotnet nuget add source "$PWD/artifacts/local-feed" --name agent-sessions-local

# 2. A fresh project that gets our packages from the local feed only.
app=$tmp/app
mkdir "$app"
cat >"$app/nuget.config" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSourceMapping>
    <packageSource key="agent-sessions-local"><package pattern="AgentSessions.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
cat >"$app/app.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
</Project>
XML
cp eng/consumer/Program.cs "$app/"
cd "$app"
run dotnet add package AgentSessions.Reconcile
run dotnet add package AgentSessions.Reconcile.Testing
run dotnet add package AgentSessions.Reconcile.Hosting
run dotnet add package Microsoft.Extensions.Hosting --version 10.0.0
run dotnet build -c Release -nologo
out=$(timeout 120 dotnet run -c Release --no-build) || { echo "$out"; fail "the host on the fakes failed"; }
echo "consumer host: $out"
version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$repo/Directory.Build.props")
feed=$repo/artifacts/local-feed
cached=$NUGET_PACKAGES/agentsessions.reconcile/$version
[ -d "$cached" ] || fail "AgentSessions.Reconcile $version was not restored into the isolated cache"
cmp -s <(unzip -p "$feed/AgentSessions.Reconcile.$version.nupkg" lib/net10.0/AgentSessions.Reconcile.dll) "$cached/lib/net10.0/AgentSessions.Reconcile.dll" \
  || fail "the restored AgentSessions.Reconcile.dll is not the one in the local feed"
[ -f "$cached/agent-sessions.schema.json" ] || fail "the core package lacks agent-sessions.schema.json"

# Each C# example, as written, with only the packages its text adds (a fragment's declared context
# beside it, eng/consumer/snippets.py).
(cd "$repo" && python3 eng/consumer/snippets.py "$tmp/examples" README.md nuget/*.md) >"$tmp/examples.tsv" 2>"$log" \
  || { cat "$log"; fail "could not extract the C# examples"; }
while IFS=$'\t' read -r -u 3 dir where ids; do
  cp "$app/nuget.config" "$dir/"
  cd "$dir"
  for id in $ids; do run dotnet add package "$id"; done
  dotnet build -c Release -nologo >"$log" 2>&1 || { cat "$log"; fail "$where: the example does not compile as written with $ids"; }
  echo "consumer example: $where: compiles with $ids"
done 3<"$tmp/examples.tsv"
# The README's DI quick start outside a Hermes worker: one sentence saying what to set, exit 78.
quick=$(awk -F'\t' '$2 ~ /^README.md: Quick start 2/ { print $1 }' "$tmp/examples.tsv")
[ -n "$quick" ] || fail "no C# example under README's Quick start 2"
cd "$quick"
code=0
env -u HERMES_KANBAN_TASK timeout 120 dotnet run -c Release --no-build >"$tmp/quick.txt" 2>&1 || code=$?
[ "$code" = 78 ] || { cat "$tmp/quick.txt"; fail "the README's DI host without HERMES_KANBAN_TASK exited $code, not 78"; }
grep -q "cannot start: No Hermes task: set HERMES_KANBAN_TASK" "$tmp/quick.txt" || { cat "$tmp/quick.txt"; fail "the README's DI host did not say to set HERMES_KANBAN_TASK"; }
! grep -qE "Unhandled exception|^ +at " "$tmp/quick.txt" || { cat "$tmp/quick.txt"; fail "the README's DI host printed a stack trace"; }
echo "consumer readme: the DI quick start without HERMES_KANBAN_TASK: $(grep -o 'cannot start: .*' "$tmp/quick.txt")"

# 3. The tool, with the "once published" line (it finds the local feed through the source above).
run dotnet tool install -g AgentSessions.Reconcile.Cli
export PATH=$HOME/.dotnet/tools:$PATH
native=$(find "$HOME/.dotnet/tools/.store" -path '*/linux-x64/agent-sessions' -type f | head -1)
[ -n "$native" ] && [ "$(head -c 4 "$native" | tail -c 3)" = ELF ] || fail "the installed tool is not the Native AOT binary"
agent-sessions --help >"$tmp/help.txt" || fail "agent-sessions --help exited non-zero"
grep -q reconcile "$tmp/help.txt" || fail "agent-sessions --help does not mention reconcile"
ws=$tmp/ws
mkdir -p "$ws/.hermes"
export AGENT_SESSIONS_STATE_DIR=$tmp/state
printf 'version: 1\nworkspace: lab\nsessions:\n  - name: lab-gone-creator-claude   # kept\n    agent: claude\n    status: running\n    created_at: 2026-01-01T00:00:00Z\n' >"$ws/.hermes/agent-sessions.yaml"
cp "$ws/.hermes/agent-sessions.yaml" "$tmp/before.yaml"
cd "$ws"
agent-sessions reconcile --once --emit-diff --dry-run >"$tmp/dry.json" || { cat "$tmp/dry.json"; fail "reconcile --once --emit-diff --dry-run exited non-zero"; }
cmp -s "$tmp/before.yaml" "$ws/.hermes/agent-sessions.yaml" || fail "the dry run changed the registry"
agent-sessions reconcile --once --emit-diff >"$tmp/wet.json" || { cat "$tmp/wet.json"; fail "reconcile --once --emit-diff exited non-zero"; }
python3 - "$tmp/dry.json" "$tmp/wet.json" "$ws/.hermes/agent-sessions.yaml" <<'PY' || fail "unexpected reports: $(cat "$tmp/dry.json" "$tmp/wet.json")"
import json, sys
dry, wet = (json.load(open(p)) for p in sys.argv[1:3])
assert dry["dry_run"] and not dry["registry_written"], dry
assert [(d["class"], d["session"], d["applied"]) for d in dry["drifts"]] == [("A", "lab-gone-creator-claude", False)], dry
assert wet["registry_written"] and [(d["class"], d["applied"]) for d in wet["drifts"]] == [("A", True)], wet
text = open(sys.argv[3]).read()
assert "status: terminated" in text and "# kept" in text, text
PY
echo "consumer tool: --help, a dry run (drift A, nothing written), then the repair (comment kept)"
agent-sessions demo >"$tmp/demo.txt" 2>&1 || { cat "$tmp/demo.txt"; fail "agent-sessions demo exited non-zero"; }
echo "consumer tool: agent-sessions demo ran to completion"
# The seed's command line through the shipped skill script, on the installed tool.
bash "$repo"/skills/tmux-agent-orchestrate-monitor/scripts/reconcile.sh --once --emit-diff --dry-run >"$tmp/skill.json" \
  || { cat "$tmp/skill.json"; fail "the skill's reconcile.sh failed"; }
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["dry_run"], r' "$tmp/skill.json" || fail "the skill's reconcile.sh printed $(cat "$tmp/skill.json")"
echo "consumer skill: scripts/reconcile.sh ran the installed tool"

# 4. The README's main job, from source, on an empty folder (the embedded default).
mkdir "$tmp/empty"
cd "$tmp/empty"
own=(-u DOTNET_CLI_HOME -u NUGET_PACKAGES HOME="$real_home") # the repository's own cache: it builds from source
[ -z "$real_packages" ] || own+=(NUGET_PACKAGES="$real_packages")
env "${own[@]}" timeout 300 \
  dotnet run --project "$repo"/src/AgentSessions.Reconcile.Cli -- reconcile --once --emit-diff >"$tmp/run.json" 2>"$log" \
  || { cat "$log"; fail "the README's main job failed"; }
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["drifts"] == [], r' "$tmp/run.json" || fail "the README's main job printed $(cat "$tmp/run.json")"
[ ! -e "$tmp/empty/.hermes" ] || fail "the README's main job wrote a registry into an empty folder"
echo "consumer readme: the main job ran from source on an empty folder"
