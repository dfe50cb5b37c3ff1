#!/bin/sh
# bench/soak/run.sh [MINUTES]: the long soak (default 10 minutes) of the
# non-blocking echo-server under mixed traffic, reported per minute; see
# bench/soak/soak.c for what runs. Builds build/ first.
set -eu
cd "$(dirname "$0")/../.."
minutes=${1:-10}
case "$minutes" in ''|*[!0-9]*) echo "usage: bench/soak/run.sh [MINUTES]" >&2; exit 2 ;; esac
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target postern-soak echo-server >/dev/null
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec build/bin/postern-soak --server build/bin/echo-server --warmup 10 --baseline 60 \
     --seconds $((minutes * 60)) --interval 60 --check
