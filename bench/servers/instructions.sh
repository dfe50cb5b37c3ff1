#!/usr/bin/env bash
# bench/servers/instructions.sh - user and kernel instructions per reply of
# one server under a fixed load shape, counted by `perf stat` over the whole
# server process (start-up and shut-down included; they are small next to
# hundreds of thousands of calls). Instruction counts barely move with the
# machine's load, unlike QPS, so they are the metric to iterate on.
#
#   bench/servers/instructions.sh [-c N] [-d N] [-s BYTES] [-T SEC] [--limit]
#
# Default: postern's echo-server (nonblocking, 1 loop) at c=16 d=16 s=32 for
# 3 s. --limit measures the shared bench's limit_server instead. Needs perf
# (perf_event_paranoid <= 2 for user-space counts of one's own processes).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SHARED="${POSTERN_SHARED_BENCH:-$ROOT/../shared/bench}"
ECHO="${POSTERN_ECHO_SERVER:-$ROOT/build/bin/echo-server}"
C=16 D=16 S=32 T=3 LIMIT=0
while [ $# -gt 0 ]; do
  case "$1" in
    -c) C=$2; shift 2 ;;
    -d) D=$2; shift 2 ;;
    -s) S=$2; shift 2 ;;
    -T) T=$2; shift 2 ;;
    --limit) LIMIT=1; shift ;;
    *) echo "usage: $0 [-c N] [-d N] [-s BYTES] [-T SEC] [--limit]" >&2; exit 2 ;;
  esac
done
PORT=$((20000 + RANDOM % 20000))
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if [ $LIMIT = 1 ]; then
  CMD=("$SHARED/build/limit_server" -t 1 -p "$PORT")
else
  CMD=("$ECHO" --server-type nonblocking --io-threads 1 --port "$PORT")
fi
perf stat -x, -e instructions:u,instructions:k -o "$TMP/perf" -- "${CMD[@]}" 2>"$TMP/server.err" &
PERF=$!
for _ in $(seq 50); do
  (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break
  sleep 0.1
done
"$SHARED/build/loadgen" -p "$PORT" -c "$C" -d "$D" -s "$S" -w 0 -T "$T" -q >"$TMP/load" 2>&1
SERVER=$(pgrep -P "$PERF" | head -1)
[ -n "$SERVER" ] && kill -TERM "$SERVER"
wait "$PERF"
REQ=$(tail -1 "$TMP/load" | tr ' ' '\n' | awk -F= '$1=="requests"{print $2}')
QPS=$(tail -1 "$TMP/load" | tr ' ' '\n' | awk -F= '$1=="qps"{print $2}')
U=$(awk -F, '$3 ~ /instructions:u/ {print $1}' "$TMP/perf")
K=$(awk -F, '$3 ~ /instructions:k/ {print $1}' "$TMP/perf")
# loadgen counts only the measured seconds; with -w 0 that is every call
awk -v u="$U" -v k="$K" -v n="$REQ" -v q="$QPS" -v c="$C" -v d="$D" -v s="$S" -v lim="$LIMIT" 'BEGIN {
  printf "%s c=%s d=%s s=%s requests=%d qps=%s user_instr_per_reply=%.0f kernel_instr_per_reply=%.0f\n",
    lim ? "limit-1t" : "pst-nb", c, d, s, n, q, u / n, k / n }'
