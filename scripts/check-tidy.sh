#!/usr/bin/env bash
# The README's Python example on a small sweep's tidy table (run by .ci/run): a 2 x 2-seed
# sweep of renater-vivaldi, then the README's block under <!-- tidy-example --> with Debian's
# python3 where pandas and pyarrow import; with pandas alone, the same block on tidy.csv;
# otherwise tidy.csv read with Python's csv module.
# Needs dist/ built.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node dist/cli/main.js sweep scenarios/renater-vivaldi.yaml --param protocols.vivaldi.dimensions=2,3 --seeds 2 \
  --set durationS=20 --set 'faults=[]' --quiet --out "$work/results/dims-sweep"
python=/usr/bin/python3
if [ ! -x "$python" ]; then python=python3; fi
if "$python" -c 'import pandas, pyarrow' 2>/dev/null; then
  example=$(awk '/<!-- tidy-example/{f=1; next} f && /^```python/{g=1; next} g && /^```/{exit} g{print}' "$root/README.md")
  if [ -z "$example" ]; then echo "README.md: no python block after <!-- tidy-example -->" >&2; exit 1; fi
  echo "pandas and pyarrow found: the README's example on tidy.parquet"
  (cd "$work" && "$python" -c "$example") | tee "$work/out.txt"
  # Two dimensions, each the mean of 2 seeds.
  grep -Eq '^2(\.0)? +[0-9.]+ +[0-9.]+ +2$' "$work/out.txt"
  grep -Eq '^3(\.0)? +[0-9.]+ +[0-9.]+ +2$' "$work/out.txt"
elif "$python" -c 'import pandas' 2>/dev/null; then
  example=$(awk '/<!-- tidy-example/{f=1; next} f && /^```python/{g=1; next} g && /^```/{exit} g{print}' "$root/README.md")
  echo "pandas without pyarrow: the README's example on tidy.csv (read_parquet -> read_csv)"
  csv_example=$(printf '%s\n' "$example" | sed 's|read_parquet("results/dims-sweep/tidy.parquet")|read_csv("results/dims-sweep/tidy.csv")|')
  if [ "$csv_example" = "$example" ]; then echo "README.md: the tidy example no longer reads results/dims-sweep/tidy.parquet" >&2; exit 1; fi
  (cd "$work" && "$python" -c "$csv_example") | tee "$work/out.txt"
  grep -Eq '^2(\.0)? +[0-9.]+ +[0-9.]+ +2$' "$work/out.txt"
  grep -Eq '^3(\.0)? +[0-9.]+ +[0-9.]+ +2$' "$work/out.txt"
else
  echo "no pandas here: tidy.csv read with python's csv module"
  "$python" - "$work/results/dims-sweep/tidy.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rows = list(csv.DictReader(f))
assert list(rows[0].keys()) == ["protocols.vivaldi.dimensions", "seed", "time_s", "metric", "value"], rows[0].keys()
last = max(float(r["time_s"]) for r in rows)
final = [r for r in rows if float(r["time_s"]) == last and r["metric"] == "vivaldi.median_rel_error"]
by_dims = {}
for r in final:
    by_dims.setdefault(r["protocols.vivaldi.dimensions"], []).append(float(r["value"]))
assert sorted(by_dims) == ["2", "3"] and all(len(v) == 2 for v in by_dims.values()), by_dims
for dims, values in sorted(by_dims.items()):
    print(dims, sum(values) / len(values), len(values))
PY
fi
echo "1 passed, 0 failed"
