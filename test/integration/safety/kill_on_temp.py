#!/usr/bin/env python3
"""kill_on_temp.py [--name NAME] PID DIR...: SIGKILLs PID as soon as a temporary file
(`.NAME.tmp-` and six random characters, the atomic writer's naming; of that NAME only, when
given) appears in one of the DIRs, so the kill lands while a file is being written, which a kill
after a fixed delay hits only by luck (writing is a short part of a run). Prints what it did and exits 0 when it killed
PID while such a file existed, 1 when PID ended first.

kill_on_temp.py [--name NAME] DIR... -- CMD...: starts CMD itself and watches it from its first
instant (a watcher started after a short run may start too late to see a file that lives for a
few milliseconds); prints what it did and exits with CMD's status (137 when it was killed).

Polls every 0.2 ms: inotify would miss a folder that the run creates itself.
"""
import os
import signal
import subprocess
import sys
import time


def alive(pid):
    # A child that has exited stays a zombie until its parent waits for it.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def temp_file(folders, name):
    for d in folders:
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for n in names:
            if n.startswith(".") and ".tmp-" in n and (name is None or n.startswith(f".{name}.tmp-")):
                return os.path.join(d, n)
    return None


def main():
    args = sys.argv[1:]
    name = None
    if args[:1] == ["--name"]:
        name, args = args[1], args[2:]
    child = None
    if "--" in args:
        cut = args.index("--")
        folders = args[:cut]
        child = subprocess.Popen(args[cut + 1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        pid = child.pid
    else:
        pid, folders = int(args[0]), args[1:]
    killed = False
    while (child.poll() is None) if child else alive(pid):
        found = temp_file(folders, name)
        if found:
            os.kill(pid, signal.SIGKILL)
            base = os.path.basename(found)
            print(f"killed while {base[:base.index('.tmp-')]}.tmp-* existed")
            killed = True
            break
        time.sleep(0.0002)
    if not killed:
        print("the run ended before a temporary file appeared")
    if child:
        rc = child.wait()
        return 128 - rc if rc < 0 else rc
    return 0 if killed else 1


if __name__ == "__main__":
    sys.exit(main())
