#!/usr/bin/env bash
# Execute every notebook (notebooks/*.ipynb) headless with Debian's Jupyter and the tslab
# TypeScript kernel, into a temporary folder (committed notebooks keep no outputs). Exit 1 when
# a notebook fails or runs out of time, 2 when Jupyter or the kernel cannot be set up.
#
#   npm run notebooks                      # builds dist/ first (the notebooks call luc), then this
#   scripts/run-notebooks.sh A.ipynb ...   # some notebooks only
#   NOTEBOOK_OUT=DIR npm run notebooks     # keep the executed notebooks in DIR
#   NOTEBOOK_TIMEOUT_S=600 ...             # time limit per notebook (default 300 s)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Jupyter lives in the system Python; a pyenv python3 earlier in PATH does not have it.
PYTHON=/usr/bin/python3
TIMEOUT_S=${NOTEBOOK_TIMEOUT_S:-300}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/luc-notebooks.XXXXXX")
OUT=${NOTEBOOK_OUT:-$WORK/executed}
mkdir -p "$OUT"

if ! "$PYTHON" -c 'import nbconvert, nbclient, ipykernel' 2>/dev/null; then
  echo "run-notebooks: $PYTHON has no Jupyter: apt-get install -y jupyter-nbconvert python3-ipykernel" >&2
  exit 2
fi
if [ ! -x notebooks/node_modules/.bin/tslab ]; then
  echo "run-notebooks: installing the notebook kernel (npm ci --prefix notebooks)"
  npm ci --prefix notebooks --no-audit --no-fund >/dev/null
fi
if [ ! -f dist/cli/main.js ]; then
  echo "run-notebooks: dist/ is missing: npm run build (or npm run notebooks)" >&2
  exit 2
fi

# The tslab kernel spec goes into a private Jupyter data folder, so no user or system kernel
# registry is touched and a stale kernel installed elsewhere cannot be picked up.
node notebooks/node_modules/tslab/bin/tslab install --python="$PYTHON" \
  --binary="$PWD/notebooks/node_modules/.bin/tslab" --prefix="$WORK/jupyter" >/dev/null
export JUPYTER_PATH="$WORK/jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

failed=()
# What a failed notebook printed: tslab reports compile errors on stderr, not in the traceback.
show_failure() {
  timeout --kill-after=10 "$((TIMEOUT_S + 30))" "$PYTHON" -m nbconvert --to notebook --execute --allow-errors --ExecutePreprocessor.kernel_name=tslab \
    --ExecutePreprocessor.timeout="$TIMEOUT_S" --output-dir "$WORK/failed" "$1" >/dev/null 2>&1 || true
  "$PYTHON" - "$WORK/failed/$(basename "$1")" <<'PY' >&2 || tail -40 "$WORK/log" >&2
import json, sys
for index, cell in enumerate(json.load(open(sys.argv[1]))['cells']):
    for out in cell.get('outputs', []):
        text = ''.join(out.get('text', '')) if out.get('name') == 'stderr' else ''
        if out.get('output_type') == 'error':
            text = f"{out.get('ename')}: {out.get('evalue')}"
        if text:
            print(f'  cell {index}: {text.rstrip()}')
PY
}

if [ "$#" -gt 0 ]; then notebooks=("$@"); else notebooks=(notebooks/*.ipynb); fi
for notebook in "${notebooks[@]}"; do
  start_ns=$(date +%s%N)
  if timeout --kill-after=10 "$((TIMEOUT_S + 30))" "$PYTHON" -m nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout="$TIMEOUT_S" \
    --output-dir "$OUT" "$notebook" >"$WORK/log" 2>&1; then
    verdict=ok
  else
    verdict=FAILED
    failed+=("$notebook")
    grep -m1 -A3 'CellExecutionError\|TimeoutError\|Error' "$WORK/log" >&2 || true
    show_failure "$notebook"
  fi
  elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
  printf 'run-notebooks: %-36s %s in %d.%01d s\n' "$notebook" "$verdict" "$((elapsed_ms / 1000))" "$((elapsed_ms % 1000 / 100))"
done

echo "run-notebooks: executed notebooks in $OUT"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "run-notebooks: ${#failed[@]} notebook(s) failed: ${failed[*]}" >&2
  exit 1
fi
