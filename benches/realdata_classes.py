#!/usr/bin/env python3
"""Before/after table of warnings+errors by false-alarm class (docs/precision.md).

usage: realdata_classes.py BEFORE.json AFTER.json [--roots /usr /var /etc /opt /root]

Each warning or error of the BEFORE report is put in one class of issue 14
by what it is (read from its decoded layer, its rule, and the bytes around
it in the file); the AFTER report is matched by file, offset and rule. Only
masked values and class names are printed, never the bytes read.
"""
import collections
import json
import os
import re
import sys

args = sys.argv[1:]
roots = args[args.index("--roots") + 1:] if "--roots" in args else ["/usr", "/var", "/etc", "/opt", "/root"]
before, after = (json.load(open(p)) for p in args[:2])
rules_yaml = open(os.path.join(os.path.dirname(__file__), "..", "rules", "default.yaml")).read()
test_numbers = set(re.findall(r'number: "(\d+)"', rules_yaml))
test_masks = {n[:6] + "*" * (len(n) - 10) + n[-4:] for n in test_numbers}


def loud(report):
    return [f for f in report.get("findings", []) if f["level"] in ("warning", "error")]


def key(f):
    p = f["provenance"]
    return (p["artifact"], tuple(l["name"] for l in p.get("layers", [])), f["location"]["offset"], f["rule_id"])


def around(f, reach=80):
    p = f["provenance"]
    if p.get("layers"):
        return None
    for path in [p["artifact"]] + [os.path.join(r, p["artifact"]) for r in roots]:
        try:
            with open(path, "rb") as fh:
                at = f["location"]["offset"]
                fh.seek(max(0, at - reach))
                return fh.read(reach * 2 + 24), min(at, reach)
        except OSError:
            continue
    return None


def klass(f):
    layers = [l["name"].split("@")[0] for l in f["provenance"].get("layers", []) if l.get("kind") == "decoded"]
    if layers:
        return "1 encodings in binaries (" + layers[-1] + ")"
    if f["rule_id"] == "CVV":
        return "4 CVV rule"
    if f["masked"] in test_masks:
        return "5 public test numbers"
    got = around(f)
    if got is None:
        return "6 other (inside an archive member)"
    data, at = got
    before_b = data[max(0, at - 1):at]
    digits = re.match(rb"[0-9 -]+", data[at:])
    end = at + (digits.end() if digits else 16)
    after_b = data[end:end + 2]
    if re.match(rb"[A-Za-z0-9_.=+-]", before_b or b" ") or re.match(rb"[A-Za-z_=]|\.[A-Za-z]", after_b or b" "):
        return "2 part of a longer token"
    if len(re.findall(rb"[0-9]{2,}", data)) >= 6 and len(re.findall(rb"[A-Za-z]", data)) < len(data) // 5:
        return "3 numeric tables"
    return "6 other"


after_keys = collections.Counter(key(f) for f in loud(after))
rows = collections.OrderedDict()
for f in loud(before):
    c = klass(f)
    b, a = rows.get(c, (0, 0))
    k = key(f)
    kept = after_keys[k] > 0
    if kept:
        after_keys[k] -= 1
    rows[c] = (b + 1, a + int(kept))
new = sum(after_keys.values())
print("| class | before | after |")
print("| --- | ---: | ---: |")
for c in sorted(rows):
    print(f"| {c} | {rows[c][0]} | {rows[c][1]} |")
print(f"| new in the after run (not in the before run) | — | {new} |")
print(f"| **total warnings+errors** | **{len(loud(before))}** | **{len(loud(after))}** |")
