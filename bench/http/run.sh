#!/usr/bin/env bash
# bench/http/run.sh - postern's front door (HTTP on the RPC port) measured
# against nginx, against framed binary Thrift on the same server, and
# against Go's net/rpc with the JSON-RPC codec; the memory of idle HTTP
# connections; the cost of per-call metrics. A benchmark, not a test.
#
#   bench/http/run.sh [options]
#
# Parts (--parts, default all, in this order):
#   health   wrk GET /health keep-alive: nginx (`return 200 "ok\n"`, as many
#            worker processes as postern's io threads) vs postern
#   calls    framed binary Echo.echo (the shared loadgen, d=1) vs Thrift over
#            HTTP (wrk, keep-alive POST application/x-thrift, thrift_echo.lua)
#            vs a JSON call (wrk, POST /Echo/echo, json_echo.lua); all on the
#            same echo-server, the same connections, 32-byte messages
#   jsonrpc  Go net/rpc + net/rpc/jsonrpc behind the CONNECT handshake
#            (go/jsonrpc-server) vs postern's CONNECT /_json_rpc_, both
#            driven by go/jsonrpc-load (net/rpc's client), 1 call in flight
#            per connection
#   mem      server RSS growth per idle connection: N connections that each
#            made one GET /health vs one framed RPC call (idle_conns.py)
#   metrics  echo-server with metrics on vs --metrics-off, the shared
#            compare.sh in ab mode at c=64 d=1 and c=16 d=16
# Within a part the contenders alternate round by round (A B C A B C ...),
# each trial on a fresh server process; the summary gives medians, min-max
# and the ratio to the part's first contender.
#
# Options:
#   -T SECONDS       measured seconds per trial (default 5)
#   -w SECONDS       warm-up per trial (default 1)
#   --rounds N       rounds per part (default 5)
#   -c N             connections for health, calls and jsonrpc (default 64)
#   --io-threads N   postern's loops = nginx's worker processes (default 1)
#   --parts 'P ...'  subset of: health calls jsonrpc mem metrics
#   --idle 'N ...'   idle connection counts for mem (default '1000 10000')
#   --out FILE       raw trial lines (default bench/http/results/http-<time>.txt)
#
# Needs wrk, nginx (Debian nginx-light), go (golang-go), python3; builds
# echo-server, the shared loadgen and the Go programs when missing.
# Environment: POSTERN_SHARED_BENCH, POSTERN_BUILD_DIR, POSTERN_ECHO_SERVER,
# POSTERN_LOADGEN.
set -uo pipefail
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

T=5 W=1 ROUNDS=5 C=64 IO=1
PARTS="health calls jsonrpc mem metrics"
IDLE="1000 10000"
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    -T) T=$2; shift 2 ;;
    -w) W=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    -c) C=$2; shift 2 ;;
    --io-threads) IO=$2; shift 2 ;;
    --parts) PARTS=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
for t in wrk nginx python3; do command -v "$t" >/dev/null || die "no $t (see scripts/install-deps.sh)"; done
build_tools

mkdir -p "$HTTP_HERE/results"
[ -n "$OUT" ] || OUT="$HTTP_HERE/results/http-$(date -u +%Y%m%dT%H%M%SZ).txt"
: >>"$OUT"
TMP=$(mktemp -d)
trap 'stop_all; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
TICK=$(getconf CLK_TCK 2>/dev/null || echo 100)
CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) nproc=$(nproc) cpu='$CPU_MODEL' kernel=$(uname -r) load='$(cut -d' ' -f1-3 /proc/loadavg)'" | tee -a "$OUT" >&2
echo "# command: $0 -T $T -w $W --rounds $ROUNDS -c $C --io-threads $IO --parts '$PARTS' --idle '$IDLE'" | tee -a "$OUT" >&2

PST=("$ECHO" --server-type nonblocking --io-threads "$IO")

# server_cmd NAME: sets CMD (with $PORT) for a contender's server.
server_cmd() {
  case "$1" in
    nginx)
      mkdir -p "$TMP/nginx"
      nginx_conf "$TMP/nginx" "$PORT" "$IO"
      CMD=(nginx -e "$TMP/nginx/nginx-error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf") ;;
    go) CMD=("$GO_SERVER" -port "$PORT") ;;
    metrics-off) CMD=("${PST[@]}" --metrics-off --port "$PORT") ;;
    *) CMD=("${PST[@]}" --port "$PORT") ;;
  esac
}

# wrk_parse FILE: "qps= p99_us= requests= errors="
wrk_parse() {
  awk '
    function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1000000; return v }
    /Requests\/sec:/ { q = $2 }
    $1 == "99%" { p = us($2) }
    / requests in / { n = $1 }
    /Non-2xx or 3xx responses:/ { e += $NF }
    /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) e += $i + 0 }
    END { printf "qps=%s p99_us=%.1f requests=%d errors=%d", q, p, n, e + 0 }' "$1"
}

# timed FILE CMD...: runs CMD (its output redirected by the caller inside),
# writes "user sys" CPU seconds of it to FILE.
timed() {
  local f=$1; shift
  local TIMEFORMAT='%U %S'
  { time "$@"; } 2>"$f"
}

# trial PART NAME ROUND: one fresh server, one measured load run, one line.
# The load generator's own CPU per reply (lg_cpu_us) is kept too: on two
# shared cores it takes from the server what it spends.
trial() {
  local part=$1 name=$2 round=$3 out="$TMP/$1.$2.$3.out" line t0 t1 n lg
  PORT=$(free_port)
  server_cmd "$name"
  start_server "$TMP/$part.$name.$round.log" "${CMD[@]}" || return 1
  case "$name" in
    framed)
      t0=$(cpu_ticks "$SPID")
      timed "$out.time" sh -c '"$@" >"$0" 2>&1' "$out" "$LOADGEN" -p "$PORT" -c "$C" -d 1 -s 32 -w "$W" -T "$T" -q
      t1=$(cpu_ticks "$SPID")
      line=$(tail -1 "$out" | tr ' ' '\n' | awk -F= '$1 ~ /^(qps|p99_us|requests|errors)$/ {printf "%s ", $0}')
      n=$(tail -1 "$out" | tr ' ' '\n' | awk -F= '$1 == "total" {print $2}') ;;
    jsonrpc|go)
      local method=Echo.echo
      [ "$name" = go ] && method=Echo.Echo
      t0=$(cpu_ticks "$SPID")
      timed "$out.time" sh -c '"$@" >"$0" 2>"$0.err"' "$out" "$GO_LOAD" -port "$PORT" -c "$C" -s 32 -w "$W" -T "$T" -method "$method"
      t1=$(cpu_ticks "$SPID")
      line=$(tail -1 "$out" | tr ' ' '\n' | awk -F= '$1 ~ /^(qps|p99_us|requests|errors)$/ {printf "%s ", $0}')
      n=$(tail -1 "$out" | tr ' ' '\n' | awk -F= '$1 == "requests" {print $2}')
      n=$(awk -v n="$n" -v t="$T" -v w="$W" 'BEGIN { printf "%d", n * (t + w) / t }') ;; # warm-up calls at the same rate
    *)
      local script=() url="http://127.0.0.1:$PORT/health"
      case "$name" in
        http-thrift) script=(-s "$HTTP_HERE/thrift_echo.lua"); url="http://127.0.0.1:$PORT/Echo/echo" ;;
        http-json) script=(-s "$HTTP_HERE/json_echo.lua"); url="http://127.0.0.1:$PORT/Echo/echo" ;;
      esac
      wrk -t1 -c"$C" -d"${W}s" "${script[@]}" "$url" >/dev/null 2>&1
      t0=$(cpu_ticks "$SPID")
      timed "$out.time" sh -c '"$@" >"$0" 2>&1' "$out" wrk -t1 -c"$C" -d"${T}s" --latency "${script[@]}" "$url"
      t1=$(cpu_ticks "$SPID")
      line=$(wrk_parse "$out")
      n=$(echo "$line" | tr ' ' '\n' | awk -F= '$1 == "requests" {print $2}') ;;
  esac
  stop_server "$SPID"
  local cpu
  cpu=$(awk -v a="$t0" -v b="$t1" -v n="${n:-0}" -v k="$TICK" 'BEGIN { printf "%.2f", (n > 0 ? (b - a) * 1e6 / k / n : 0) }')
  lg=$(awk -v n="${n:-0}" '{ printf "%.2f", (n > 0 ? ($1 + $2) * 1e6 / n : 0) }' "$out.time" 2>/dev/null)
  line="part=$part name=$name round=$round $line srv_cpu_us=$cpu lg_cpu_us=${lg:-0} c=$C load1=$(cut -d' ' -f1 /proc/loadavg)"
  echo "$line" >>"$OUT"
  echo "$line" >&2
}

alternate() { # PART NAME...
  local part=$1; shift
  local r name
  for r in $(seq "$ROUNDS"); do
    for name in "$@"; do trial "$part" "$name" "$r"; done
  done
}

# mem_trial KIND N ROUND: RSS growth of a fresh echo-server while N idle
# connections of KIND (http|rpc) are held open, after one connection of
# that kind has come and gone.
mem_trial() {
  local kind=$1 n=$2 round=$3 before after hold=$((20 + $2 / 500))
  PORT=$(free_port)
  server_cmd postern
  start_server "$TMP/mem.$kind.$n.$round.log" "${CMD[@]}" || return 1
  # one connection of the kind first, closed: what the first request of a
  # kind sets up once (the loop's HTTP request scratch, touched pages of
  # the read and write buffers) is not per connection
  python3 "$HTTP_HERE/idle_conns.py" "$PORT" 1 "$kind" 0 >/dev/null 2>&1
  sleep 0.3
  before=$(rss_kb "$SPID")
  python3 "$HTTP_HERE/idle_conns.py" "$PORT" "$n" "$kind" "$hold" >"$TMP/idle.out" 2>"$TMP/idle.err" &
  local ipid=$!
  STARTED+=("$ipid")
  for _ in $(seq $((hold * 10))); do
    grep -q '^ready' "$TMP/idle.out" 2>/dev/null && break
    kill -0 "$ipid" 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -q '^ready' "$TMP/idle.out"; then
    echo "bench/http: idle connections failed:" >&2; cat "$TMP/idle.err" >&2
    stop_server "$ipid"; stop_server "$SPID"; return 1
  fi
  sleep 1
  after=$(rss_kb "$SPID")
  stop_server "$ipid"
  stop_server "$SPID"
  local line="part=mem name=$kind round=$round idle=$n rss_before_kb=$before rss_after_kb=$after bytes_per_conn=$(( (after - before) * 1024 / n )) load1=$(cut -d' ' -f1 /proc/loadavg)"
  echo "$line" >>"$OUT"
  echo "$line" >&2
}

for part in $PARTS; do
  case "$part" in
    health) alternate health nginx postern ;;
    calls) alternate calls framed http-thrift http-json ;;
    jsonrpc) alternate jsonrpc go jsonrpc ;;
    mem)
      for n in $IDLE; do
        for r in 1 2; do mem_trial rpc "$n" "$r"; mem_trial http "$n" "$r"; done
      done ;;
    metrics)
      for shape in "64 1" "16 16"; do
        set -- $shape
        "$SHARED/compare.sh" --loadgen "$LOADGEN" -c "$1" -d "$2" -s 32 -T "$T" -w "$W" --rounds "$ROUNDS" \
          --out "$TMP/metrics.txt" ab \
          metrics-on="${PST[*]} --port {port}" metrics-off="${PST[*]} --metrics-off --port {port}" >&2
        grep '^name=' "$TMP/metrics.txt" | sed "s/^/part=metrics-c$1-d$2 /" >>"$OUT"
        : >"$TMP/metrics.txt"
      done ;;
    *) die "unknown part $part" ;;
  esac
done
echo "# end $(date -u +%Y-%m-%dT%H:%M:%SZ) load='$(cut -d' ' -f1-3 /proc/loadavg)'" | tee -a "$OUT" >&2

"$HTTP_HERE/summarize.sh" "$OUT"
