#!/usr/bin/env python3
"""Fleet read benchmark (docs/fleet.md, docs/performance.md): HOSTS x SESSIONS of signed, retained
status on one local mosquitto, then `agent-sessions status --fleet --json` RUNS times.
Reports the median wall time and CPU time (user+sys) of the CLI process, and how many hosts and
sessions it showed. Not a test: a measurement, printed as one Markdown table.
  python3 eng/bench-fleet.py [CLI_DLL] [HOSTS=200] [SESSIONS=20] [RUNS=7]
CLI_DLL defaults to the Release build (dotnet build src/AgentSessions.Reconcile.Cli -c Release); a path
not ending in .dll is run as an executable (a Native AOT publish, as the tool ships)."""
import hmac, hashlib, json, os, resource, socket, statistics, subprocess, sys, tempfile, time
from datetime import datetime, timezone

cli = sys.argv[1] if len(sys.argv) > 1 else "src/AgentSessions.Reconcile.Cli/bin/Release/net10.0/agent-sessions.dll"
hosts, sessions, runs = (int(sys.argv[i]) if len(sys.argv) > i else d for i, d in ((2, 200), (3, 20), (4, 7)))
key = "bench-fleet-key"
prefix = "agent-sessions/fleet"

run = (lambda *a: ["dotnet", cli, *a]) if cli.endswith(".dll") else (lambda *a: [cli, *a])

def canon(o):
    return json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

port = free_port()
folder = tempfile.mkdtemp(prefix="asr-bench-fleet-")
conf = os.path.join(folder, "mosquitto.conf")
with open(conf, "w") as f:
    f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\nmax_queued_messages 100000\n")
broker = subprocess.Popen(["mosquitto", "-c", conf])
try:
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = []
    for h in range(hosts):
        host, ws = f"host-{h:03d}", "lab"
        rows = [{"name": f"lab-agent-{s:02d}-claude", "registered": True, "status": "running", "last_visible_status": "running",
                 "live": "alive", "pane": {"pid": 1000 + s, "cmd": "claude", "cwd": f"/home/u/lab/agent-{s:02d}", "live": True},
                 "claude_session_id_own": "0f6e2a4c-1b2d-4e5f-8a9b-0c1d2e3f4a5b", "agy_session_id_own": None, "last_drift": None}
                for s in range(sessions)]
        status = {"version": 1, "workspace": ws, "workspace_root": "/home/u/lab", "registry": "/home/u/lab/.hermes/agent-sessions.yaml",
                  "registry_exists": True, "tmux": {"known": True, "reason": None}, "sessions": rows,
                  "host": host, "published_at": now, "interval": 60}
        status["sig"] = hmac.new(key.encode(), canon(status), hashlib.sha256).hexdigest()
        lines.append((f"{prefix}/hosts/{host}/workspaces/{ws}/status", canon(status)))
        presence = {"host": host, "online": True}
        presence["sig"] = hmac.new(key.encode(), canon(presence), hashlib.sha256).hexdigest()
        lines.append((f"{prefix}/hosts/{host}/online", canon(presence)))
    size = sum(len(p) for _, p in lines)
    for topic, payload in lines:
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-r", "-t", topic, "-s"], input=payload, check=True)

    env = dict(os.environ, AGENT_SESSIONS_FLEET_KEY=key)
    walls, cpus, shown = [], [], None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        out = subprocess.run(run("status", "--fleet", "--json", "--broker", f"mqtt://127.0.0.1:{port}"),
                             env=env, capture_output=True, check=True).stdout
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        fleet = json.loads(out)
        shown = (len(fleet["hosts"]), sum(len(w["sessions"]) for h in fleet["hosts"] for w in h["workspaces"]), fleet["rejected"])
    floor = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(run("--version"), capture_output=True, check=True)
        floor.append(time.perf_counter() - start)
    print(f"| retained | shown (hosts, sessions, rejected) | status --fleet wall (median of {runs}) | its CPU (user+sys) | `--version` wall (start-up floor) |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| {hosts} hosts x {sessions} sessions, {size / 1e6:.1f} MB | {shown} | {statistics.median(walls):.2f} s | {statistics.median(cpus):.2f} s | {statistics.median(floor):.2f} s |")
finally:
    broker.kill()
    broker.wait()
