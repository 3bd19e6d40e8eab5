#!/usr/bin/env bash
# Packs the agent-sessions tool as .NET 10 RID-specific packages: a pointer package, a portable
# framework-dependent fallback (`any`), and a Native AOT package for this machine's RID (AOT
# cannot cross-compile between OSes: run this on each OS/arch runner you ship, e.g. linux-x64,
# linux-arm64, osx-arm64, win-x64, and push all packages together).
# The tool packages carry no .pdb or .dbg; each implementation package gets a legacy
# OUTPUT/symbols/<id>.<version>.symbols.nupkg with its symbols (the AOT .dbg is native, so it
# cannot go in a .snupkg; keep these with the release).
#   bash eng/pack-cli.sh [OUTPUT=artifacts/packages] [RID=linux-x64]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
out=${1:-artifacts/packages}
rid=${2:-linux-x64}
proj=src/AgentSessions.Reconcile.Cli/AgentSessions.Reconcile.Cli.csproj
bin=src/AgentSessions.Reconcile.Cli/bin/Release/net10.0
dotnet pack "$proj" -c Release -warnaserror -p:NativeToolPackages=true -o "$out"
dotnet pack "$proj" -c Release -warnaserror -p:NativeToolPackages=true -r any -o "$out"
dotnet pack "$proj" -c Release -warnaserror -p:NativeToolPackages=true -r "$rid" -o "$out"

# symbols.nupkg = the tool package's metadata + the symbols at the same tools/ path.
mkdir -p "$out/symbols"
python3 - "$out" "$bin" "$rid" <<'PY'
import glob, os, sys, zipfile
out, bin, rid = sys.argv[1:]
for r in ("any", rid):
    pkg, = glob.glob(f"{out}/AgentSessions.Reconcile.Cli.{r}.*.nupkg")
    files = sorted(glob.glob(f"{bin}/{r}/*.pdb") + glob.glob(f"{bin}/{r}/native/*.dbg"))
    if not files:
        sys.exit(f"no symbols for {r} under {bin}/{r}")
    dest = f"{out}/symbols/{os.path.basename(pkg)[:-len('.nupkg')]}.symbols.nupkg"
    with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        tools = None
        for e in src.infolist():
            if e.filename.startswith("tools/"):
                tools = e.filename.rsplit("/", 1)[0]
                continue
            data = src.read(e)
            if e.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Default Extension="pdb" ContentType="application/octet" />'
                                    b'<Default Extension="dbg" ContentType="application/octet" /></Types>')
            z.writestr(e, data)
        for f in files:
            z.write(f, f"{tools}/{os.path.basename(f)}")
    print(f"{dest}: {', '.join(os.path.basename(f) for f in files)}")
    with zipfile.ZipFile(pkg) as p:
        bad = [n for n in p.namelist() if n.endswith((".pdb", ".dbg"))]
        if bad:
            sys.exit(f"{pkg} carries symbols: {bad}")
PY
ls -la "$out"/AgentSessions.Reconcile.Cli*.nupkg
