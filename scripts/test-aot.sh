#!/usr/bin/env bash
# The Native AOT build under test: publishes it (scripts/publish-aot.sh), then runs the tests that start the server as
# a process of their own against it (CHATSOCKET_SERVER_EXE): start-up errors and the token command, a node killed with
# SIGKILL and its acked messages, presence across nodes, client failover. The rest of the suite runs the server in
# the test process and so tests the JIT build only. Needs redis-server (scripts/test.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/publish-aot.sh out/aot
dotnet build ChatSocket.Tests -c Release -v quiet -nologo
CHATSOCKET_SERVER_EXE="$(pwd)/out/aot/ChatSocket" dotnet test ChatSocket.Tests -c Release --no-build \
  --filter "FullyQualifiedName~StartupFailureTests|FullyQualifiedName~TokenCommandTests|FullyQualifiedName~HardKillTests|FullyQualifiedName~PresenceTests|FullyQualifiedName~FailoverTests"
