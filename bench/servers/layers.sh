#!/usr/bin/env bash
# bench/servers/layers.sh - postern's echo-server against Apache Thrift C++
# (cpp-layers-server, TThreadedServer) behind TLS and behind zlib, both
# driven by the same client (layer-load, on postern's client library), so
# the ratio is about the servers.
#
#   bench/servers/layers.sh [-T SECONDS] [-w WARMUP] [--rounds N]
#                           [--shape 'C S']... [--layers 'tls zlib']
#                           [--servers 'pst-nb cpp-threaded ...']
#
# Servers per layer (a fresh process per trial, alternated in each round):
#   tls:  pst-nb        echo-server, nonblocking defaults, --ssl-cert/--ssl-key
#                       (TLS sniffed next to plain traffic)
#         pst-nb-io2    the same with --io-threads 2 (a loop per core)
#         pst-threaded  the same with --server-type threaded
#         cpp-threaded  cpp-layers-server --layer tls (framed binary in TLS)
#         tls-limit     tls-limit-server: OpenSSL on the socket, a thread per
#                       connection, no RPC (the ceiling, tls_limit_server.c)
#   zlib: pst-nb, pst-nb-io2, pst-threaded  echo-server as above (zlib
#                       sniffed by its 0x78)
#         cpp-threaded  cpp-layers-server --layer zlib (TZlibTransport over
#                       TBufferedTransport, binary unframed inside)
# Shapes are 'connections bytes' with one call in flight per connection
# (default '16 32' '64 32'). Prints every trial, then a Markdown table of
# medians with each server's QPS ratio to cpp-threaded. "server CPU
# µs/call" is the server process's user+system time (/proc/PID/stat) over
# the measured seconds divided by the calls answered in them: where QPS is
# bounded by the two processes sharing the cores, it says which server
# spends less per call.
#
# Environment: POSTERN_BUILD_DIR (default build).
set -uo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${POSTERN_BUILD_DIR:-$ROOT/build}/bin"
KEYS="$ROOT/tests/keys"
T=5 W=1 ROUNDS=3 LAYERS="tls zlib"
SHAPES=()

die() { echo "bench/servers/layers.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -T) T=$2; shift 2 ;;
    -w) W=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --shape) SHAPES+=("$2"); shift 2 ;;
    --layers) LAYERS=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) die "unknown option '$1'" ;;
  esac
done
[ ${#SHAPES[@]} -gt 0 ] || SHAPES=('16 32' '64 32')
for b in echo-server layer-load cpp-layers-server tls-limit-server; do
  [ -x "$BIN/$b" ] || die "$BIN/$b not built (cmake --build build --target $b)"
done

SERVERS=""
servers_for() {
  local all
  case "$1" in
    tls) all="pst-nb pst-nb-io2 pst-threaded cpp-threaded tls-limit" ;;
    zlib) all="pst-nb pst-nb-io2 pst-threaded cpp-threaded" ;;
  esac
  if [ -z "$SERVERS" ]; then echo "$all"; return; fi
  local s out=""
  for s in $all; do case " $SERVERS " in *" $s "*) out="$out $s" ;; esac; done
  echo "$out"
}

# server_cmd LAYER SERVER PORT
server_cmd() {
  local ssl=()
  [ "$1" = tls ] && ssl=(--ssl-cert "$KEYS/server.crt" --ssl-key "$KEYS/server.key")
  case "$2" in
    pst-nb)       echo "$BIN/echo-server --port $3 ${ssl[*]}" ;;
    pst-nb-io2)   echo "$BIN/echo-server --port $3 --io-threads 2 ${ssl[*]}" ;;
    pst-threaded) echo "$BIN/echo-server --port $3 --server-type threaded ${ssl[*]}" ;;
    tls-limit)    echo "$BIN/tls-limit-server --port $3 ${ssl[*]}" ;;
    cpp-threaded) echo "$BIN/cpp-layers-server --port $3 --layer $1 ${ssl[*]}" ;;
  esac
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT
RESULTS="$LOG/trials"
: > "$RESULTS"

# trial LAYER SERVER CONNS BYTES: one fresh server, one layer-load run
trial() {
  local port pid line
  port=$(free_port)
  $(server_cmd "$1" "$2" "$port") 2>>"$LOG/server.log" &
  pid=$!
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
    sleep 0.05
  done
  "$BIN/layer-load" --port "$port" --layer "$1" -c "$3" -s "$4" -T "$T" -w "$W" \
    >"$LOG/line" 2>>"$LOG/load.log" &
  local load=$! cpu0 cpu1
  # the server's CPU time (all threads) over the measured seconds only
  sleep "$W"; cpu0=$(cpu_ticks "$pid")
  wait "$load"; cpu1=$(cpu_ticks "$pid")
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  line=$(cat "$LOG/line")
  echo "server=$2 $line server_cpu_ticks=$((cpu1 - cpu0)) ticks_per_s=$(getconf CLK_TCK)" | tee -a "$RESULTS"
}

# utime + stime of a process, in clock ticks (proc(5): fields 14 and 15)
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
for layer in $LAYERS; do
  for shape in "${SHAPES[@]}"; do
    read -r c s <<<"$shape"
    for r in $(seq "$ROUNDS"); do
      for srv in $(servers_for "$layer"); do
        trial "$layer" "$srv" "$c" "$s"
      done
    done
  done
done
echo "# done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
grep -q "errors=[1-9]" "$RESULTS" && { echo "some trials had errors:"; tail -5 "$LOG/load.log"; }

python3 - "$RESULTS" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    kv = dict(re.findall(r'(\w+)=(\S+)', line))
    if 'qps' not in kv:
        continue
    key = (kv['layer'], int(kv['conns']), int(kv['bytes']), kv['server'])
    calls = max(int(kv['calls']), 1)
    cpu_us = int(kv['server_cpu_ticks']) * 1e6 / int(kv['ticks_per_s']) / calls
    rows.setdefault(key, []).append((float(kv['qps']), float(kv['p50_us']), float(kv['p99_us']), cpu_us))
print()
print('| layer | load (c, d=1, s) | server | QPS (median) | p50 µs | p99 µs | server CPU µs/call | x Thrift C++ |')
print('|---|---|---|---:|---:|---:|---:|---:|')
for key in sorted(rows, key=lambda k: (k[0] != 'tls', k[1], k[2], k[3] == 'cpp-threaded', k[3])):
    layer, c, s, srv = key
    med = [statistics.median(x[i] for x in rows[key]) for i in range(4)]
    ref = rows.get((layer, c, s, 'cpp-threaded'))
    ratio = med[0] / statistics.median(x[0] for x in ref) if ref else float('nan')
    print(f'| {layer} | c={c} s={s} | {srv} | {med[0]:.0f} | {med[1]:.0f} | {med[2]:.0f} | {med[3]:.1f} | {ratio:.2f}x |')
PY
