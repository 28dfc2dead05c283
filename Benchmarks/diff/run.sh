#!/bin/sh
# Diff benchmark (docs/benchmarks.md, "Diff"): `meshscope diff` against
# `diff <(jq -S . A) <(jq -S . B)` on two ~100 MB generated sidecar dumps that differ in
# ~1% of services (new cluster IP and pod IPs: endpoints, route domains, TCP listeners).
# Two B files: b-push.json is what a second capture after a push looks like (every resource
# has a new version_info/last_updated); b-same.json keeps the versions (only the 1% differs).
# Run from the repository root after `swift build -c release --product meshscope`.
set -eu
BIN=${BIN:-.build/release/meshscope}
DIR=${DIR:-/tmp/meshscope-diff-bench}
SERVICES=${SERVICES:-3900}
mkdir -p "$DIR"
[ -f "$DIR/a.json" ] || "$BIN" generate envoy-dump --services "$SERVICES" -o "$DIR/a.json"
[ -f "$DIR/b-same.json" ] || "$BIN" generate envoy-dump --services "$SERVICES" --mutate-percent 1 -o "$DIR/b-same.json"
[ -f "$DIR/b-push.json" ] || "$BIN" generate envoy-dump --services "$SERVICES" --mutate-percent 1 --later-push -o "$DIR/b-push.json"
ls -l "$DIR"/*.json

cat > "$DIR/jqdiff.sh" <<'SH'
#!/bin/bash
# diff exits 1 when the files differ; that is the expected outcome here.
diff $3 <(jq -S . "$1") <(jq -S . "$2")
true
SH
chmod +x "$DIR/jqdiff.sh"

for B in b-push b-same; do
  echo "== A vs $B"
  hyperfine --warmup 1 --runs 5 --export-markdown "$DIR/diff-$B.md" \
    -n "meshscope diff A B" "$BIN diff $DIR/a.json $DIR/$B.json > /dev/null" \
    -n "diff <(jq -S . A) <(jq -S . B)" "$DIR/jqdiff.sh $DIR/a.json $DIR/$B.json > /dev/null"
  echo "output lines (A vs $B):"
  printf '  meshscope diff:             '; "$BIN" diff "$DIR/a.json" "$DIR/$B.json" | wc -l
  printf '  meshscope diff --context 0: '; "$BIN" diff --context 0 "$DIR/a.json" "$DIR/$B.json" | wc -l
  printf '  diff jq -S:                 '; "$DIR/jqdiff.sh" "$DIR/a.json" "$DIR/$B.json" | wc -l
  printf '  diff -u jq -S:              '; "$DIR/jqdiff.sh" "$DIR/a.json" "$DIR/$B.json" -u | wc -l
  "$BIN" diff "$DIR/a.json" "$DIR/$B.json" | sed -n '1,/^$/p'
  for cmd in "$BIN diff $DIR/a.json $DIR/$B.json" "$DIR/jqdiff.sh $DIR/a.json $DIR/$B.json"; do
    /usr/bin/time -f "  peak RSS %M KB: $cmd" sh -c "$cmd > /dev/null"
  done
done
