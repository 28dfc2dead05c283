#!/usr/bin/env python3
"""Baseline for `meshscope ztunnel-config workload`: json.load a ztunnel /config_dump
(list or address-keyed layout), build istioctl's workload rows (waypoint names from a
dict, sorted by namespace.name then node) and print them tab-aligned like Go's tabwriter."""
import json
import sys


def values(section):
    if isinstance(section, dict):
        return list(section.values())
    return section or []


def main(path):
    with open(path, "rb") as f:
        dump = json.load(f)
    services = values(dump.get("services"))
    names = {}
    for s in services:
        for key in [s.get("namespace", "") + "/" + s.get("hostname", "")] + list(s.get("vips") or []):
            names.setdefault(key, s.get("name", ""))
    if isinstance(dump.get("services"), dict):
        for key, s in dump["services"].items():
            names.setdefault(key, s.get("name", ""))
    rows = []
    for w in values(dump.get("workloads")):
        wp = w.get("waypoint")
        waypoint = "None" if not wp else names.get(wp.get("destination", ""), "NA")
        address = ",".join(w.get("workloadIps") or []) or w.get("hostname", "")
        rows.append((w.get("namespace", "") + "." + w.get("name", ""), w.get("node", ""),
                     [w.get("namespace", ""), w.get("name", ""), address, w.get("node", ""), waypoint, w.get("protocol", "")]))
    rows.sort(key=lambda r: (r[0].encode(), r[1].encode()))
    table = [["NAMESPACE", "POD NAME", "ADDRESS", "NODE", "WAYPOINT", "PROTOCOL"]] + [r[2] for r in rows]
    widths = [max(len(r[i]) for r in table) + 1 for i in range(5)]
    out = sys.stdout
    for r in table:
        out.write("".join(c.ljust(widths[i]) for i, c in enumerate(r[:5])) + r[5] + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
