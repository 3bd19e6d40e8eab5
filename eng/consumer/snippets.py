#!/usr/bin/env python3
"""Makes one console project per C# example of the README and the package READMEs, for the consumer test.

    python3 eng/consumer/snippets.py OUT README.md nuget/*.md

Each ```csharp block becomes OUT/<file>-<n>/Program.cs as written (top-level statements). The
project is what a user makes: `dotnet new console` (net10.0, implicit usings, nullable), warnings
as errors, plus the packages the text names with `dotnet add package ID` in the file's "## Install"
section and in the block's own section (its heading down to the block's end). Nothing else is added.

A fragment (an example that uses a variable it does not declare) is preceded by one line
`<!-- context: C# -->`: that C# goes into Context.cs beside Program.cs, for example
`partial class Program { static readonly string tempDir = ...; }`. The example itself stays verbatim.

Prints one line per project: its folder, where the example is (file and heading), and its packages."""
import pathlib, re, sys

CSPROJ = """<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
</Project>
"""
ADD = re.compile(r"dotnet\s+add\s+package\s+([A-Za-z0-9_.]+)")
CONTEXT = re.compile(r"^<!-- context: (.*) -->$")


def packages(text):
    return list(dict.fromkeys(ADD.findall(text)))


def main(out, files):
    out = pathlib.Path(out)
    for name in files:
        path = pathlib.Path(name)
        lines = path.read_text(encoding="utf-8").splitlines()
        install = []
        for i, line in enumerate(lines):
            if line.strip() == "## Install":
                end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("## ")), len(lines))
                install = lines[i:end]
        n = 0
        i = 0
        while i < len(lines):
            if lines[i] != "```csharp":
                i += 1
                continue
            end = lines.index("```", i + 1)
            heading = next((j for j in range(i, -1, -1) if lines[j].startswith("#")), 0)
            n += 1
            project = out / f"{path.stem}-{n}"
            project.mkdir(parents=True)
            (project / "app.csproj").write_text(CSPROJ, encoding="utf-8")
            (project / "Program.cs").write_text("\n".join(lines[i + 1:end]) + "\n", encoding="utf-8")
            if i > 0 and (context := CONTEXT.match(lines[i - 1])):
                (project / "Context.cs").write_text(context.group(1) + "\n", encoding="utf-8")
            ids = packages("\n".join(install + lines[heading:end]))
            if not ids:
                sys.exit(f"{name}:{i + 1}: the text adds no package for this example (say `dotnet add package ID`)")
            print(f"{project}\t{name}: {lines[heading].lstrip('# ')}\t{' '.join(ids)}")
            i = end + 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
