#!/usr/bin/env bash
# Join storms on one warm server: 2,000 clients join one room with 50 messages of history, again and again, each
# storm's time, server CPU and the frames the server delivered (its /metrics counter, the clients' closing included).
# The server starts as run.sh starts it (pinned to core 0, persistence on, fresh data), the load tool on core 1.
#   scripts/bench/warm-storms.sh [WARM] [MEASURED]                 # default 2 discarded storms, then 5
#   CHATSOCKET_ENV="Chat__PresenceDeliveriesPerSecond=0" scripts/bench/warm-storms.sh   # an A/B of one setting
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
warm=${1:-2}
measured=${2:-5}
PORT=${PORT:-5000}
lt="$root/ChatSocket.LoadTest/bin/Release/net10.0/ChatSocket.LoadTest.dll"
# shellcheck source=scripts/bench/chatsocket-server.sh
. "$root/scripts/bench/chatsocket-server.sh"
start_chatsocket "$root" "$PORT"
frames() { curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^chatsocket_connections_frames_delivered_total/ {print $2}'; }
storm() { taskset -c 1 dotnet "$lt" --url "ws://127.0.0.1:$PORT/ws" --mode join-storm --clients 2000 --history 50 \
  --server-pid $pid --quiet "$@" > /dev/null 2>&1 || true; }
for _ in $(seq 1 "$warm"); do storm; done
echo "storm s / server CPU s / complete histories / frames delivered (env: ${CHATSOCKET_ENV:-none})"
for i in $(seq 1 "$measured"); do
  before=$(frames)
  storm --json "$data/storm.json"
  python3 - "$data/storm.json" "$i" "$(( $(frames) - before ))" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["join_storm"]
print(f"storm {sys.argv[2]}: {s['storm_s']} / {s['server_cpu_s']} / {s['complete_history']} / {sys.argv[3]}")
PY
done
