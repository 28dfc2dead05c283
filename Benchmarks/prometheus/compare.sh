#!/usr/bin/env bash
# Edges from a real Prometheus vs direct scraping, on the same demo mesh in one run
# (issue 21). Needs a release build (`swift build -c release`) and /usr/bin/prometheus
# (.ci/setup). Prints, per mode: first edges (s), meshscope CPU over the steady run
# (% of a core, `--watch` for STEADY seconds), and PromQL queries per refresh (from
# Prometheus's own request counter).
#
#   Benchmarks/prometheus/compare.sh                     # 6,000 proxies: 2000 services × 3 replicas
#   SERVICES=100 REPLICAS=1 Benchmarks/prometheus/compare.sh
set -euo pipefail
BIN=${BIN:-.build/release/meshscope}
SERVICES=${SERVICES:-2000}
REPLICAS=${REPLICAS:-3}
SCRAPE=${SCRAPE:-15}        # Prometheus scrape interval, seconds
STEADY=${STEADY:-60}        # seconds of --watch per mode
REFRESH=${REFRESH:-2}
PORT=${PORT:-19090}
dir=$(mktemp -d /tmp/meshscope-prom-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

"$BIN" --demo --demo-services "$SERVICES" --demo-replicas "$REPLICAS" serve --prometheus-config "$dir/prometheus.yml" >"$dir/serve.log" 2>&1 &
pids+=($!)
until grep -q "export KUBECONFIG" "$dir/serve.log" 2>/dev/null; do sleep 1; done
export KUBECONFIG=$(sed -n 's/.*export KUBECONFIG=//p' "$dir/serve.log")
sed -i "s/scrape_interval: .*/scrape_interval: ${SCRAPE}s/; s/scrape_timeout: .*/scrape_timeout: ${SCRAPE}s/" "$dir/prometheus.yml"
targets=$(grep -c "__metrics_path__" "$dir/prometheus.yml")
/usr/bin/prometheus --config.file "$dir/prometheus.yml" --storage.tsdb.path "$dir/data" \
  --web.listen-address "127.0.0.1:$PORT" --log.level warn >"$dir/prometheus.log" 2>&1 &
pids+=($!)
prom="http://127.0.0.1:$PORT"
q() { curl -s "$prom/api/v1/query" --data-urlencode "query=$1" | sed -n 's/.*"value":\[[^,]*,"\([^"]*\)".*/\1/p'; }
# Queries Prometheus answered so far (its own /metrics: it does not scrape itself here).
served() { curl -s "$prom/metrics" | awk '/^prometheus_http_requests_total\{.*handler="\/api\/v1\/query(_range)?"/ { n += $2 } END { print n + 0 }'; }
echo "waiting for Prometheus to scrape $targets targets…" >&2
until [ "$(q 'count(up == 1)')" = "$targets" ]; do sleep 2; done
sleep $((SCRAPE * 5))   # a few rate windows of samples

measure() {   # $1: label, rest: meshscope flags
  local label=$1; shift
  local t0=$(date +%s.%N)
  "$BIN" connections --edges "$@" >/dev/null 2>"$dir/first.err"
  local first=$(echo "$(date +%s.%N) - $t0" | bc)
  local before=$(served)
  /usr/bin/time -f "%U %S %e" -o "$dir/time" timeout -s INT "$STEADY" "$BIN" connections --edges --watch --refresh "${REFRESH}s" \
    "$@" >/dev/null 2>"$dir/steady.err" || true
  local after=$(served)
  read -r u s e < <(tail -1 "$dir/time")
  local cpu=$(echo "scale=1; 100 * ($u + $s) / $e" | bc)
  local per=$(echo "scale=1; (${after:-0} - ${before:-0}) / ($e / $REFRESH)" | bc)
  printf '%-12s first edges %6.2f s   CPU %5s%% of a core over %ss   queries/refresh %s   (%s)\n' \
    "$label" "$first" "$cpu" "$e" "$per" "$(grep -m1 'metrics:' "$dir/first.err" || echo 'metrics: scraped')"
}
echo "demo: $SERVICES services × $REPLICAS replicas, $targets scrape targets, scrape ${SCRAPE}s, refresh ${REFRESH}s"
measure scrape --metrics-source scrape
measure prometheus --prometheus "$prom" --prometheus-scrape-interval "${SCRAPE}s"
