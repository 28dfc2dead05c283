#!/bin/sh
# Ambient benchmarks (docs/benchmarks.md, "Ambient"): meshscope against python3 doing the
# same work, on generated inputs. Run from the repository root after `swift build -c release`.
set -eu
BIN=${BIN:-.build/release/meshscope}
DIR=${DIR:-/tmp/meshscope-ambient-bench}
mkdir -p "$DIR"
[ -f "$DIR/dump-50k.json" ] || "$BIN" generate ztunnel-dump --workloads 50000 --services 10000 -o "$DIR/dump-50k.json"
[ -f "$DIR/metrics-1m.txt" ] || "$BIN" generate ztunnel-metrics --series 1000000 -o "$DIR/metrics-1m.txt"

hyperfine --warmup 1 --runs 5 --export-markdown "$DIR/workloads.md" \
  -n "meshscope ztunnel-config workload" "$BIN ztunnel-config workload --file $DIR/dump-50k.json > /dev/null" \
  -n "python3 json.load + rows" "python3 Benchmarks/ambient/ztunnel_workloads.py $DIR/dump-50k.json > /dev/null"

hyperfine --warmup 1 --runs 3 --export-markdown "$DIR/edges.md" \
  -n "meshscope ztunnel-config edges" "$BIN ztunnel-config edges --file $DIR/metrics-1m.txt > /dev/null" \
  -n "python3 regex parse + edges" "python3 Benchmarks/ambient/prom_edges.py $DIR/metrics-1m.txt > /dev/null"
