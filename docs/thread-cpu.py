#!/usr/bin/env python3
"""CPU seconds per thread name, every second, for a running JVM (see docs/profiling.md).

Usage: python3 docs/thread-cpu.py PID OUT.log   (runs until the process ends)
Thread names are the kernel's (15 characters); digits are folded so subtasks add up.
"""
import collections
import os
import re
import sys
import time


def sample(pid):
    """utime + stime (clock ticks) per thread id, with the thread's name."""
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue  # the thread ended
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        threads[tid] = (name, int(fields[11]) + int(fields[12]))
    return threads


def main(pid, out_path):
    hz = os.sysconf("SC_CLK_TCK")
    previous = {}
    with open(out_path, "w") as out:
        while os.path.exists(f"/proc/{pid}"):
            try:
                current = sample(pid)
            except OSError:
                break
            used = collections.Counter()
            for tid, (name, ticks) in current.items():
                used[re.sub(r"\d+", "#", name)] += ticks - previous.get(tid, (name, 0))[1]
            previous = current
            busiest = " | ".join(f"{name}={ticks / hz:.2f}" for name, ticks in used.most_common(8) if ticks)
            out.write(f"{time.strftime('%T')} total={sum(used.values()) / hz:.2f} {busiest}\n")
            out.flush()
            time.sleep(1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
