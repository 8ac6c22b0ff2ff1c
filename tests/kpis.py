#!/usr/bin/env python3
"""Prints indicators of a cpreport JSON report (stdin) as `id value status`,
values rounded to 6 decimals, with the projection where there is one, so that tests compare them with hand-worked
figures. With arguments, only those ids (in that order)."""
import json
import sys

def no_constant(name):
    raise ValueError(f"{name} is not JSON")


report = json.load(sys.stdin, parse_constant=no_constant)
by_id = {i["id"]: i for i in report["indicators"]}
for kpi in sys.argv[1:] or list(by_id):
    i = by_id[kpi]
    v = i["value"]
    if i.get("suppressed"):
        shown = "suppressed"
    elif v is None:
        shown = "null"
    else:
        shown = f"{v:.6f}".rstrip("0").rstrip(".")
    line = [kpi, shown, i["status"]]
    if i.get("projection"):
        p = i["projection"]
        line.append(f"projected {p['value_at_by']:.3f} at the date, reached {p['reached']}")
    print(*line, sep="  ")
