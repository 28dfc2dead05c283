#!/bin/sh
# Diff benchmark (docs/benchmarks.md, "Diff"): `meshscope diff` against
# `diff <(jq -S . A) <(jq -S . B)` on two ~100 MB generated sidecar dumps that differ in
# ~1% of services (new cluster IP and pod IPs: endpoints, route domains, TCP listeners).
# Run from the repository root after `swift build -c release --product meshscope`.
set -eu
BIN=${BIN:-.build/release/meshscope}
DIR=${DIR:-/tmp/meshscope-diff-bench}
SERVICES=${SERVICES:-3900}
mkdir -p "$DIR"
[ -f "$DIR/a.json" ] || "$BIN" generate envoy-dump --services "$SERVICES" -o "$DIR/a.json"
[ -f "$DIR/b.json" ] || "$BIN" generate envoy-dump --services "$SERVICES" --mutate-percent 1 -o "$DIR/b.json"
ls -l "$DIR/a.json" "$DIR/b.json"

cat > "$DIR/jqdiff.sh" <<'SH'
#!/bin/bash
diff <(jq -S . "$1") <(jq -S . "$2")
true
SH
chmod +x "$DIR/jqdiff.sh"

hyperfine --warmup 1 --runs 5 --export-markdown "$DIR/diff.md" \
  -n "meshscope diff A B" "$BIN diff $DIR/a.json $DIR/b.json > /dev/null" \
  -n "diff <(jq -S . A) <(jq -S . B)" "$DIR/jqdiff.sh $DIR/a.json $DIR/b.json > /dev/null"

echo "output lines:"
printf '  meshscope diff: '; "$BIN" diff "$DIR/a.json" "$DIR/b.json" | wc -l
printf '  jq -S + diff:   '; "$DIR/jqdiff.sh" "$DIR/a.json" "$DIR/b.json" | wc -l
printf '  meshscope changed resources: '; "$BIN" diff -o json "$DIR/a.json" "$DIR/b.json" | jq '.resources | length'
"$BIN" diff "$DIR/a.json" "$DIR/b.json" | sed -n '1,/^$/p'
for cmd in "$BIN diff $DIR/a.json $DIR/b.json" "$DIR/jqdiff.sh $DIR/a.json $DIR/b.json"; do
  /usr/bin/time -f "  peak RSS %M KB: $cmd" sh -c "$cmd > /dev/null"
done
