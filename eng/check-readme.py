#!/usr/bin/env python3
"""Checks the README: under 10 KB, and every command in its ```bash blocks is run by CI.

A command counts as run when its text appears in one of the scripts below (after dropping the
"$repo"/ prefix the consumer test puts before repository paths). The C# examples are compiled as
written by the consumer test (eng/consumer/snippets.py), and quick start 3 is run by ReadmeExampleTests.
Prints the commands and where each runs; exits 1 on the first problem."""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
readme = (root / "README.md").read_text(encoding="utf-8")
runners = ["eng/consumer-test.sh", ".ci/run"]
texts = {
    r: "\n".join(l for l in (root / r).read_text(encoding="utf-8").replace('"$repo"/', "").splitlines() if not l.lstrip().startswith("#"))
    for r in runners
}

problems = []
size = len(readme.encode("utf-8"))
if size >= 10 * 1024:
    problems.append(f"README.md is {size} bytes; keep it under 10 KB (10240)")

commands = []
for block in re.findall(r"```bash\n(.*?)```", readme, re.S):
    for line in block.splitlines():
        cmd = re.sub(r"\s+#.*$", "", line).strip()
        if cmd and not cmd.startswith("#"):
            commands.append(cmd)
if not commands:
    problems.append("no commands found in README.md's bash blocks")

for cmd in commands:
    # the whole command: what follows it on the line is a redirection, a pipe or the end, not more arguments
    pattern = re.compile(re.escape(cmd) + r"(?=[ \t]*($|[>|);&]|2>))", re.M)
    where = [r for r, t in texts.items() if pattern.search(t)]
    print(f"{cmd}  ->  {', '.join(where) or 'NOT RUN'}")
    if not where:
        problems.append(f"README command not run by {' or '.join(runners)}: {cmd}")

for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
