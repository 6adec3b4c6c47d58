#!/usr/bin/env python3
"""Summarises a hihoji JSON report of a card-free machine (benches/realdata.sh).

usage: realdata_summary.py REPORT.json BYTES [--list]
Prints warnings+errors in total and per GB, grouped by rule, by evidence
signal, and by top-level directory; --list prints each one (masked value only).
"""
import collections
import json
import sys

report = json.load(open(sys.argv[1]))
gb = int(sys.argv[2]) / 1e9
findings = report.get("findings", [])
loud = [f for f in findings if f["level"] in ("warning", "error")]
print(f"scanned {gb:.2f} GB; findings {len(findings)}; warnings+errors {len(loud)} "
      f"({len(loud) / gb:.1f} per GB); notes {len(findings) - len(loud)}")


def show(title, counter):
    print(f"\n{title}")
    for key, n in counter.most_common(40):
        print(f"  {n:7d}  {n / gb:8.1f}/GB  {key}")


show("by rule (warnings+errors)", collections.Counter(f"{f['rule_id']} {f['level']}" for f in loud))
show("by evidence signal (warnings+errors)",
     collections.Counter(e.split(":")[0] + (":" + e.split(":")[1] if e.startswith(("encoding", "keyword")) else "")
                         for f in loud for e in f.get("evidence", [])))
show("by evidence list (warnings+errors)", collections.Counter(",".join(f.get("evidence", [])) for f in loud))
show("by layer (warnings+errors)",
     collections.Counter(next((l["name"].split("@")[0] for l in f["provenance"].get("layers", [])
                               if l.get("kind") == "decoded"), "plain") for f in loud))
show("by directory (warnings+errors)",
     collections.Counter("/".join(f["provenance"]["artifact"].split("/")[:4]) for f in loud))
if "--list" in sys.argv:
    for f in loud:
        chain = "!/".join([f["provenance"]["artifact"]] + [l["name"] for l in f["provenance"].get("layers", [])])
        print(f"{f['rule_id']:6s} {f['level']:7s} {f['masked']:22s} {','.join(f.get('evidence', []))}  {chain}")
