#!/usr/bin/env bash
# What the store does under a fan-out load: the ack tail against the delivery tail, and the writer's inserts during
# the run (count, mean duration, p50/p99 bucket, documents per insert) from the server's /metrics. The server starts
# as run.sh starts it (pinned to core 0, persistence on, store in process, fresh data), warmed 30 s at 400k.
#   scripts/bench/store-at-load.sh [RUNS]                          # 10 x 100 at 400k deliveries/s, 3 runs
#   LOAD_ARGS="--rooms 10 --clients-per-room 100 --senders-per-room 10 --rate 2000" scripts/bench/store-at-load.sh
#   CHATSOCKET_ENV="DOTNET_GCgen0size=0x4000000" scripts/bench/store-at-load.sh          # an A/B of one setting
# With dotnet-counters installed (dotnet tool install -g dotnet-counters), each run also reports the server's GC
# pauses and collections during the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
PORT=${PORT:-5000}
LOAD_ARGS=${LOAD_ARGS:-"--rooms 10 --clients-per-room 100 --senders-per-room 10 --rate 4000"}
lt="$root/ChatSocket.LoadTest/bin/Release/net10.0/ChatSocket.LoadTest.dll"
# shellcheck source=scripts/bench/chatsocket-server.sh
. "$root/scripts/bench/chatsocket-server.sh"
start_chatsocket "$root" "$PORT"
writer_metrics() { curl -s "http://127.0.0.1:$PORT/metrics" | grep -E 'persistence_(insert_duration_seconds|batch_size)_(bucket|count|sum)' || true; }
taskset -c 1 dotnet "$lt" --url "ws://127.0.0.1:$PORT/ws" --rooms 1 --clients-per-room 1000 --senders-per-room 10 \
  --rate 400 --duration 30s --warmup 0s --quiet > /dev/null 2>&1 || true
echo "load: $LOAD_ARGS (env: ${CHATSOCKET_ENV:-none})"
counters=$(command -v dotnet-counters || echo "$HOME/.dotnet/tools/dotnet-counters")
for i in $(seq 1 "$runs"); do
  writer_metrics > "$data/before.txt"
  rm -f "$data/gc.csv"
  cpid=""
  if [ -x "$counters" ]; then
    taskset -c 1 "$counters" collect -p "$pid" --counters System.Runtime --format csv -o "$data/gc.csv" \
      --refresh-interval 1 > /dev/null 2>&1 &
    cpid=$!
  fi
  # shellcheck disable=SC2086 # LOAD_ARGS is a list of options.
  taskset -c 1 dotnet "$lt" --url "ws://127.0.0.1:$PORT/ws" $LOAD_ARGS --duration 10s --warmup 5s --server-pid $pid \
    --json "$data/run.json" --quiet > /dev/null 2>&1 || true
  writer_metrics > "$data/after.txt"
  # SIGTERM: a background job of a script ignores SIGINT.
  if [ -n "$cpid" ]; then kill -TERM "$cpid" 2>/dev/null || true; wait "$cpid" 2>/dev/null || true; fi
  python3 - "$data" "$i" <<'PY'
import json, re, sys
def parse(path):
    values = {}
    for line in open(path):
        m = re.match(r'(\S+?)(\{.*\})?\s+(\S+)$', line.strip())
        if m:
            le = re.search(r'le="([^"]+)"', m.group(2) or "")
            values[(m.group(1), le.group(1) if le else None)] = float(m.group(3))
    return values
before, after = parse(sys.argv[1] + "/before.txt"), parse(sys.argv[1] + "/after.txt")
diff = {k: v - before.get(k, 0) for k, v in after.items()}
name = "chatsocket_persistence_insert_duration_seconds"
n = diff.get((name + "_count", None), 0)
mean_ms = 1000 * diff.get((name + "_sum", None), 0) / max(n, 1)
docs = diff.get(("chatsocket_persistence_batch_size_sum", None), 0) / max(n, 1)
buckets = sorted((float(k[1]), v) for k, v in diff.items() if k[0] == name + "_bucket" and k[1] != "+Inf")
at = lambda q: next((le for le, v in buckets if v >= q * n), None)
step = json.load(open(sys.argv[1] + "/run.json"))["steps"][0]
p99, ack99 = step["latency"]["p99_ms"], step["ack_latency"]["p99_ms"]
print(f"run {sys.argv[2]}: delivery p99 {p99:.0f} ms, ack p50 {step['ack_latency']['p50_ms']:.0f} / p99 {ack99:.0f} ms "
      f"(x{ack99 / p99:.2f}); inserts {n:.0f}, mean {mean_ms:.1f} ms, p50 <= {at(0.5)} s, p99 <= {at(0.99)} s, "
      f"{docs:.0f} documents each; server CPU {step.get('server', {}).get('cpu_s')} s, "
      f"RSS peak {step.get('server', {}).get('rss_peak_mb')} MB", end="")
try:
    rows = [r.split(",") for r in open(sys.argv[1] + "/gc.csv")]
    pause = sum(float(r[4]) for r in rows if len(r) > 4 and "gc.pause.time" in r[2])
    collections = sum(float(r[4]) for r in rows if len(r) > 4 and "gc.collections" in r[2])
    print(f"; GC pauses {pause * 1000:.0f} ms in {collections:.0f} collections")
except (OSError, ValueError):
    print()
PY
done
