#!/usr/bin/env python3
"""Reads a Prometheus text exposition file (format 0.0.4) the way the metrics scenario needs.

  prom.py check FILE               every line follows the format's grammar; every sample's
                                   family has one HELP and one TYPE line before its samples;
                                   a family's lines are together; no series twice
  prom.py get FILE NAME [L=V ...]  the value of the one sample of NAME with those labels
                                   (nothing printed, exit 1, when there is none)
  prom.py compare FILE STATUS_JSON the status-derived metrics equal what `zonesign status
                                   --json` says at the same moment

The grammar is the one of https://prometheus.io/docs/instrumenting/exposition_formats/
(text format 0.0.4), written out here so that the check does not rest on zonesign's code.
Problems go to stdout, one a line; the exit status is 1 when there is any.
"""
import datetime
import json
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL_NAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
# A label value: any character but \ " and newline, or one of the three escapes.
LABEL_VALUE = r'"(?:[^"\\\n]|\\\\|\\"|\\n)*"'
LABEL = LABEL_NAME + r"=" + LABEL_VALUE
VALUE = r"(?:[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?Inf|NaN)"
SAMPLE = re.compile(
    r"^(" + NAME + r")(?:\{(" + LABEL + r"(?:," + LABEL + r")*,?)?\})? (" + VALUE + r")(?: (-?[0-9]+))?$")
HELP = re.compile(r"^# HELP (" + NAME + r") (.*)$")
TYPE = re.compile(r"^# TYPE (" + NAME + r") (counter|gauge|histogram|summary|untyped)$")
ONE_LABEL = re.compile(r"(" + LABEL_NAME + r")=(" + LABEL_VALUE + r")")


def unescape(quoted):
    body = quoted[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "\\": "\\", '"': '"'}[m.group(1)], body)


def parse(path):
    """(samples, problems): samples as (name, {label: value}, float)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    problems = []
    if text and not text.endswith("\n"):
        problems.append("the file does not end with a newline")
    helps, types, samples, seen = {}, {}, [], set()
    current, closed = None, set()
    for number, line in enumerate(text.splitlines(), 1):
        where = "line %d: " % number
        m = HELP.match(line) or TYPE.match(line)
        if m:
            family = m.group(1)
            table = helps if line.startswith("# HELP") else types
            if family in table:
                problems.append(where + "a second %s line for %s" % (line.split()[1], family))
            if family in closed or (family in (s[0] for s in samples)):
                problems.append(where + "%s comes after samples of %s" % (line.split()[1], family))
            table[family] = m.group(2)
            if current != family:
                if current is not None:
                    closed.add(current)
                current = family
            continue
        if line.startswith("#") or line.strip() == "":
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append(where + "not a sample line: %r" % line)
            continue
        name = m.group(1)
        labels = {k: unescape(v) for k, v in ONE_LABEL.findall(m.group(2) or "")}
        if len(labels) != len(ONE_LABEL.findall(m.group(2) or "")):
            problems.append(where + "a label name twice")
        if name not in helps or name not in types:
            problems.append(where + "sample of %s before (or without) its HELP and TYPE lines" % name)
        if current != name or name in closed:
            problems.append(where + "sample of %s outside its family's group of lines" % name)
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            problems.append(where + "the series %s%s twice" % (name, labels))
        seen.add(key)
        samples.append((name, labels, float(m.group(3))))
    return samples, problems


def value_of(samples, name, **labels):
    found = [v for n, l, v in samples if n == name and all(l.get(k) == x for k, x in labels.items())]
    return found[0] if len(found) == 1 else None


def moment(text):
    if text is None:
        return None
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    return int(t.replace(tzinfo=datetime.timezone.utc).timestamp())


def compare(path, status_path):
    samples, problems = parse(path)
    with open(status_path, encoding="utf-8") as f:
        st = json.load(f)
    zone = st["zone"]

    def expect(what, got, want):
        if got != want:
            problems.append("%s: metrics %r, status --json %r" % (what, got, want))

    def metric(name, **labels):
        v = value_of(samples, name, zone=zone, **labels)
        return None if v is None else int(v)

    pub = st["published"]
    expect("earliest expiration", metric("zonesign_signatures_earliest_expiration_timestamp_seconds"),
           moment(pub["signatures_expire"]) if pub else None)
    expect("resign due (refresh_at)", metric("zonesign_resign_due_timestamp_seconds"),
           moment(pub["refresh_at"]) if pub else None)
    expect("resign deadline (resign_by)", metric("zonesign_resign_deadline_timestamp_seconds"),
           moment(pub["resign_by"]) if pub else None)
    expect("last success (signed_at)", metric("zonesign_last_success_timestamp_seconds"),
           moment(pub["signed_at"]) if pub else None)
    expect("serial", metric("zonesign_published_serial"), pub["serial"] if pub else None)
    expect("next run due", metric("zonesign_next_run_due_timestamp_seconds"), moment(st["next_due"]))
    expect("zone failing", metric("zonesign_zone_failing"), 1 if st["failing"] else 0)
    # The next key event: the earliest moment status shows for a key (a record's next
    # change, the lifetime end of a key not retired). A DS request notice has no time in
    # the JSON: the scenario's dates keep it away.
    if st["notice"] is not None:
        problems.append("status shows a notice: the next key event cannot be checked")
    times = []
    for k in st["keys"]:
        times += [moment(r["next"]) for r in k["records"] if r["next"]]
        if k["lifetime_end"] and not k["retired"]:
            times.append(moment(k["lifetime_end"]))
    events = [(int(v), l) for n, l, v in samples
              if n == "zonesign_next_key_event_timestamp_seconds" and l.get("zone") == zone]
    expect("next key event time", events[0][0] if len(events) == 1 else None, min(times) if times else None)
    expect("operator tasks waiting", metric("zonesign_operator_tasks_waiting"), len(st["tasks"]))
    for t in st["tasks"]:
        key = "" if t["tag"] is None else str(t["tag"])
        expect("task %s %s waiting since" % (t["kind"], key),
               metric("zonesign_operator_task_waiting_since_timestamp_seconds", task=t["kind"], key=key),
               moment(t["since"]))
    for n, l, v in samples:
        if l.get("zone") != zone:
            problems.append("%s%s: not labelled zone=%r" % (n, l, zone))
    return problems


def main(argv):
    if len(argv) >= 3 and argv[1] == "check":
        problems = parse(argv[2])[1]
    elif len(argv) >= 4 and argv[1] == "get":
        samples, _ = parse(argv[2])
        labels = dict(a.split("=", 1) for a in argv[4:])
        v = value_of(samples, argv[3], **labels)
        if v is None:
            return 1
        print(int(v) if v == int(v) else v)
        return 0
    elif len(argv) == 4 and argv[1] == "compare":
        problems = compare(argv[2], argv[3])
    else:
        print(__doc__)
        return 2
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
