#!/usr/bin/env bash
# Whole-command benchmarks against peers (jq, python3) on generated large inputs, in one run.
# Writes markdown tables to bench-out/ and prints them; the numbers go into docs/benchmarks.md.
#
#   Benchmarks/compare.sh            # ~100 MB Envoy dump
#   SERVICES=400 Benchmarks/compare.sh   # quick run (~10 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${SERVICES:-3900}
OUT=bench-out
mkdir -p "$OUT"
command -v hyperfine >/dev/null || { echo "compare.sh: needs hyperfine (apt-get install -y hyperfine)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "compare.sh: needs GNU time (apt-get install -y time)" >&2; exit 1; }

swift build -c release --product meshscope >&2
BIN=.build/release/meshscope
DUMP="$OUT/envoy-$SERVICES.json"
[ -s "$DUMP" ] || "$BIN" generate envoy-dump --services "$SERVICES" -o "$DUMP"
SIZE=$(stat -c %s "$DUMP")
echo "input: $DUMP ($((SIZE / 1000000)) MB)"

hyperfine --warmup 1 --runs 5 --export-markdown "$OUT/envoy-clusters.md" \
  -n "meshscope cluster table -o json" "$BIN proxy-config cluster --file $DUMP -o json > /dev/null" \
  -n "meshscope cluster table" "$BIN proxy-config cluster --file $DUMP > /dev/null" \
  -n "jq cluster names" "jq '[.configs[] | .dynamic_active_clusters? // empty | .[].cluster.name]' $DUMP > /dev/null" \
  -n "python3 json.load" "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' $DUMP"

echo
echo "peak RSS (KB):"
for cmd in "$BIN proxy-config cluster --file $DUMP -o json" \
           "jq [.configs[]|.dynamic_active_clusters?//empty|.[].cluster.name] $DUMP" \
           "python3 -c import\ json,sys;json.load(open(sys.argv[1])) $DUMP"; do
  /usr/bin/time -f "%M  $cmd" sh -c "$cmd > /dev/null" 2>&1 | tail -1
done
cat "$OUT/envoy-clusters.md"
