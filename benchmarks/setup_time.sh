#!/usr/bin/env bash
# Times the README's set-up on a fresh clone of this repository: environment, data, notebooks.
#   benchmarks/setup_time.sh          warm: pip's cache as it is on this machine (what CI and later runs see)
#   benchmarks/setup_time.sh --cold   cold: an empty pip cache, so every package is downloaded (the first set-up on
#                                     a new machine; nothing is compiled)
# Prints one summary line and writes benchmarks/results/setup_time[-cold].json.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
mode=warm
cold_cache=""
if [[ "${1:-}" == "--cold" ]]; then mode=cold; cold_cache="$(mktemp -d)"; export PIP_CACHE_DIR="$cold_cache"; fi
work="$(mktemp -d)"
git clone -q "$here" "$work/repo"
cd "$work/repo"
t() { local start=$SECONDS; "$@" > "$work/log.txt" 2>&1 || { tail -30 "$work/log.txt"; exit 1; }; echo $((SECONDS - start)); }
setup=$(t make setup)
setup_again=$(t make setup)
data=$(t make data)
nbval=$(t make nbval)
suffix=$([[ $mode == cold ]] && echo "-cold" || echo "")
mkdir -p "$here/benchmarks/results"
printf '{"mode": "%s", "setup_s": %s, "setup_again_s": %s, "data_s": %s, "nbval_s": %s, "commit": "%s", "date": "%s", "cpu": "%s", "cores": %s}\n' \
  "$mode" "$setup" "$setup_again" "$data" "$nbval" "$(git -C "$here" rev-parse --short HEAD)" "$(date -u +%FT%TZ)" \
  "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | xargs)" "$(nproc)" \
  > "$here/benchmarks/results/setup_time$suffix.json"
echo "setup ($mode pip cache): environment ${setup}s, again ${setup_again}s; data ${data}s; nbval on all notebooks ${nbval}s"
rm -rf "$work" ${cold_cache:+"$cold_cache"}
