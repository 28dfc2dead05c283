#!/bin/sh
# Long fuzz runs: scripts/fuzz.sh [DURATION] [ROUND]
#   DURATION  total time, e.g. 90s, 30m, 2h (default 1h)
#   ROUND     seconds per round (default 300): each round is one `swift test` run of the
#             Fuzz suite with a new random seed, its time shared by the targets.
# Builds once (debug, tests included), then loops over seeds until the time is up. Findings
# (inputs that failed a check, and the last input of a round that crashed) are kept in
# $MESHSCOPE_FUZZ_FINDINGS (default ./fuzz-findings), with the round's log beside them.
# MESHSCOPE_FUZZ_SKIP_BUILD=1 reuses the last build.
# Replay one: MESHSCOPE_FUZZ_REPLAY=fuzz-findings/NAME.fuzz swift test --skip-build --filter Fuzz
set -u

duration=${1:-1h}
round=${2:-300}
case $duration in
    *h) total=$(( ${duration%h} * 3600 )) ;;
    *m) total=$(( ${duration%m} * 60 )) ;;
    *s) total=${duration%s} ;;
    *) total=$duration ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
findings=${MESHSCOPE_FUZZ_FINDINGS:-$root/fuzz-findings}
mkdir -p "$findings"
cd "$root" || exit 1

if [ -z "${MESHSCOPE_FUZZ_SKIP_BUILD:-}" ]; then
    echo "fuzz: building (debug, with tests)"
    swift build --build-tests >"$findings/build.log" 2>&1 || { echo "fuzz: build failed, see $findings/build.log"; exit 1; }
fi

end=$(( $(date +%s) + total ))
rounds=0
crashes=0
while [ "$(date +%s)" -lt "$end" ]; do
    left=$(( end - $(date +%s) ))
    budget=$(( left < round ? left : round ))
    [ "$budget" -lt 10 ] && break
    seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
    work=$(mktemp -d)
    log="$findings/round-$seed.log"
    echo "fuzz: round $((rounds + 1)), seed $seed, ${budget}s"
    MESHSCOPE_FUZZ_SECONDS=$budget MESHSCOPE_FUZZ_SEED=$seed MESHSCOPE_FUZZ_DIR=$work \
        setsid -w swift test --skip-build --filter "FuzzTests.Fuzz/" >"$log" 2>&1
    status=$?
    # (setsid: swift test ends its process group when it exits; the loop must outlive it.)
    # Inputs that failed a check were saved under their target's name.
    for f in "$work"/*.fuzz; do
        [ -e "$f" ] || continue
        case $(basename "$f") in last-input-*) continue ;; esac
        mv "$f" "$findings/"; mv "$f".part* "$findings/" 2>/dev/null
    done
    if [ "$status" -ne 0 ] && ! grep -q "input saved to" "$log"; then
        # No saved finding but a failed run: a trap. The newest last-input file is the culprit.
        last=$(ls -t "$work"/last-input-*.fuzz 2>/dev/null | head -1)
        if [ -n "$last" ]; then
            crashes=$((crashes + 1))
            keep="$findings/$(basename "$last" .fuzz | sed 's/^last-input-//')-crash-$seed.fuzz"
            mv "$last" "$keep"
            echo "fuzz: CRASH (seed $seed): input kept in $keep; replay: MESHSCOPE_FUZZ_REPLAY=$keep swift test --skip-build --filter Fuzz"
        fi
    elif [ "$status" -eq 0 ]; then
        rm -f "$log"
    fi
    [ "$status" -ne 0 ] && echo "fuzz: round failed, log: $log"
    rm -rf "$work"
    rounds=$((rounds + 1))
done
echo "fuzz: $rounds rounds, $crashes crashes; findings in $findings"
