#!/usr/bin/env bash
# Reproduces the runs of docs/BENCHMARKS.md (fan-out and peers sections).
#
# For each round and each server: start the server pinned to core 0, one discarded warm-up run, then the measured
# workloads with the generator pinned to core 1; stop the server. Idle and join-storm run once per server, after the
# rounds. Every run writes JSON (ChatSocket.LoadTest's --json) into $OUT; summarize.py turns them into the tables.
#
#   scripts/bench/run.sh                          # everything, 3 rounds
#   ROUNDS=1 SERVERS="uws chatsocket" WORKLOADS="fanout" scripts/bench/run.sh
#   CHATSOCKET_ENV="Persistence__RememberClientMsgIds=false DOTNET_TieredPGO=1" ...   # an A/B of one setting
#   EXTRAS=coldstart ...   # fan-out at 400k deliveries/s from the server's first second, no warm-up
#   SERVERS=chatsocket-oop ...   # the store (the embedded engine, standalone) in a process of its own
#   SERVERS=chatsocket-r2r ...   # the server published with ReadyToRun
#   SERVERS="chatsocket-aot chatsocket-aot-oop" ...   # the native build (scripts/publish-aot.sh), store in / out of process
#   ROUNDS=0 EXTRAS="maxrate overload" ...   # where capacity ends, and a rate above it
#
# chatsocket-persist (add it to SERVERS) runs the build in PERSIST_ROOT, e.g. a clone of the persistence branch:
#   git clone --branch pipeline <repo> /tmp/pipeline-build && dotnet build /tmp/pipeline-build/ChatSocket -c Release
# Needs: the peer kit copied to $BENCH with its packages installed (cp -r ../shared/bench /tmp/bench; cd /tmp/bench;
# npm install), Debian's golang-go + golang-github-gorilla-websocket-dev for gorilla, a 2-core Linux machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${BENCH:-/tmp/bench}
ROUNDS=${ROUNDS:-3}
SERVERS=${SERVERS:-"uws bun chatsocket node-ws gorilla"}
WORKLOADS=${WORKLOADS:-"fanout rooms10 rooms200"}
EXTRAS=${EXTRAS-"idle joinstorm"}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
SERVER_WARMUP=${SERVER_WARMUP:-10s}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-18000}
# CHATSOCKET_PORT (default 5000): ChatSocket's port, for a machine where another server may hold 5000. Server settings
# pass through the environment (e.g. Chat__UpgradeBelowHttp=false).
CHATSOCKET_PORT=${CHATSOCKET_PORT:-5000}
OUT=${OUT:-/tmp/bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
# RECEIVE_TIME=kernel: arrival times from the kernel's receive stamps, not the generator's reads (see BENCHMARKS.md:
# on a machine where the generator's core is full, its own read queue is otherwise part of every latency).
RECEIVE_TIME=${RECEIVE_TIME:-user}
# PIN=0: the unpinned variant the method also asks for (server and generator share both cores).
PIN=${PIN:-1}
# NICE=-10 (as root): on a machine shared with other work, give the server and the generator precedence over it, the
# same for every server, so that a single-threaded peer is not starved more than a multi-threaded one. 0: as is.
NICE=${NICE:-0}
# Extra environment for ChatSocket servers ("NAME=value ..."), e.g. to turn one option off for an A/B.
CHATSOCKET_ENV=${CHATSOCKET_ENV:-}
if [ "$PIN" = 1 ]; then server_cpu="taskset -c 0"; generator_cpu="taskset -c 1"; else server_cpu=""; generator_cpu=""; fi
if [ "$NICE" != 0 ]; then server_cpu="nice -n $NICE $server_cpu"; generator_cpu="nice -n $NICE $generator_cpu"; fi
mkdir -p "$OUT"

echo "building Release..."
dotnet build "$root/ChatSocket.sln" -c Release -v q -nologo | tail -1
lt="$root/ChatSocket.LoadTest/bin/Release/net10.0/ChatSocket.LoadTest.dll"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git -C "$root" rev-parse HEAD)"
  if [ -n "${PERSIST_ROOT:-}" ]; then echo "chatsocket-persist commit: $(git -C "$PERSIST_ROOT" rev-parse HEAD)"; fi
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)"
  echo "dotnet: $(dotnet --version)"
  echo "load before: $(cat /proc/loadavg)"
  echo "rounds=$ROUNDS duration=$DURATION warmup=$WARMUP server_warmup=$SERVER_WARMUP pinned=$PIN nice=$NICE receive_time=$RECEIVE_TIME"
  echo "chatsocket env: ${CHATSOCKET_ENV:-(none)}"
} >> "$OUT/conditions.txt"

port_of() { case $1 in node-ws) echo 5101 ;; bun) echo 5102 ;; uws) echo 5103 ;; gorilla) echo 5104 ;; chatsocket*) echo "$CHATSOCKET_PORT" ;; esac; }
protocol_of() { case $1 in chatsocket*) echo chatsocket ;; *) echo raw ;; esac; }

# chatsocket-r2r: this tree's server published with ReadyToRun (how OPERATIONS.md says to deploy), into $R2R_DIR.
R2R_DIR=${R2R_DIR:-/tmp/chatsocket-r2r}
# chatsocket-aot, chatsocket-aot-oop: this tree's server built with Native AOT into $AOT_DIR (AOT_REUSE=1: as built).
AOT_DIR=${AOT_DIR:-/tmp/chatsocket-aot}
server_command() { # name app_root: the command that runs the server
  case $1 in
    chatsocket-r2r) echo "dotnet $R2R_DIR/ChatSocket.dll" ;;
    chatsocket-aot*) echo "$AOT_DIR/ChatSocket" ;;
    *) echo "dotnet $2/ChatSocket/bin/Release/net10.0/ChatSocket.dll" ;;
  esac
}
case " $SERVERS " in
  *" chatsocket-r2r "*) dotnet publish "$root/ChatSocket" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$R2R_DIR" -v q -nologo | tail -1 ;;
esac
case " $SERVERS " in
  *" chatsocket-aot"*) if [ "${AOT_REUSE:-0}" != 1 ] || [ ! -x "$AOT_DIR/ChatSocket" ]; then "$root/scripts/publish-aot.sh" "$AOT_DIR"; fi ;;
esac

server_pid=""
store_pid=""
store_owner=""
server_data=""
start_server() {
  local name=$1 port
  port=$(port_of "$name")
  if [[ $name == chatsocket* ]]; then
    # chatsocket: this tree's server. chatsocket-persist: the build in $PERSIST_ROOT (a checkout of the persistence
    # pipeline, issue 4) with persistence on, on the embedded engine, in a fresh data directory each start.
    local app_root=$root
    if [ "$name" = chatsocket-persist ]; then app_root=${PERSIST_ROOT:?set PERSIST_ROOT to a built checkout with persistence}; fi
    server_data=$(mktemp -d /tmp/chatsocket-bench-data.XXXXXX)
    local data=$server_data
    local store_env=""
    if [[ $name == *-oop ]]; then
      # The store in a process of its own (the embedded engine run standalone, as a MongoDB would be), on the server's
      # core: the server's RSS is then the server's alone; the engine's is reported beside it.
      $server_cpu dotnet "$app_root/ChatSocket.EmbeddedMongo/bin/Release/net10.0/ChatSocket.EmbeddedMongo.dll" \
        --port 27400 --dbpath "$data/embedded" >> "$OUT/$name.store.log" 2>&1 &
      store_pid=$!
      store_owner=$name
      store_env="ConnectionStrings__Mongo=mongodb://127.0.0.1:27400/"
    fi
    # The per-connection rate limit (20/s by default) is for people, not for a benchmark's senders.
    # shellcheck disable=SC2086 # CHATSOCKET_ENV is a list of NAME=value words.
    env $CHATSOCKET_ENV $store_env Chat__MessagesPerSecond=1000000 Chat__MessageBurst=1000000 Logging__LogLevel__Default=Warning \
      Embedded__DataDirectory="$data/embedded" Persistence__DataDirectory="$data/spill" \
      $server_cpu $(server_command "$name" "$app_root") \
      --urls "http://127.0.0.1:$port" --contentRoot "$app_root/ChatSocket" >> "$OUT/$name.server.log" 2>&1 &
  else
    $server_cpu "$BENCH/start-peer.sh" "$name" "$port" >> "$OUT/$name.server.log" 2>&1 &
  fi
  server_pid=$!
  for _ in $(seq 1 300); do
    # ChatSocket is this very process: wait for it to listen, not for whatever answers on the port (another
    # session's server would be measured instead). A peer runs under a start script, so its port is enough.
    case $name in
      chatsocket*) if ss -ltnpH "sport = :$port" | grep -q "pid=$server_pid,"; then return 0; fi ;;
      *) if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi ;;
    esac
    sleep 0.1
  done
  echo "$name did not start (see $OUT/$name.server.log)" >&2
  return 1
}

stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
  if [ -n "$store_pid" ]; then
    echo "$(date -u +%T) $store_owner: store RSS at stop: $(awk '/VmRSS/ {print $2/1024 " MB"}' "/proc/$store_pid/status" 2>/dev/null)" >> "$OUT/store-rss.log"
    kill "$store_pid" 2>/dev/null || true
    wait "$store_pid" 2>/dev/null || true
    store_pid=""
  fi
  if [ -n "$server_data" ]; then rm -rf "$server_data"; server_data=""; fi
  sleep 1
}
trap stop_server EXIT

workload_args() {
  case $1 in
    fanout)   echo "--rooms 1 --clients-per-room 1000 --senders-per-room 10 --rate 800" ;;     # 800k deliveries/s
    fanout400) echo "--rooms 1 --clients-per-room 1000 --senders-per-room 10 --rate 400" ;;    # 400k deliveries/s
    # Below both servers' saturation on a slow machine (where the generator is at its core's limit against uWS at 400k).
    fanout100) echo "--rooms 1 --clients-per-room 1000 --senders-per-room 10 --rate 100" ;;    # 100k deliveries/s
    rooms10)  echo "--rooms 10 --clients-per-room 100 --senders-per-room 10 --rate 4000" ;;    # 400k deliveries/s
    rooms10half) echo "--rooms 10 --clients-per-room 100 --senders-per-room 10 --rate 2000" ;;  # 200k deliveries/s
    rooms10quarter) echo "--rooms 10 --clients-per-room 100 --senders-per-room 10 --rate 1000" ;;  # 100k deliveries/s
    # Where the generator stays under the kit's 80% of its core even against uWS (the method's rule for a valid run).
    fanout50) echo "--rooms 1 --clients-per-room 1000 --senders-per-room 10 --rate 50" ;;      # 50k deliveries/s
    fanout25) echo "--rooms 1 --clients-per-room 1000 --senders-per-room 10 --rate 25" ;;      # 25k deliveries/s
    rooms10eighth) echo "--rooms 10 --clients-per-room 100 --senders-per-room 10 --rate 500" ;;  # 50k deliveries/s
    rooms10sixteenth) echo "--rooms 10 --clients-per-room 100 --senders-per-room 10 --rate 250" ;;  # 25k deliveries/s
    rooms200) echo "--rooms 200 --clients-per-room 25 --senders-per-room 2 --rate 8000" ;;     # 200k deliveries/s
    overload) echo "--rooms 1 --clients-per-room 1000 --senders-per-room 10 --rate 2200" ;;   # 2.2M deliveries/s
    maxrate)  echo "--mode max-rate --rooms 1 --clients-per-room 1000 --senders-per-room 10 --rate 200 --step-factor 1.41 --max-steps 10" ;;
  esac
}

generate() { # name label args...
  local name=$1 label=$2
  shift 2
  echo "$(date -u +%T) $name $label"
  # The machine may be shared: keep the load average next to every run.
  echo "$(date -u +%T) $name $label loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/loadavg.txt"
  $generator_cpu dotnet "$lt" --url "ws://127.0.0.1:$(port_of "$name")/ws" --protocol "$(protocol_of "$name")" \
    --server-pid "$server_pid" --receive-time "$RECEIVE_TIME" --json "$OUT/$name-$label.json" "$@" > "$OUT/$name-$label.log" 2>&1 || true
  grep -E '^   (latency|correctness)|^idle:|^join storm|^max sustainable' "$OUT/$name-$label.log" | sed 's/^/    /' || true
}

for round in $(seq 1 "$ROUNDS"); do
  for name in $SERVERS; do
    start_server "$name"
    # Discarded: brings a .NET server's hot path to its optimised JIT tier (and the peers' caches) before measuring.
    generate "$name" "warmup-r$round" $(workload_args fanout) --duration "$SERVER_WARMUP" --warmup 0s --drain 5s
    for workload in $WORKLOADS; do
      generate "$name" "$workload-r$round" $(workload_args "$workload") --duration "$DURATION" --warmup "$WARMUP" --drain 10s
    done
    stop_server
  done
done

for extra in $EXTRAS; do
  for name in $SERVERS; do
    start_server "$name"
    case $extra in
      idle) generate "$name" idle --mode idle --connections "$IDLE_CONNECTIONS" --idle-warmup-connections 100 \
              --rooms $((IDLE_CONNECTIONS / 100)) --duration 10s --source-ips 127.0.0.1-127.0.0.8 --connect-concurrency 100 ;;
      joinstorm) generate "$name" joinstorm --mode join-storm --clients 2000 --history 50 ;;
      # Load from the first second: no warm-up run, no warm-up inside the run.
      coldstart) generate "$name" coldstart $(workload_args fanout400) --duration 10s --warmup 0s --drain 10s ;;
      maxrate) generate "$name" maxrate $(workload_args maxrate) --duration 10s --warmup 5s --drain 10s ;;
      # Above capacity: 2.2M deliveries/s offered to 1 x 1,000 after a warm-up (does throughput hold, who is cut).
      overload)
        generate "$name" overload-warmup $(workload_args fanout) --duration "$SERVER_WARMUP" --warmup 0s --drain 5s
        generate "$name" overload $(workload_args overload) --duration 15s --warmup 5s --drain 10s ;;
    esac
    stop_server
  done
done

echo "load after: $(cat /proc/loadavg)" >> "$OUT/conditions.txt"
python3 "$root/scripts/bench/summarize.py" "$OUT" | tee "$OUT/summary.md"
