import os, sys, json, sqlite3, tempfile, time
sys.path.insert(0, os.environ["HERMES_SRC"])
db = sys.argv[1]
os.environ["HERMES_KANBAN_DB"] = db
os.environ["HERMES_HOME"] = os.path.dirname(db)
import types
hs = types.ModuleType("hermes_state")
def apply_wal_with_fallback(conn, db_label=""):
    conn.execute("PRAGMA journal_mode=WAL"); return "wal"
hs.apply_wal_with_fallback = apply_wal_with_fallback
sys.modules["hermes_state"] = hs
from hermes_cli import kanban_db as kb
conn = kb.connect()
now = int(time.time())
def mk(tid, status="running", bk=None, br=0, goal=0, run=True):
    conn.execute("INSERT INTO tasks (id,title,assignee,status,created_at,started_at,claim_lock,claim_expires,worker_pid,goal_mode,block_kind,block_recurrences) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                 (tid,"Monitor","coder",status,100,100,"host:42",1000,4242,goal,bk,br))
    if run:
        cur = conn.execute("INSERT INTO task_runs (task_id,profile,status,claim_lock,claim_expires,worker_pid,started_at) VALUES (?,?,?,?,?,?,?)",(tid,"coder","running","host:42",1000,4242,100))
        conn.execute("UPDATE tasks SET current_run_id=? WHERE id=?",(cur.lastrowid,tid))
mk("t_a"); mk("t_b"); mk("t_c", bk="needs_input", br=1); mk("t_d"); mk("t_e", status="ready", run=False)
if len(sys.argv) > 2: sys.exit(0)
body = "  drift: ünïcode \"quoted\" \\ path\n\tdone 🚀  "
kb.add_comment(conn, "t_a", "coder", body)
kb.heartbeat_claim(conn, "t_a", claimer="host:42")
kb.heartbeat_worker(conn, "t_a", note="alive, 2 drifts", expected_run_id=1)
kb.block_task(conn, "t_b", reason="stop-requested by user", kind="needs_input", expected_run_id=2)
kb.block_task(conn, "t_c", reason="still", kind="needs_input", expected_run_id=3)
kb.block_task(conn, "t_d", reason="wait", kind="dependency", expected_run_id=4)
kb.block_task(conn, "t_e", reason="cannot start", kind=None)
print(now)
