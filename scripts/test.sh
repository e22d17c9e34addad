#!/usr/bin/env bash
# Runs the whole test suite on a machine that has only the .NET SDK: installs what the tests need first.
# Prints a closing line "tests: N passed, N failed, N skipped" read from the test results.
set -euo pipefail
cd "$(dirname "$0")/.."

# The browser tests drive Debian's Chromium headless; the scale-out tests start redis-server, and the SCALING.md
# script puts nginx in front of two nodes. All three come from Debian's packages.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]} (what the tests need)..."
  if [ "$(id -u)" -eq 0 ]; then sudo_cmd=""; else sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian starts the packaged services; the tests start their own on free ports.
  for service in redis-server nginx; do
    if command -v systemctl >/dev/null 2>&1; then $sudo_cmd systemctl stop "$service" >/dev/null 2>&1 || true; fi
    if command -v service >/dev/null 2>&1; then $sudo_cmd service "$service" stop >/dev/null 2>&1 || true; fi
  done
fi

# docs/asyncapi.yaml is checked with the AsyncAPI parser from npm (versions pinned in tools/asyncapi/package-lock.json).
npm ci --prefix tools/asyncapi --no-audit --no-fund --loglevel=error >/dev/null

results="$(pwd)/TestResults"
rm -rf "$results"
set +e
dotnet test ChatSocket.sln -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?
set -e

python3 - "$results" "$status" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
if passed + failed == 0:
    print("no test ran: that is a failure")
    sys.exit(1)
PY
exit "$status"
