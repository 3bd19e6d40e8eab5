#!/usr/bin/env python3
# Wall time of commands run interleaved (each round runs every command once, in a random order),
# so a load that comes and goes on a shared machine hits all of them alike. Prints a markdown
# table of medians, relative to the first command. Each command is a JSON argument list.
#   python3 eng/bench-interleaved.py ROUNDS NAME '["cmd","arg"]' NAME '["cmd2"]' ...
import os, sys, time, random, statistics, json
n=int(sys.argv[1]); pairs=list(zip(sys.argv[2::2], [json.loads(a) for a in sys.argv[3::2]]))
devnull=os.open(os.devnull, os.O_WRONLY)
def run(argv):
    t=time.perf_counter_ns()
    pid=os.posix_spawnp(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),(os.POSIX_SPAWN_DUP2, devnull, 2)])
    _,st=os.waitpid(pid,0)
    dt=time.perf_counter_ns()-t
    if os.waitstatus_to_exitcode(st)!=0: raise SystemExit(f"{argv} failed")
    return dt/1e6
times={k:[] for k,_ in pairs}
for _ in range(3):
    for k,a in pairs: run(a)
for _ in range(n):
    order=pairs[:]; random.shuffle(order)
    for k,a in order: times[k].append(run(a))
base=statistics.median(times[pairs[0][0]])
print(f"| command | median ms | min ms | relative (median) |")
print(f"| --- | ---: | ---: | ---: |")
for k,_ in pairs:
    m=statistics.median(times[k]); print(f"| {k} | {m:.1f} | {min(times[k]):.1f} | {m/base:.2f} |")
