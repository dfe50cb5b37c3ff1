#!/usr/bin/env bash
# bench/servers/layers_instructions.sh - user-space instructions per call of
# a server behind TLS or zlib, counted by callgrind: the per-call cost
# without the machine's noise (QPS on 2 shared cores moves with every other
# process; instruction counts barely do).
#
#   bench/servers/layers_instructions.sh [-c CONNS] [-s BYTES] [-T SEC]
#                                        [--keep DIR] LAYER SERVER...
#
# LAYER is tls or zlib; SERVER is one of layers.sh's names: pst-nb,
# pst-threaded, cpp-threaded, tls-limit (tls only), and pst-nb-io2
# (nonblocking, two loops).
# Each server runs under valgrind --tool=callgrind while one layer-load
# run drives it; its counters are zeroed once the connections are up and
# warm (after the load's warm-up), dumped at the end, and the instructions
# divided by the calls the handler answered in that window (callgrind's own
# count of calls to echo_impl or EchoHandler::echo, or to SSL_write for
# tls-limit, so the window needs no timing). Handshakes fall in the
# warm-up, so they are not counted.
# --keep DIR keeps each run's callgrind output as DIR/LAYER-SERVER.callgrind
# (for callgrind_annotate).
#
# Environment: POSTERN_BUILD_DIR (default build).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${POSTERN_BUILD_DIR:-$ROOT/build}/bin"
KEYS="$ROOT/tests/keys"
C=4 S=32 T=4 W=3 KEEP=""
die() { echo "bench/servers/layers_instructions.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -c) C=$2; shift 2 ;;
    -s) S=$2; shift 2 ;;
    -T) T=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    -*) die "unknown option '$1'" ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || die "usage: $0 [-c N] [-s BYTES] [-T SEC] [--keep DIR] tls|zlib SERVER..."
LAYER=$1; shift
command -v callgrind_control >/dev/null || die "no valgrind (apt-get install valgrind)"
for b in echo-server layer-load cpp-layers-server tls-limit-server; do
  [ -x "$BIN/$b" ] || die "$BIN/$b not built"
done

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ssl=()
[ "$LAYER" = tls ] && ssl=(--ssl-cert "$KEYS/server.crt" --ssl-key "$KEYS/server.key")

for srv in "$@"; do
  port=$(free_port)
  case "$srv" in
    pst-nb)       CMD=("$BIN/echo-server" --port "$port" "${ssl[@]}") ;;
    pst-nb-io2)   CMD=("$BIN/echo-server" --port "$port" --io-threads 2 "${ssl[@]}") ;;
    pst-threaded) CMD=("$BIN/echo-server" --port "$port" --server-type threaded "${ssl[@]}") ;;
    cpp-threaded) CMD=("$BIN/cpp-layers-server" --port "$port" --layer "$LAYER" "${ssl[@]}") ;;
    tls-limit)    CMD=("$BIN/tls-limit-server" --port "$port" "${ssl[@]}") ;;
    *) die "unknown server '$srv'" ;;
  esac
  rm -f "$TMP"/cg.*
  valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.%p" "${CMD[@]}" \
    >"$TMP/server.log" 2>&1 &
  vpid=$!
  for _ in $(seq 200); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
    sleep 0.1
  done
  "$BIN/layer-load" --port "$port" --layer "$LAYER" -c "$C" -s "$S" \
    -T "$T" -w "$W" >"$TMP/load" 2>&1 &
  load=$!
  sleep "$W"
  callgrind_control -z "$vpid" >/dev/null 2>&1 || echo "callgrind_control -z failed" >&2
  wait "$load"
  callgrind_control -d "$vpid" >/dev/null 2>&1
  kill -TERM "$vpid" 2>/dev/null; wait "$vpid" 2>/dev/null
  dump=$(ls "$TMP"/cg.*.1 2>/dev/null | head -1)
  [ -n "$dump" ] || { echo "$srv: no callgrind dump" >&2; cat "$TMP/server.log" >&2; continue; }
  [ -n "$KEEP" ] && mkdir -p "$KEEP" && cp "$dump" "$KEEP/$LAYER-$srv.callgrind"
  /usr/bin/python3 - "$dump" "$LAYER" "$srv" "$C" "$S" "$(cat "$TMP/load")" <<'PY'
import re, sys
path, layer, srv, c, s, load = sys.argv[1:7]
names, cur, calls, total = {}, None, 0, 0
# tls-limit has no handler: one SSL_write per call
handler = re.compile(r'^SSL_write$' if srv == 'tls-limit' else
                     r'(^echo_impl$|EchoHandler::echo\()')
for line in open(path, errors='replace'):
    if line.startswith('summary:'):
        total = int(line.split()[1])
    m = re.match(r'cfn=\((\d+)\)(?: (.*))?', line)
    if m:
        if m.group(2):
            names[m.group(1)] = m.group(2)
        cur = names.get(m.group(1), '')
        continue
    m = re.match(r'fn=\((\d+)\)(?: (.*))?', line)
    if m and m.group(2):
        names[m.group(1)] = m.group(2)
    if line.startswith('calls=') and cur is not None:
        if handler.search(cur):
            calls += int(line.split()[0][6:])
        cur = None
errs = re.search(r'errors=(\d+)', load)
print(f'layer={layer} server={srv} conns={c} bytes={s} calls={calls} '
      f'instructions={total} instr_per_call={total / calls if calls else 0:.0f}'
      f' load_errors={errs.group(1) if errs else "?"}')
PY
done
