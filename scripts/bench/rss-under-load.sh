#!/usr/bin/env bash
# Where the server's RSS goes under the 1 x 1,000 fan-out at 400k deliveries/s, with the store (the embedded engine,
# standalone) in a process of its own: RSS at rest, then 30 s into the load its anonymous / file-mapped / shared parts,
# the largest mappings, the GC's committed memory (dotnet-counters), and the peak (VmHWM) at the end.
#   scripts/bench/rss-under-load.sh [LABEL] [NAME=value ...]          # e.g. rss-under-load.sh gen0-4m DOTNET_GCgen0size=400000
#   DLL=/tmp/chatsocket-r2r/ChatSocket.dll scripts/bench/rss-under-load.sh r2r   # another build of the server
#   BIN=out/aot/ChatSocket scripts/bench/rss-under-load.sh aot             # a native build (scripts/publish-aot.sh)
# Needs dotnet-counters (dotnet tool install -g dotnet-counters) and a 2-core machine (server core 0, load tool core 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
label=${1:-base}
shift || true
out=${OUT:-/tmp/bench-results/rss-under-load}/$label
mkdir -p "$out"
data=$(mktemp -d /tmp/chatsocket-rss.XXXXXX)
store_pid=""
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$store_pid" ]; then kill "$store_pid" 2>/dev/null || true; wait "$store_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

taskset -c 0 dotnet "$root/ChatSocket.EmbeddedMongo/bin/Release/net10.0/ChatSocket.EmbeddedMongo.dll" --port 27400 \
  --dbpath "$data/embedded" > "$out/store.log" 2>&1 &
store_pid=$!
env "$@" ConnectionStrings__Mongo=mongodb://127.0.0.1:27400/ Chat__MessagesPerSecond=1000000 Chat__MessageBurst=1000000 \
  Logging__LogLevel__Default=Warning Persistence__DataDirectory="$data/spill" \
  taskset -c 0 ${BIN:-dotnet "${DLL:-$root/ChatSocket/bin/Release/net10.0/ChatSocket.dll}"} --urls http://127.0.0.1:5000 \
  --contentRoot "$root/ChatSocket" > "$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do ss -ltnpH "sport = :5000" | grep -q "pid=$server_pid," && break; sleep 0.1; done
grep -E "VmRSS|RssAnon|RssFile|RssShmem" "/proc/$server_pid/status" > "$out/at-rest.txt"

taskset -c 1 dotnet "$root/ChatSocket.LoadTest/bin/Release/net10.0/ChatSocket.LoadTest.dll" --url ws://127.0.0.1:5000/ws \
  --protocol chatsocket --server-pid "$server_pid" --rooms 1 --clients-per-room 1000 --senders-per-room 10 --rate 400 \
  --duration 50s --warmup 5s --drain 5s > "$out/load.log" 2>&1 &
load_pid=$!
sleep 30
grep -E "VmRSS|RssAnon|RssFile|RssShmem|Threads" "/proc/$server_pid/status" > "$out/under-load.txt"
# RSS per mapping (anonymous memory summed as [anon]).
awk '/^[0-9a-f]+-[0-9a-f]+ /{name=$6; if (name == "") name="[anon]"} /^Rss:/{rss[name]+=$2} END{for (n in rss) print rss[n], n}' \
  "/proc/$server_pid/smaps" | sort -rn | head -25 > "$out/mappings-kb.txt"
"${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}" collect -p "$server_pid" --duration 00:00:06 --format csv \
  -o "$out/counters.csv" --counters System.Runtime > /dev/null 2>&1 || echo "dotnet-counters failed" >&2
wait "$load_pid" || true
grep -E "VmHWM" "/proc/$server_pid/status" >> "$out/under-load.txt"

echo "== $label: at rest"; cat "$out/at-rest.txt"
echo "== under load (30 s), peak"; cat "$out/under-load.txt"
echo "== GC committed"; grep -E "committed_size" "$out/counters.csv" | tail -1 | cut -d, -f5
echo "== load"; grep -E "^   (latency|acks|correctness)" "$out/load.log" || true
