#!/usr/bin/env bash
# Fuzzes BTrackmate (Java) for a while: runs the jqwik property tests (*FuzzTest: the cells.csv
# reader, the TrackMate XML writer/reader, the sparse LAPJV solver) round after round with fresh
# random seeds until MINUTES have passed, and reports every failing round with its seed.
#
#   benchmarks/fuzz_java.sh [MINUTES=5] [TRIES_PER_PROPERTY_PER_ROUND=2000]
#
# Exit status 0 when no round failed. Logs of failing rounds stay in java/btrackmate/target/fuzz/.
# Replay a reported seed with:  mvn -B -Pfuzz test -Dfuzz.seed=SEED -Dfuzz.tries=N
set -euo pipefail
minutes=${1:-5}
tries=${2:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
logs=java/btrackmate/target/fuzz
mvn -B -q test-compile
mkdir -p "$logs"
end=$(( $(date +%s) + 60 * minutes ))
rounds=0
failed=0
while [ "$(date +%s)" -lt "$end" ]; do
  rounds=$((rounds + 1))
  log="$logs/round-$rounds.log"
  start=$(date +%s)
  if mvn -B -Pfuzz surefire:test -Dfuzz.tries="$tries" >"$log" 2>&1; then
    summary=$(grep -h "Tests run:" "$log" | tail -1 || true)
    echo "round $rounds: ok in $(( $(date +%s) - start )) s (${summary#*] })"
    rm -f "$log"
  else
    failed=$((failed + 1))
    echo "round $rounds: FAILED, log $log"
    grep -hE "seed = |<<< (FAILURE|ERROR)" "$log" | sed 's/^/    /' | head -20 || true
  fi
done
echo "fuzz_java: $rounds rounds of $tries tries per property, $failed failing"
[ "$failed" -eq 0 ]
