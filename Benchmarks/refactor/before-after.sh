#!/bin/sh
# Before/after benchmark for a refactor that must not change speed (issue 16): the same
# commands, two release builds, one hyperfine run per command so both binaries are timed in
# the same sitting under the same load. Inputs are generated once by the BEFORE binary.
#
#   BEFORE=/path/to/old/.build/release AFTER=.build/release sh Benchmarks/refactor/before-after.sh
#
# Prints markdown tables (also left in $DIR/*.md).
set -eu
: "${BEFORE:?BEFORE=release dir of the old build}"
AFTER=${AFTER:-.build/release}
DIR=${DIR:-/tmp/meshscope-refactor-bench}
RUNS=${RUNS:-5}
mkdir -p "$DIR"
G="$BEFORE/meshscope generate"
[ -s "$DIR/envoy-3900.json" ] || $G envoy-dump --services 3900 -o "$DIR/envoy-3900.json"
[ -s "$DIR/envoy-400.json" ] || $G envoy-dump --services 400 -o "$DIR/envoy-400.json"
[ -s "$DIR/b-push-1000.json" ] || $G envoy-dump --services 1000 --mutate-percent 1 --later-push -o "$DIR/b-push-1000.json"
[ -s "$DIR/a-1000.json" ] || $G envoy-dump --services 1000 -o "$DIR/a-1000.json"
[ -s "$DIR/zt-50k.json" ] || $G ztunnel-dump --workloads 50000 --services 10000 -o "$DIR/zt-50k.json"
[ -s "$DIR/metrics-200k.txt" ] || $G ztunnel-metrics --series 200000 -o "$DIR/metrics-200k.txt"

run() { # NAME ARGS...
  name=$1; shift
  hyperfine --warmup 1 --runs "$RUNS" --export-markdown "$DIR/$name.md" \
    -n "before: $*" "$BEFORE/meshscope $* > /dev/null" \
    -n "after: $*" "$AFTER/meshscope $* > /dev/null" >/dev/null 2>&1 || true
  echo "### $name"; cat "$DIR/$name.md"; echo
}
run cluster-table proxy-config cluster --file "$DIR/envoy-3900.json"
run cluster-json proxy-config cluster --file "$DIR/envoy-3900.json" -o json
run dump-yaml proxy-config all --file "$DIR/envoy-400.json" -o yaml
run ztunnel-workloads ztunnel-config workload --file "$DIR/zt-50k.json"
run ztunnel-edges ztunnel-config edges --file "$DIR/metrics-200k.txt"
run diff diff "$DIR/a-1000.json" "$DIR/b-push-1000.json"
if [ -x "$BEFORE/meshscope-tui-bench" ] && [ -x "$AFTER/meshscope-tui-bench" ]; then
  echo "### TUI (meshscope-tui-bench --edges 100000 --repeat 30), before then after"
  "$BEFORE/meshscope-tui-bench" 2>&1 | tail -25
  "$AFTER/meshscope-tui-bench" 2>&1 | tail -25
fi
