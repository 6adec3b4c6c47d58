#!/usr/bin/env python3
"""Compares the findings of two hihoji JSON reports, in order.

    python3 benches/same_findings.py before.json after.json

Two scans of the same input must list the same findings in the same order:
provenance, offset, line, column, rule, level, fingerprint, confidence and
evidence. Prints the count and the first difference; exits 1 on one.
"""
import json
import sys


def key(f):
    loc = f.get("location", {})
    return (
        json.dumps(f.get("provenance"), sort_keys=True),
        loc.get("offset"),
        loc.get("line"),
        loc.get("column"),
        f.get("rule_id"),
        f.get("level"),
        f.get("fingerprint"),
        f.get("confidence"),
        tuple(f.get("evidence", [])),
    )


def findings(path):
    with open(path) as f:
        return [key(x) for x in json.load(f)["findings"]]


def main():
    before, after = findings(sys.argv[1]), findings(sys.argv[2])
    for i, (b, a) in enumerate(zip(before, after)):
        if b != a:
            print(f"finding {i} differs:\n  before {b}\n  after  {a}")
            return 1
    if len(before) != len(after):
        print(f"{len(before)} findings before, {len(after)} after")
        return 1
    print(f"the same {len(before)} findings, in the same order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
