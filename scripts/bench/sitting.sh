#!/usr/bin/env bash
# The sitting reported in docs/BENCHMARKS.md: three rounds of the fan-out workloads for ChatSocket (with and without
# persistence) and the two fastest peers, one round for the two peers that saturate at these rates anyway, then idle
# and join storm once for every server; all into one results directory, summarised at the end.
#   PERSIST_ROOT=/tmp/pipeline-build NICE=-10 scripts/bench/sitting.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export OUT=${OUT:-/tmp/bench-results/sitting-$(date -u +%Y%m%dT%H%M%SZ)}
export DURATION=${DURATION:-10s} WARMUP=${WARMUP:-5s} SERVER_WARMUP=${SERVER_WARMUP:-10s}
fast="chatsocket uws bun"
all="chatsocket uws bun node-ws gorilla"
if [ -n "${PERSIST_ROOT:-}" ]; then fast="chatsocket chatsocket-persist uws bun"; all="chatsocket chatsocket-persist uws bun node-ws gorilla"; fi
ROUNDS=3 SERVERS="$fast" EXTRAS="" "$here/run.sh"
ROUNDS=1 SERVERS="node-ws gorilla" EXTRAS="" "$here/run.sh"
ROUNDS=0 SERVERS="$all" EXTRAS="idle joinstorm" "$here/run.sh"
