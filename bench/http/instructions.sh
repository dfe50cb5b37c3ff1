#!/usr/bin/env bash
# bench/http/instructions.sh - user-space instructions per answered request
# of a server, counted by callgrind: the per-request cost of the front
# door's paths without the machine's noise (counts barely move with load,
# QPS does). The server runs under valgrind --tool=callgrind; after a
# warm-up its counters are zeroed (callgrind_control -z), the load runs for
# -T seconds, the counters are dumped (-d), and the instructions are divided
# by the requests answered in between.
#
#   bench/http/instructions.sh [-c N] [-d N] [-T SECONDS] [--io-threads N] NAME...
#
# NAME (one line each):
#   framed       echo-server, framed binary Echo.echo from the shared loadgen (-c x -d)
#   framed-metrics-off   the same with --metrics-off
#   health       echo-server, wrk GET /health (-c connections)
#   nginx        nginx (one process, no master) answering `return 200 "ok\n"`, wrk
#   http-thrift  echo-server, wrk POST of a Thrift Echo.echo (thrift_echo.lua)
#   http-json    echo-server, wrk POST /Echo/echo (json_echo.lua)
#   jsonrpc      echo-server, CONNECT /_json_rpc_, go/jsonrpc-load
#   go-jsonrpc   go/jsonrpc-server, the same load (valgrind 3.19's callgrind
#                aborts on the Go runtime's signals: not in the default list)
# Default: -c 16 -d 1 -T 4, all names but go-jsonrpc. --keep DIR keeps each
# run's callgrind output as DIR/NAME.callgrind (for callgrind_annotate).
set -uo pipefail
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

C=16 D=1 T=4 IO=1 KEEP=""
NAMES=()
while [ $# -gt 0 ]; do
  case "$1" in
    -c) C=$2; shift 2 ;;
    -d) D=$2; shift 2 ;;
    -T) T=$2; shift 2 ;;
    --io-threads) IO=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) NAMES+=("$1"); shift ;;
  esac
done
[ ${#NAMES[@]} -gt 0 ] || NAMES=(framed framed-metrics-off health nginx http-thrift http-json jsonrpc)
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null || die "no valgrind (apt-get install valgrind)"
build_tools
TMP=$(mktemp -d)
trap 'stop_all; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# load NAME SECONDS OUT: runs the load; prints the requests answered.
load() {
  local name=$1 secs=$2 out=$3
  case "$name" in
    framed|framed-metrics-off)
      "$LOADGEN" -p "$PORT" -c "$C" -d "$D" -s 32 -w 0 -T "$secs" -q -C 20 >"$out" 2>&1
      tail -1 "$out" | tr ' ' '\n' | awk -F= '$1 == "total" {print $2}' ;;
    jsonrpc|go-jsonrpc)
      local m=Echo.echo
      [ "$name" = go-jsonrpc ] && m=Echo.Echo
      "$GO_LOAD" -port "$PORT" -c "$C" -s 32 -w 0 -T "$secs" -method "$m" >"$out" 2>&1
      # calls finished after the window are not counted: at most one per connection
      tail -1 "$out" | tr ' ' '\n' | awk -F= '$1 == "requests" {print $2}' ;;
    *)
      local script=() url="http://127.0.0.1:$PORT/health"
      case "$name" in
        http-thrift) script=(-s "$HTTP_HERE/thrift_echo.lua"); url="http://127.0.0.1:$PORT/Echo/echo" ;;
        http-json) script=(-s "$HTTP_HERE/json_echo.lua"); url="http://127.0.0.1:$PORT/Echo/echo" ;;
      esac
      wrk -t1 -c"$C" -d"${secs}s" --timeout 10s "${script[@]}" "$url" >"$out" 2>&1
      grep -q 'Non-2xx' "$out" && { echo "bench/http: $name: non-2xx answers" >&2; cat "$out" >&2; }
      awk '/ requests in / {print $1}' "$out" ;;
  esac
}

for name in "${NAMES[@]}"; do
  PORT=$(free_port)
  case "$name" in
    nginx)
      mkdir -p "$TMP/nginx"
      nginx_conf "$TMP/nginx" "$PORT" 1 single
      CMD=(nginx -e "$TMP/nginx/nginx-error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf") ;;
    go-jsonrpc) CMD=("$GO_SERVER" -port "$PORT") ;;
    framed-metrics-off) CMD=("$ECHO" --server-type nonblocking --io-threads "$IO" --metrics-off --port "$PORT") ;;
    framed|health|http-thrift|http-json|jsonrpc) CMD=("$ECHO" --server-type nonblocking --io-threads "$IO" --port "$PORT") ;;
    *) die "unknown name $name" ;;
  esac
  rm -f "$TMP"/cg.*
  start_server "$TMP/$name.log" valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.%p" "${CMD[@]}" || continue
  # start_server returns once the port accepts; valgrind's own start-up is slow
  load "$name" 1 "$TMP/warm.out" >/dev/null
  callgrind_control -z "$SPID" >/dev/null 2>&1 || { echo "bench/http: callgrind_control -z failed" >&2; stop_server "$SPID"; continue; }
  n=$(load "$name" "$T" "$TMP/load.out")
  callgrind_control -d "$SPID" >/dev/null 2>&1
  stop_server "$SPID"
  ir=$(awk '/^summary:/ {print $2}' "$TMP"/cg.*.1 2>/dev/null | head -1)
  if [ -n "$KEEP" ]; then
    mkdir -p "$KEEP" && cp "$TMP"/cg.*.1 "$KEEP/$name.callgrind" 2>/dev/null
  fi
  awk -v name="$name" -v ir="${ir:-0}" -v n="${n:-0}" -v c="$C" -v d="$D" 'BEGIN {
    printf "%s c=%s d=%s requests=%d instructions=%s instr_per_request=%.0f\n", name, c, (name ~ /^framed/ ? d : 1), n, ir, (n > 0 ? ir / n : 0) }'
done
