#!/usr/bin/env bash
# Cross-checks the SQLite gateway against Hermes itself: the same scenario (comment, heartbeat with
# claim extension, block needs_input / loop to triage / dependency / never-claimed) is run once by
# Hermes's own hermes_cli.kanban_db and once by HermesSqliteKanbanGateway, on boards Hermes
# initialized; the full dumps of task_comments, task_events, tasks and task_runs (timestamps
# normalized) must be identical.
# Usage: run.sh <dir with a Hermes checkout: hermes_cli/, hermes_constants.py, toolsets.py>
# Not part of the test suite: it needs a Hermes source tree, which this repository does not ship.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export HERMES_SRC=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/hermes_side.py" "$work/hermes.db"
python3 "$here/hermes_side.py" "$work/gateway.db" setup-only
(cd "$here" && dotnet run GatewaySide.cs -- "$work/gateway.db" >/dev/null)
dump() {
  sqlite3 -header "$1" "SELECT * FROM task_comments; SELECT * FROM task_events; SELECT * FROM tasks ORDER BY id; SELECT * FROM task_runs ORDER BY id;" \
    | python3 -c 'import re,sys,time; now=int(time.time()); print(re.sub(r"\b1[0-9]{9}\b", lambda m: "NOW" if abs(int(m.group())-now) < 3600 else m.group(), sys.stdin.read()))'
}
dump "$work/hermes.db" >"$work/hermes.txt"
dump "$work/gateway.db" >"$work/gateway.txt"
diff -u "$work/hermes.txt" "$work/gateway.txt" && echo "identical: $(wc -l <"$work/hermes.txt") lines"
