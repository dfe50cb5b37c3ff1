#!/usr/bin/env bash
# bench/servers/compare.sh - postern's servers next to the "physical limit"
# (a raw epoll echo server) and Apache Thrift C++, with the shared bench
# harness (compare.sh + loadgen in $POSTERN_SHARED_BENCH, default
# ../shared/bench).
#
#   bench/servers/compare.sh [options]
#
# For each load shape, `compare.sh ab` alternates the servers for --rounds
# rounds (a fresh server process per trial) and prints medians and the QPS
# ratio to limit-1t; then `compare.sh mem` measures server memory per idle
# connection; at the end every trial is summarised as Markdown tables (the
# shared run_baseline.sh --summarize) plus a table of postern's goals.
#
# Options:
#   -T SECONDS         measured seconds per trial (default 5)
#   -w SECONDS         warm-up per trial (default 1)
#   --rounds N         rounds per shape (default 3)
#   --shape 'C D S'    connections, calls in flight per connection, message
#                      bytes; repeatable (default: '16 1 32' '64 1 32'
#                      '16 16 32' '16 1 16384')
#   --idle 'N ...'     idle connection counts for the memory check
#                      (default '1000 10000'); --idle '' skips it
#   --io-threads N     postern nonblocking loops for pst-nb and pst-nb-w2
#                      (default 1, like limit-1t; 0 = the server's default)
#   --servers 'A B'    subset of: limit-1t cpp-threaded cpp-nb1x2 pst-nb
#                      pst-nb-default pst-nb-w2 pst-threaded pst-pool
#                      (default: all but pst-nb-w2); pst-nb-default is
#                      echo-server with no options but the model, as a new
#                      user starts it; the goals table is for it when run,
#                      else for pst-nb
#   --out FILE         raw trial lines (default bench/servers/results/<time>.txt)
#   --svg FILE         QPS and p99 per load and server as a chart (default
#                      bench/servers/servers.svg, which bench/README.md shows)
#
# Environment: POSTERN_SHARED_BENCH (the shared bench directory),
# POSTERN_ECHO_SERVER (postern echo server binary; default
# build/bin/echo-server, the Echo example), POSTERN_BUILD_DIR (default build).
#
# Quick iteration:  bench/servers/compare.sh -T 3 --rounds 1 --idle ''
set -uo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SHARED="${POSTERN_SHARED_BENCH:-$ROOT/../shared/bench}"
BUILD_DIR="${POSTERN_BUILD_DIR:-$ROOT/build}"
ECHO="${POSTERN_ECHO_SERVER:-$BUILD_DIR/bin/echo-server}"

T=5 W=1 ROUNDS=3 IO=1
SHAPES=()
IDLE="1000 10000"
SERVERS="limit-1t cpp-threaded cpp-nb1x2 pst-nb pst-nb-default pst-threaded pst-pool"
OUT=""
SVG="$HERE/servers.svg"

die() { echo "bench/servers/compare.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -T) T=$2; shift 2 ;;
    -w) W=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --shape) SHAPES+=("$2"); shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --io-threads) IO=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --svg) SVG=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ ${#SHAPES[@]} -gt 0 ] || SHAPES=("16 1 32" "64 1 32" "16 16 32" "16 1 16384")

[ -x "$SHARED/compare.sh" ] || die "no shared bench at $SHARED (set POSTERN_SHARED_BENCH)"
NEED_CPP=no
case " $SERVERS " in *" cpp-"*) NEED_CPP=yes ;; esac
if [ ! -x "$SHARED/build/loadgen" ] || [ ! -x "$SHARED/build/limit_server" ] ||
   { [ $NEED_CPP = yes ] && [ ! -x "$SHARED/build/thrift-cpp-server" ]; }; then
  echo "# building the shared bench peers ($SHARED/build.sh)" >&2
  "$SHARED/build.sh" >&2 || die "$SHARED/build.sh failed"
fi
if [ ! -x "$ECHO" ]; then
  echo "# building $ECHO" >&2
  cmake -S "$ROOT" -B "$BUILD_DIR" >/dev/null && cmake --build "$BUILD_DIR" -j2 --target echo-server >&2 ||
    die "cannot build echo-server"
fi

spec() { # name -> NAME='command'
  case "$1" in
    limit-1t)     echo "limit-1t={bench}/build/limit_server -t 1 -p {port}" ;;
    limit-2t)     echo "limit-2t={bench}/build/limit_server -t 2 -p {port}" ;;
    cpp-threaded) echo "cpp-threaded={bench}/build/thrift-cpp-server --server threaded --port {port}" ;;
    cpp-nb1x2)    echo "cpp-nb1x2={bench}/build/thrift-cpp-server --server nonblocking --io-threads 1 --workers 2 --port {port}" ;;
    pst-nb)       echo "pst-nb=$ECHO --server-type nonblocking --io-threads $IO --port {port}" ;;
    pst-nb-default) echo "pst-nb-default=$ECHO --server-type nonblocking --port {port}" ;;
    pst-nb-w2)    echo "pst-nb-w2=$ECHO --server-type nonblocking --io-threads $IO --workers 2 --port {port}" ;;
    pst-threaded) echo "pst-threaded=$ECHO --server-type threaded --port {port}" ;;
    pst-pool)     echo "pst-pool=$ECHO --server-type thread-pool --workers 4 --port {port}" ;;
    *) die "unknown server $1" ;;
  esac
}
SPECS=()
for s in $SERVERS; do SPECS+=("$(spec "$s")"); done

mkdir -p "$HERE/results"
[ -n "$OUT" ] || OUT="$HERE/results/servers-$(date -u +%Y%m%dT%H%M%SZ).txt"
: >>"$OUT"
CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) nproc=$(nproc) cpu='$CPU_MODEL' kernel=$(uname -r)"
  echo "# command: $0 -T $T -w $W --rounds $ROUNDS --io-threads $IO --servers '$SERVERS' --idle '$IDLE'$(printf " --shape '%s'" "${SHAPES[@]}")"
  echo "# raw trials: $OUT"
} >&2

for shape in "${SHAPES[@]}"; do
  set -- $shape
  "$SHARED/compare.sh" -c "$1" -d "$2" -s "$3" -T "$T" -w "$W" --rounds "$ROUNDS" \
    --baseline limit-1t --out "$OUT" ab "${SPECS[@]}" >&2
  echo >&2
done

MEM=()
for s in "${SPECS[@]}"; do
  case "$s" in pst-pool=*) ;; *) MEM+=("$s") ;; esac # the pool serves `workers` connections at a time
done
for n in $IDLE; do
  "$SHARED/compare.sh" --idle "$n" --out "$OUT" mem "${MEM[@]}" >&2
  echo >&2
done

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), nproc=$(nproc), $CPU_MODEL; T=${T}s warm-up=${W}s rounds=$ROUNDS; loadgen 1 thread, server and loadgen share the machine"
echo
"$SHARED/run_baseline.sh" --summarize "$OUT"
echo
echo "### postern nonblocking against its goals (medians of rounds)"
echo
GOAL=pst-nb
case " $SERVERS " in *" pst-nb-default "*) GOAL=pst-nb-default ;; esac
echo "($GOAL)"
echo
awk -v goal="$GOAL" '
  function med(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  $1 == "mem" {
    delete m
    for (i = 2; i <= NF; i++) { k = index($i, "="); m[substr($i, 1, k - 1)] = substr($i, k + 1) }
    if (m["name"] == goal) mem[m["idle"]] = m["bytes_per_conn"]
    next
  }
  $1 ~ /^name=/ {
    delete f
    for (i = 1; i <= NF; i++) { k = index($i, "="); f[substr($i, 1, k - 1)] = substr($i, k + 1) }
    cfg = "c=" f["c"] " d=" f["d"] " s=" f["s"]
    if (!(cfg in seen)) { seen[cfg] = 1; cfgs[++n] = cfg; dd[cfg] = f["d"] }
    q[cfg, f["name"]] = q[cfg, f["name"]] " " f["qps"]
    p[cfg, f["name"]] = p[cfg, f["name"]] " " f["p99_us"]
    rq[cfg, f["name"], f["round"]] = f["qps"]; rp[cfg, f["name"], f["round"]] = f["p99_us"]
    if (f["round"] + 0 > maxr) maxr = f["round"] + 0
  }
  END {
    # Paired: the trial of each round against the limit trial of that round
    # (the load of the moment hits both), then the median over rounds; the
    # goals are judged on these. The ratios of the medians are shown too.
    print "| load | qps ratio to limit-1t, paired | goal | p99 ratio to limit-1t, paired | goal | ratios of the medians (qps, p99) |"
    print "|---|---:|---|---:|---|---|"
    for (i = 1; i <= n; i++) {
      c = cfgs[i]
      if (!((c, goal) in q) || !((c, "limit-1t") in q)) continue
      sq = ""; sp = ""
      for (k = 1; k <= maxr; k++)
        if (((c, goal, k) in rq) && ((c, "limit-1t", k) in rq) && rq[c, "limit-1t", k] > 0 && rp[c, "limit-1t", k] > 0) {
          sq = sq " " rq[c, goal, k] / rq[c, "limit-1t", k]
          sp = sp " " rp[c, goal, k] / rp[c, "limit-1t", k]
        }
      r = med(sq); pr = med(sp)
      mr = med(q[c, goal]) / med(q[c, "limit-1t"])
      mpr = med(p[c, goal]) / med(p[c, "limit-1t"])
      g = 0.9
      ok = (r >= g) ? "met" : "NOT met"; pok = (pr <= 1.2) ? "met" : "NOT met"
      printf "| %s | %.2f | >= %.1f %s | %.2f | <= 1.2 %s | %.2f, %.2f |\n", c, r, g, ok, pr, pok, mr, mpr
    }
    for (k in mem) {
      mok = (mem[k] <= 4096) ? "met" : "NOT met"
      printf "\nmemory per idle connection at %s connections: %d bytes (goal <= 4096: %s)\n", k, mem[k], mok
    }
  }' "$OUT"
python3 "$ROOT/bench/svg_chart.py" servers "$OUT" "$SVG" \
  --title "Echo servers, $(date -u +%Y-%m-%d), $(nproc) CPUs (medians of $ROUNDS rounds)" &&
  echo "# chart: $SVG" >&2
