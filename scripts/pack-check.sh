#!/usr/bin/env bash
# Issue 14: the package as a new user gets it. `npm pack` (prepack builds dist/), the tarball
# installed into an empty folder with `npm install` (dependencies from the npm registry only), then
# `luc` run from another folder: the default scenario, a bundled one by name, and a validation.
# Prints the tarball's size and the install time.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tgz=$(npm pack --silent --pack-destination "$tmp" | tail -n 1)
echo "packed $tgz: $(du -k "$tmp/$tgz" | cut -f1) kB"
mkdir "$tmp/app" "$tmp/elsewhere"
start_ns=$(date +%s%N)
(cd "$tmp/app" && npm install --no-audit --no-fund --loglevel=error "$tmp/$tgz" >/dev/null)
echo "installed in $((($(date +%s%N) - start_ns) / 1000000)) ms"
cd "$tmp/elsewhere"
export PATH="$tmp/app/node_modules/.bin:$PATH"
luc --version
luc run --quiet --out default-run
luc run renater-can --set durationS=30 --quiet --out can-run
luc validate scenarios/renater-dvms.yaml
for dir in default-run can-run; do
  test -s "$dir/metrics.csv"
  node -e "const s = require('./$dir/summary.json'); if (!s.commandLine.startsWith('luc run')) { console.error('$dir: commandLine is ' + s.commandLine); process.exit(1); }"
done
echo "luc runs from $(pwd): $(node -p "require('./can-run/summary.json').commandLine")"
