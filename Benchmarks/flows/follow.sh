#!/bin/sh
# Following access logs (docs/benchmarks.md, "Flows"): issue 19 asks that following 200 pods'
# logs at 50 lines/s per pod stays under 25% of one core. Starts `meshscope --demo serve`
# sized to PODS log-writing proxies, each writing RATE lines a second (`--demo-log-rate`),
# follows every one with `meshscope flows --follow -A` (its table output, one line a flow) for
# SECONDS_, and prints the follower's CPU apart from the demo server's (both from
# /proc/PID/stat: utime + stime over the window, after WARMUP seconds). A proxy with no
# traffic writes no lines, so the flows counted per second say what the load really was.
#
#   Benchmarks/flows/follow.sh                         # debug build: .build/debug/meshscope
#   MESHSCOPE_BIN=.build/release/meshscope Benchmarks/flows/follow.sh
#   PODS=200 RATE=50 SECONDS_=60 FOLLOWER="top --follow" Benchmarks/flows/follow.sh
set -eu
BIN=${MESHSCOPE_BIN:-.build/debug/meshscope}
PODS=${PODS:-200}
RATE=${RATE:-50}
WINDOW=${SECONDS_:-60}
WARMUP=${WARMUP:-10}
FOLLOWER=${FOLLOWER:-flows --follow}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/meshscope-follow.XXXXXX")
SERVER=""
FOLLOW=""
cleanup() {
  [ -n "$FOLLOW" ] && kill "$FOLLOW" 2>/dev/null || true
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

# Starts the demo server with $1 generated services; waits for its banner in $DIR/serve.out.
serve() {
  : > "$DIR/serve.out"
  "$BIN" --demo --demo-services "$1" --demo-log-rate "$RATE" serve > "$DIR/serve.out" 2> "$DIR/serve.err" &
  SERVER=$!
  i=0
  until grep -q '^  export KUBECONFIG=' "$DIR/serve.out"; do
    i=$((i + 1))
    if [ "$i" -gt 1200 ] || ! kill -0 "$SERVER" 2>/dev/null; then
      echo "demo server did not start:" >&2; cat "$DIR/serve.err" >&2; exit 1
    fi
    sleep 0.1
  done
}

# Proxies (Envoys and ztunnels, the pods that write access logs) in the banner.
proxies() { sed -n 's/^meshscope demo mesh: [0-9]* pods, \([0-9]*\) proxies.*/\1/p' "$DIR/serve.out"; }

# The demo without generated services has a fixed number of proxies; each generated service
# adds one sidecar pod.
serve 0
BASE=$(proxies)
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
SERVICES=$((PODS > BASE ? PODS - BASE : 0))
serve "$SERVICES"
sed -n 1p "$DIR/serve.out"
export KUBECONFIG="$(sed -n 's/^  export KUBECONFIG=//p' "$DIR/serve.out")"

# utime + stime of a process, in clock ticks.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

# shellcheck disable=SC2086
"$BIN" $FOLLOWER -A --max-streams $((PODS + 50)) > "$DIR/follow.out" 2> "$DIR/follow.err" &
FOLLOW=$!
sleep "$WARMUP"
kill -0 "$FOLLOW" 2>/dev/null || { echo "follower exited:" >&2; cat "$DIR/follow.err" >&2; exit 1; }
f0=$(ticks "$FOLLOW"); s0=$(ticks "$SERVER"); l0=$(wc -l < "$DIR/follow.out")
sleep "$WINDOW"
f1=$(ticks "$FOLLOW"); s1=$(ticks "$SERVER"); l1=$(wc -l < "$DIR/follow.out")
# Interrupted, the follower reports what it dropped; give it five seconds.
kill -INT "$FOLLOW" 2>/dev/null || true
i=0
while kill -0 "$FOLLOW" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill "$FOLLOW" 2>/dev/null || true
wait "$FOLLOW" 2>/dev/null || true
FOLLOW=""

awk -v f=$((f1 - f0)) -v s=$((s1 - s0)) -v hz="$HZ" -v w="$WINDOW" -v l=$((l1 - l0)) -v p="$PODS" -v r="$RATE" -v bin="$BIN" -v cmd="$FOLLOWER" 'BEGIN {
  printf "binary:      %s\n", bin
  printf "load:        %d proxies asked at %d lines/s each (%d lines/s), %d s measured after warm-up\n", p, r, p * r, w
  printf "output:      %d lines in %d s (%.0f/s) from meshscope %s\n", l, w, l / w, cmd
  printf "follower:    %5.1f%% of one core (%.2f s CPU)\n", 100 * f / hz / w, f / hz
  printf "demo server: %5.1f%% of one core (%.2f s CPU)\n", 100 * s / hz / w, s / hz
}'
# What the follower said of its streams (drops, reconnects), if anything.
if [ -s "$DIR/follow.err" ]; then echo "follower stderr:"; tail -n 5 "$DIR/follow.err" | sed 's/^/  /'; fi
printf "load average: %s\n" "$(cut -d' ' -f1-3 /proc/loadavg)"
