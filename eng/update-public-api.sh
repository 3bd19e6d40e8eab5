#!/usr/bin/env bash
# Adds every symbol the PublicApiAnalyzers report as undeclared (RS0016) to the project's
# PublicAPI.Unshipped.txt, and drops entries reported as removed (RS0017).
# Usage: eng/update-public-api.sh [project.csproj ...]   (default: every shipped src project)
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  mapfile -t projects < <(ls src/*/*.csproj)
fi
for proj in "${projects[@]}"; do
  dir=$(dirname "$proj")
  [ -f "$dir/PublicAPI.Unshipped.txt" ] || continue
  log=$(mktemp)
  dotnet build "$proj" --no-incremental -p:TreatWarningsAsErrors=false -nologo -v:q >"$log" 2>&1 || true
  python3 -c '
import re, sys
path, proj, log = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(log).read()
add = set(re.findall(r"RS0016: Symbol \x27(.+?)\x27 is not part of the declared public API", text))
remove = set(re.findall(r"RS0017: Symbol \x27(.+?)\x27 is part of the declared API", text))
lines = [l for l in open(path).read().splitlines() if l.strip() and l.strip() != "#nullable enable"]
lines = sorted((set(lines) | add) - remove)
open(path, "w").write("#nullable enable\n" + "".join(l + "\n" for l in lines))
print(f"{proj}: +{len(add)} -{len(remove)}")
' "$dir/PublicAPI.Unshipped.txt" "$proj" "$log"
  rm -f "$log"
done
