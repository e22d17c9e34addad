#!/usr/bin/env bash
# Builds the server ahead of time into one native executable (Native AOT): no JIT at run time, so a smaller process
# (docs/OPERATIONS.md, "Native AOT") and no warm-up. Takes 4-5 minutes on 2 cores.
#   scripts/publish-aot.sh [OUT]            # default out/aot; then: out/aot/ChatSocket --urls http://0.0.0.0:5000
# Needs gcc or clang and zlib's headers (Debian: build-essential zlib1g-dev); the .NET SDK fetches the AOT compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/aot}
mkdir -p "$out"
rm -f "$out/ChatSocket"
# The warnings the project accepts for this build (ChatSocket.csproj says why) are left out of the output.
status=0
dotnet publish ChatSocket -c Release -r linux-x64 -p:PublishAot=true -o "$out" -v quiet -nologo > "$out.log" 2>&1 || status=$?
grep -vE "warning IL(2104|3053)" "$out.log" || true
if [ "$status" -ne 0 ] || [ ! -x "$out/ChatSocket" ]; then echo "the native build failed (output above, and in $out.log)" >&2; exit 1; fi
echo "native server: $out/ChatSocket ($(du -m "$out/ChatSocket" | cut -f1) MB)"
