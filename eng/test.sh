#!/usr/bin/env bash
# Runs every test of the solution, the way CI does. Installs the tools the tests drive
# (tmux, mosquitto, flock) from Debian's packages when they are missing and we are root.
# Last line: "N passed, N failed". Exit code non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v mosquitto >/dev/null 2>&1 || need+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v flock >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
      || { echo "could not install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
  else
    echo "missing ${need[*]}: install them (apt-get install ${need[*]}) and run again"
    echo "0 passed, 1 failed"; exit 1
  fi
fi

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

if ! dotnet build AgentSessions.Reconcile.sln -c Release -warnaserror -nologo; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test AgentSessions.Reconcile.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true
rc=$?

python3 - "$results" "$rc" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
folder, rc = sys.argv[1], int(sys.argv[2])
passed = failed = skipped = 0
files = glob.glob(f"{folder}/**/*.trx", recursive=True)
for f in files:
    c = ET.parse(f).getroot().find("{*}ResultSummary/{*}Counters")
    if c is None:
        failed += 1
        continue
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
if rc != 0 and failed == 0:
    failed = 1  # the runner failed without a failed test (crash, missing results)
if not files:
    failed = max(failed, 1)
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
PY
