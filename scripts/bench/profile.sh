#!/usr/bin/env bash
# Where a server's time goes under the 1 x 1,000 fan-out at 800k deliveries/s: system calls per delivery
# (perf stat) and a CPU profile (perf record, JIT frames named through the runtime's perf map).
#   scripts/bench/profile.sh [chatsocket|uws|bun|node-ws|gorilla] [OUT]
#   LOAD_ARGS="--rooms 10 --clients-per-room 100 --senders-per-room 10 --rate 4000" scripts/bench/profile.sh   # 10 x 100
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
name=${1:-chatsocket}
OUT=${2:-/tmp/bench-results/profile-$name-$(date -u +%H%M%S)}
BENCH=${BENCH:-/tmp/bench}
LOAD_ARGS=${LOAD_ARGS:-"--rooms 1 --clients-per-room 1000 --senders-per-room 10 --rate 800"}
mkdir -p "$OUT"
lt="$root/ChatSocket.LoadTest/bin/Release/net10.0/ChatSocket.LoadTest.dll"
case $name in
  chatsocket)
    port=5000
    # Perf map + no W^X double mapping: perf can name the JIT-compiled frames.
    DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 Chat__MessagesPerSecond=1000000 Chat__MessageBurst=1000000 \
      Logging__LogLevel__Default=Warning taskset -c 0 dotnet "$root/ChatSocket/bin/Release/net10.0/ChatSocket.dll" \
      --urls "http://127.0.0.1:$port" --contentRoot "$root/ChatSocket" > "$OUT/server.log" 2>&1 &
    protocol=chatsocket ;;
  *)
    case $name in node-ws) port=5101 ;; bun) port=5102 ;; uws) port=5103 ;; gorilla) port=5104 ;; esac
    taskset -c 0 "$BENCH/start-peer.sh" "$name" "$port" > "$OUT/server.log" 2>&1 &
    protocol=raw ;;
esac
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

taskset -c 1 dotnet "$lt" --url "ws://127.0.0.1:$port/ws" --protocol $protocol $LOAD_ARGS \
  --warmup 15s --duration 15s --drain 5s --server-pid $pid --json "$OUT/run.json" > "$OUT/run.log" 2>&1 &
gen=$!
sleep 18
perf stat -e 'syscalls:sys_enter_sendto,syscalls:sys_enter_sendmsg,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_recvfrom,syscalls:sys_enter_read,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_futex' \
  -p $pid -- sleep 4 > "$OUT/syscalls.txt" 2>&1
perf record -F 999 -g -p $pid -o "$OUT/perf.data" -- sleep 5 > /dev/null 2>&1
wait $gen || true
perf report -i "$OUT/perf.data" --no-children --sort dso 2>/dev/null | grep -E '^ +[0-9]' | head -12 > "$OUT/by-dso.txt"
perf report -i "$OUT/perf.data" --no-children --sort symbol -g none 2>/dev/null | grep -E '^ +[0-9]' | head -60 | cut -c1-220 > "$OUT/by-symbol.txt"
grep -E 'latency p|correctness|server CPU' "$OUT/run.log"
cat "$OUT/syscalls.txt" | grep -E 'syscalls|elapsed'
echo "profile in $OUT (by-dso.txt, by-symbol.txt)"
