#!/usr/bin/env bash
# What an idle ChatSocket connection keeps on the managed heap: N idle connections (default 2,000), a heap dump,
# the live objects by type (dotnet-dump: `dotnet tool install -g dotnet-dump`).
#   scripts/bench/idle-heap.sh [N] [OUT]
# PORT (default 5000): the server's port, for a machine where another server may hold 5000. Server settings pass
# through the environment, e.g. Chat__UpgradeBelowHttp=false.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-2000}
OUT=${2:-/tmp/bench-results/idle-heap-$(date -u +%H%M%S)}
PORT=${PORT:-5000}
mkdir -p "$OUT"
export PATH="$PATH:$HOME/.dotnet/tools"
Logging__LogLevel__Default=Warning taskset -c 0 dotnet "$root/ChatSocket/bin/Release/net10.0/ChatSocket.dll" \
  --urls http://127.0.0.1:$PORT --contentRoot "$root/ChatSocket" > "$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
# Waits for this server to listen: a port that merely answers may be another process's (then nothing measured here
# would be this build's).
for _ in $(seq 1 300); do ss -ltnpH "sport = :$PORT" | grep -q "pid=$pid," && break; sleep 0.1; done
ss -ltnpH "sport = :$PORT" | grep -q "pid=$pid," || { echo "the server did not start on $PORT (see $OUT/server.log)" >&2; exit 1; }
taskset -c 1 dotnet "$root/ChatSocket.LoadTest/bin/Release/net10.0/ChatSocket.LoadTest.dll" --mode idle --url "ws://127.0.0.1:$PORT/ws" --connections "$n" \
  --rooms $((n / 100 + 1)) --duration 30s --server-pid $pid --json "$OUT/idle.json" > "$OUT/idle.log" 2>&1 &
gen=$!
for _ in $(seq 1 120); do grep -q holding "$OUT/idle.log" && break; sleep 1; done
sleep 3
dotnet-dump collect -p $pid -o "$OUT/heap.dmp" --type Heap > /dev/null
dotnet-dump analyze "$OUT/heap.dmp" -c "dumpheap -live -stat" -c exit 2>/dev/null | tail -40 > "$OUT/live-by-type.txt"
rm -f "$OUT/heap.dmp"
wait $gen || true
grep -E '^idle:' "$OUT/idle.log"
tail -25 "$OUT/live-by-type.txt" | cut -c1-170
echo "in $OUT"
