#!/usr/bin/env python3
"""Baseline for `meshscope ztunnel-config edges`: a simple regex/split Prometheus text
parse (name, labels, value per line; comments skipped, bad lines counted), then the same
aggregation into edges (one reporter per edge, destination preferred) and a printed table."""
import re
import sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
FAMILIES = {
    "istio_tcp_connections_opened_total": 0, "istio_tcp_connections_closed_total": 1,
    "istio_tcp_sent_bytes_total": 2, "istio_tcp_received_bytes_total": 3, "istio_requests_total": 4,
}


def parse(path):
    samples, bad = [], 0
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = LINE.match(line)
            if not m:
                bad += 1
                continue
            try:
                value = float(m.group(3))
            except ValueError:
                bad += 1
                continue
            samples.append((m.group(1), dict(LABEL.findall(m.group(2) or "")), value))
    return samples, bad


def main(path):
    samples, bad = parse(path)
    if bad:
        print(f"skipped {bad} malformed lines", file=sys.stderr)
    groups = {}
    for name, labels, value in samples:
        k = FAMILIES.get(name)
        if k is None:
            continue
        edge = (labels.get("source_workload", ""), labels.get("source_workload_namespace", ""),
                labels.get("destination_workload", ""), labels.get("destination_workload_namespace", ""),
                labels.get("destination_service", ""))
        key = (edge, labels.get("reporter", ""), labels.get("connection_security_policy", ""))
        acc = groups.setdefault(key, [0.0, 0.0, 0.0, 0.0, None])
        if k == 4:
            acc[4] = (acc[4] or 0.0) + value
        else:
            acc[k] += value
    rank = {"destination": 0, "source": 1}
    chosen = {}
    for edge, reporter, _ in groups:
        if edge not in chosen or rank.get(reporter, 2) < rank.get(chosen[edge], 2):
            chosen[edge] = reporter
    rows = []
    for (edge, reporter, sec), acc in groups.items():
        if chosen[edge] != reporter:
            continue
        src = f"{edge[0]}.{edge[1]}"
        dst = f"{edge[2]}.{edge[3]}"
        security = {"mutual_tls": "mTLS", "none": "plaintext"}.get(sec, "plaintext")
        rows.append([src, dst, edge[4], security, str(int(acc[0] - acc[1])), str(int(acc[0])), str(int(acc[1])),
                     str(int(acc[2])), str(int(acc[3])), "-" if acc[4] is None else str(int(acc[4]))])
    rows.sort()
    table = [["SOURCE", "DESTINATION", "SERVICE", "SECURITY", "OPEN", "OPENED", "CLOSED", "SENT", "RECEIVED", "REQUESTS"]] + rows
    widths = [max(len(r[i]) for r in table) + 3 for i in range(9)]
    out = sys.stdout
    for r in table:
        out.write("".join(c.ljust(widths[i]) for i, c in enumerate(r[:9])) + r[9] + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
