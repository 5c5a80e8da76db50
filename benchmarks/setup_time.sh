#!/usr/bin/env bash
# Times the README's set-up on a fresh clone of this repository: environment, the quick test tier, data, notebooks.
#   benchmarks/setup_time.sh          warm: pip's cache as it is on this machine (what CI and later runs see)
#   benchmarks/setup_time.sh --cold   cold: an empty pip cache, so every package is downloaded (the first set-up on
#                                     a new machine; nothing is compiled)
#   --no-nbval                        leave out the nbval run of every notebook (the longest step)
# `make unit` is timed right after `make setup`, before `make data`: a fresh clone with no data, as a contributor has
# it. Prints one summary line and writes benchmarks/results/setup_time[-cold].json with its provenance
# (benchmarks/common.py).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
mode=warm
cold_cache=""
nbval=yes
for arg in "$@"; do
  case "$arg" in
    --cold) mode=cold; cold_cache="$(mktemp -d)"; export PIP_CACHE_DIR="$cold_cache" ;;
    --no-nbval) nbval=no ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d)"
git clone -q "$here" "$work/repo"
cd "$work/repo"
t() { local start=$SECONDS; "$@" > "$work/log.txt" 2>&1 || { tail -30 "$work/log.txt"; exit 1; }; echo $((SECONDS - start)); }
setup=$(t make setup)
setup_again=$(t make setup)
unit=$(t make unit)
data=$(t make data)
nbval_s=null
[[ $nbval == yes ]] && nbval_s=$(t make nbval)
suffix=$([[ $mode == cold ]] && echo "-cold" || echo "")
cd "$here/benchmarks"
"$work/repo/.venv/bin/python" - "setup_time$suffix" "$mode" "$setup" "$setup_again" "$unit" "$data" "$nbval_s" <<'PY'
import json, sys

import common

name, mode, setup, again, unit, data, nbval = sys.argv[1:]
common.write_json(name, {"mode": mode, "setup_s": int(setup), "setup_again_s": int(again), "unit_s": int(unit),
                         "data_s": int(data), "nbval_s": json.loads(nbval)})
PY
echo "setup ($mode pip cache): environment ${setup}s, again ${setup_again}s; make unit ${unit}s; data ${data}s;" \
     "nbval ${nbval_s}s"
rm -rf "$work" ${cold_cache:+"$cold_cache"}
