#!/usr/bin/env bash
# Access-log throughput: `meshscope top --file` (release build) against a Python regex
# parser doing the same aggregation, on the same generated log, in the same run, one core.
#
#   scripts/bench-accesslog.sh [LINES]        # default 1,000,000 lines, half TEXT, half JSON
#   MESHSCOPE=path/to/meshscope scripts/bench-accesslog.sh 2000000
#
# Prints lines/s for both and checks they counted the same requests. The lines are
# Istio's default TEXT format and its JSON encoding, outbound requests from 50 clients to
# 20 services over 5 paths, 2% 503 with UH/UF.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-1000000}
BIN=${MESHSCOPE:-.build/release/meshscope}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/meshscope-bench-accesslog.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PIN=""
if command -v taskset >/dev/null; then PIN="taskset -c 0"; fi

if [ ! -x "$BIN" ]; then
  echo "building $BIN (release)…" >&2
  swift build -c release --product meshscope >&2
fi

python3 - "$LINES" "$WORK/access.log" <<'PY'
import json, random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(2026)
svcs = [f"svc-{i:02d}" for i in range(20)]
with open(path, "w") as f:
    for i in range(n):
        c = rng.randrange(50); s = rng.randrange(20); p = rng.randrange(5)
        ok = rng.random() >= 0.02
        flag = "-" if ok else rng.choice(["UH", "UF"])
        code = 200 if ok else 503
        dur = rng.randrange(1, 400)
        src = f"10.244.{c // 200}.{c % 200 + 1}:{30000 + rng.randrange(30000)}"
        host = "-" if flag == "UH" else f"10.244.1.{s + 1}:8080"
        auth = f"{svcs[s]}:8080"
        rid = f"{rng.getrandbits(64):016x}-{i}"
        ts = f"2026-11-20T09:{(i // 60000) % 60:02d}:{(i // 1000) % 60:02d}.{i % 1000:03d}Z"
        cluster = f"outbound|8080||{svcs[s]}.demo.svc.cluster.local"
        if i % 2 == 0:
            f.write(f'{ts} [{ts}] "GET /api/{p} HTTP/1.1" {code} {flag} {"via_upstream" if ok else "x"} - "-" 120 {4180 if ok else 19} {dur} {dur - 1 if ok else "-"} "-" "Go-http-client/1.1" "{rid}" "{auth}" "{host}" {cluster} - 10.96.0.{s + 1}:8080 {src} - default\n')
        else:
            f.write(json.dumps({"start_time": ts, "method": "GET", "path": f"/api/{p}", "protocol": "HTTP/1.1", "response_code": code,
                "response_flags": flag, "response_code_details": "via_upstream" if ok else "x", "bytes_received": 120,
                "bytes_sent": 4180 if ok else 19, "duration": dur, "user_agent": "Go-http-client/1.1", "request_id": rid,
                "authority": auth, "upstream_host": None if flag == "UH" else host, "upstream_cluster": cluster,
                "downstream_local_address": f"10.96.0.{s + 1}:8080", "downstream_remote_address": src, "route_name": "default"},
                separators=(",", ":")) + "\n")
PY

cat > "$WORK/top.py" <<'PY'
# The same aggregation as `meshscope top --file`: per (source IP, destination IP or
# service, authority+path): requests, failures, bytes, p50/p99 latency, flag counts.
import json, re, sys, collections
TEXT = re.compile(r'^(?:\S+Z )?\[([^\]]*)\] "(\S+) (\S+) (\S+)" (\d+|-) (\S+) (\S+) (\S+) "([^"]*)" (\d+|-) (\d+|-) (\d+|-) (\S+) "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)')
agg = collections.defaultdict(lambda: [0, 0, 0, [], collections.Counter()])
seen = set()
bad = 0
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if line[0] != "{" and " {" in line[:40]: line = line.split(" ", 1)[1]
    if line.startswith("{"):
        try: d = json.loads(line)
        except ValueError: bad += 1; continue
        method, path, code, flags, rx, tx, dur = d.get("method"), d.get("path"), d.get("response_code"), d.get("response_flags"), d.get("bytes_received"), d.get("bytes_sent"), d.get("duration")
        rid, auth, host, cluster, remote = d.get("request_id"), d.get("authority"), d.get("upstream_host"), d.get("upstream_cluster"), d.get("downstream_remote_address")
    else:
        m = TEXT.match(line)
        if not m: bad += 1; continue
        g = m.groups()
        method, path, code, flags, rx, tx, dur = g[1], g[2], int(g[4]), g[5], int(g[9]), int(g[10]), int(g[11])
        rid, auth, host, cluster, remote = g[15], g[16], (None if g[17] == "-" else g[17]), g[18], g[21]
    key_id = f"{rid} {method} {auth}{path}"
    if key_id in seen: continue
    seen.add(key_id)
    src = remote.rsplit(":", 1)[0]
    dst = host.rsplit(":", 1)[0] if host else ".".join(cluster.split("|")[3].split(".")[:2])
    a = agg[(src, dst, f"{auth}{path.split('?')[0]}")]
    a[0] += 1
    if code >= 500 or (flags not in (None, "-", "DI", "RFCF")): a[1] += 1
    a[2] += rx + tx
    a[3].append(dur)
    if flags and flags != "-":
        for f in flags.split(","): a[4][f] += 1
rows = []
for (s, d, r), (n, fail, b, durs, fl) in agg.items():
    durs.sort()
    rows.append((n, s, d, r, fail, b, durs[max(0, -(-n * 50 // 100) - 1)], durs[max(0, -(-n * 99 // 100) - 1)], fl.most_common(3)))
rows.sort(key=lambda x: (-x[0], x[1], x[2], x[3]))
print(sum(r[0] for r in rows), len(rows), bad)
PY

secs() { python3 -c 'import sys,time; print(f"{float(sys.argv[1]):.3f}")' "$1"; }
now() { python3 -c 'import time; print(time.perf_counter())'; }

t0=$(now); $PIN "$BIN" top --file "$WORK/access.log" -o json > "$WORK/swift.json"; t1=$(now)
t2=$(now); $PIN python3 "$WORK/top.py" "$WORK/access.log" > "$WORK/python.txt"; t3=$(now)

python3 - "$LINES" "$t0" "$t1" "$t2" "$t3" "$WORK/swift.json" "$WORK/python.txt" <<'PY'
import json, sys
n = int(sys.argv[1]); s = float(sys.argv[3]) - float(sys.argv[2]); p = float(sys.argv[5]) - float(sys.argv[4])
rows = json.load(open(sys.argv[6]))
swift_total = sum(r["requests"] for r in rows)
py_total, py_rows, py_bad = map(int, open(sys.argv[7]).read().split())
print(f"lines: {n:,} (half TEXT, half JSON)")
print(f"meshscope top --file: {s:7.2f} s  {n / s:12,.0f} lines/s  ({swift_total:,} requests, {len(rows)} rows)")
print(f"python regex + json:  {p:7.2f} s  {n / p:12,.0f} lines/s  ({py_total:,} requests, {py_rows} rows)")
print(f"speedup: {p / s:.1f}x")
if swift_total != py_total or len(rows) != py_rows:
    print("MISMATCH: the two aggregations disagree", file=sys.stderr); sys.exit(1)
PY
