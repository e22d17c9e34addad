# Sourced by the bench scripts: starts this tree's ChatSocket (Release build) as run.sh does, pinned to core 0, with
# persistence on and a fresh data directory, waits until it listens, and stops it (and removes the data) on exit.
#   start_chatsocket ROOT PORT     # sets $pid and $data; the server's output goes to $data/server.log
# Server settings pass through CHATSOCKET_ENV ("NAME=value ...").
pid=""
data=""
stop_chatsocket() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$data" ]; then rm -rf "$data"; fi
}

start_chatsocket() {
  local root=$1 port=$2
  data=$(mktemp -d /tmp/chatsocket-bench.XXXXXX)
  trap stop_chatsocket EXIT
  # The per-connection rate limit (20/s by default) is for people, not for a benchmark's senders.
  # shellcheck disable=SC2086 # CHATSOCKET_ENV is a list of NAME=value words.
  env ${CHATSOCKET_ENV:-} Chat__MessagesPerSecond=1000000 Chat__MessageBurst=1000000 Logging__LogLevel__Default=Warning \
    Embedded__DataDirectory="$data/embedded" Persistence__DataDirectory="$data/spill" \
    taskset -c 0 dotnet "$root/ChatSocket/bin/Release/net10.0/ChatSocket.dll" --urls "http://127.0.0.1:$port" \
    --contentRoot "$root/ChatSocket" > "$data/server.log" 2>&1 &
  pid=$!
  # This very process must listen: a port that merely answers may be another server's.
  for _ in $(seq 1 300); do ss -ltnpH "sport = :$port" | grep -q "pid=$pid," && return 0; sleep 0.1; done
  echo "the server did not start on $port (see $data/server.log)" >&2
  return 1
}
