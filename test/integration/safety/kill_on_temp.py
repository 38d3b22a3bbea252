#!/usr/bin/env python3
"""kill_on_temp.py PID DIR...: SIGKILLs PID as soon as a temporary file (`.NAME.tmp-XXXXXX`, the
atomic writer's naming) appears in one of the DIRs, so the kill lands while a file is being
written, which a kill after a fixed delay hits only by luck (writing is a short part of a run).

Prints what it did and exits 0 when it killed PID while such a file existed, 1 when PID ended
first. Polls every 0.2 ms: inotify would miss a folder that the run creates itself.
"""
import os
import signal
import sys
import time


def alive(pid):
    # A child that has exited stays a zombie until its parent waits for it.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def temp_file(folders):
    for d in folders:
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for n in names:
            if n.startswith(".") and ".tmp-" in n:
                return os.path.join(d, n)
    return None


def main():
    pid, folders = int(sys.argv[1]), sys.argv[2:]
    while alive(pid):
        found = temp_file(folders)
        if found:
            os.kill(pid, signal.SIGKILL)
            name = os.path.basename(found)
            print(f"killed while {name[:name.index('.tmp-')]}.tmp-* existed")
            return 0
        time.sleep(0.0002)
    print("the run ended before a temporary file appeared")
    return 1


if __name__ == "__main__":
    sys.exit(main())
