#!/usr/bin/env bash
# Two ChatSocket nodes behind nginx with a Redis backplane (docs/SCALING.md), then:
#   1. the load tool through nginx: every message reaches every member and is stored (zero loss);
#   2. the backplane's cost: one node with and without Backplane:Redis, the same workload, in the same sitting
#      (CPU per delivery from --server-pid, p99).
# Needs redis-server (/usr/bin) and nginx (/usr/sbin, Debian's). Everything runs on 127.0.0.1, in $OUT.
#
#   scripts/scale/run-two-nodes.sh
#   DURATION=20s RATE=400 ROOMS=20 CLIENTS=25 SENDERS=2 ROUNDS=2 scripts/scale/run-two-nodes.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/scale-results/$(date -u +%Y%m%dT%H%M%SZ)}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
RATE=${RATE:-400}
ROOMS=${ROOMS:-20}
CLIENTS=${CLIENTS:-25}
SENDERS=${SENDERS:-2}
ROUNDS=${ROUNDS:-2}
REDIS_PORT=${REDIS_PORT:-6391}
MONGO_PORT=${MONGO_PORT:-27391}
NODE1=${NODE1:-5011}
NODE2=${NODE2:-5012}
NGINX_PORT=${NGINX_PORT:-5010}
mkdir -p "$OUT"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$OUT/nginx/nginx.pid" ]; then kill "$(cat "$OUT/nginx/nginx.pid")" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1 (see $OUT/*.log)" >&2
  exit 1
}

echo "building Release..."
dotnet build "$root/ChatSocket.sln" -c Release -v q -nologo | tail -1
server="$root/ChatSocket/bin/Release/net10.0/ChatSocket.dll"
engine="$root/ChatSocket.EmbeddedMongo/bin/Release/net10.0/ChatSocket.EmbeddedMongo.dll"
lt="$root/ChatSocket.LoadTest/bin/Release/net10.0/ChatSocket.LoadTest.dll"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git -C "$root" rev-parse HEAD)"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); shared with other work"
  echo "redis: $(/usr/bin/redis-server --version | cut -d' ' -f3)  nginx: $(/usr/sbin/nginx -v 2>&1 | cut -d/ -f2)"
  echo "load before: $(cat /proc/loadavg)"
  echo "workload: rooms=$ROOMS clients-per-room=$CLIENTS senders-per-room=$SENDERS rate=$RATE/s size=100 duration=$DURATION warmup=$WARMUP rounds=$ROUNDS"
} > "$OUT/conditions.txt"

# Redis, empty, no persistence (the order does not need it, docs/SCALING.md).
/usr/bin/redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$OUT" > "$OUT/redis.log" 2>&1 &
pids+=($!)
# One MongoDB for both nodes: the embedded engine standalone, in memory.
dotnet "$engine" --port "$MONGO_PORT" > "$OUT/mongo.log" 2>&1 &
pids+=($!)
wait_port "$REDIS_PORT"
wait_port "$MONGO_PORT"

# start_node NAME PORT DATABASE BACKPLANE(0|1): a node on the shared engine, its own spill directory; sets $started.
started=""
start_node() {
  local name=$1 port=$2 database=$3 backplane=$4 redis=""
  if [ "$backplane" = 1 ]; then redis="127.0.0.1:$REDIS_PORT"; fi
  mkdir -p "$OUT/$name-spill"
  # The per-connection rate limit (20/s by default) is for people, not for a load test's senders.
  Backplane__Redis="$redis" ConnectionStrings__Mongo="mongodb://127.0.0.1:$MONGO_PORT/" Mongo__Database="$database" \
    Chat__MessagesPerSecond=1000000 Chat__MessageBurst=1000000 Logging__LogLevel__Default=Warning \
    Persistence__DataDirectory="$OUT/$name-spill" \
    dotnet "$server" --urls "http://127.0.0.1:$port" --contentRoot "$root/ChatSocket" >> "$OUT/$name.log" 2>&1 &
  started=$!
  pids+=("$started")
  wait_port "$port"
}

stop_node() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# load URL JSON [extra options]: one run of the load tool; its summary goes to JSON and its output to the terminal.
load() {
  local url=$1 json=$2; shift 2
  dotnet "$lt" --url "$url" --protocol chatsocket --mode run --rooms "$ROOMS" --clients-per-room "$CLIENTS" \
    --senders-per-room "$SENDERS" --rate "$RATE" --size 100 --duration "$DURATION" --warmup "$WARMUP" --drain 10s \
    --room-prefix "lt$RANDOM" --json "$json" "$@"
}

# 1. Two nodes with the backplane, one database, behind nginx (least_conn spreads each room's clients over both).
start_node cluster-a "$NODE1" chat_scale 1; node_a=$started
start_node cluster-b "$NODE2" chat_scale 1; node_b=$started
mkdir -p "$OUT/nginx"
sed -e "s|@PREFIX@|$OUT/nginx|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@NODE1@|$NODE1|g" -e "s|@NODE2@|$NODE2|g" \
  "$root/scripts/scale/nginx.conf" > "$OUT/nginx/nginx.conf"
/usr/sbin/nginx -t -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" 2> "$OUT/nginx/test.log" || { cat "$OUT/nginx/test.log"; exit 1; }
/usr/sbin/nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf"
wait_port "$NGINX_PORT"
echo "== two nodes through nginx"
load "ws://127.0.0.1:$NGINX_PORT/ws" "$OUT/nginx-two-nodes.json"
echo "connections per node: a=$(ls /proc/"$node_a"/fd | wc -l) fds, b=$(ls /proc/"$node_b"/fd | wc -l) fds (after the run)"
kill "$(cat "$OUT/nginx/nginx.pid")"
stop_node "$node_a"
stop_node "$node_b"

# 2. The backplane's cost: one node, the same workload, without and with Backplane:Redis, alternated.
for round in $(seq 1 "$ROUNDS"); do
  for backplane in 0 1; do
    name="single-bp$backplane"
    start_node "$name" "$NODE1" "chat_${name}_$round" "$backplane"
    echo "== one node, backplane=$backplane, round $round"
    load "ws://127.0.0.1:$NODE1/ws" "$OUT/$name-r$round.json" --server-pid "$started"
    stop_node "$started"
  done
done
echo "load after: $(cat /proc/loadavg)" >> "$OUT/conditions.txt"
echo "results in $OUT"
