#!/bin/sh
# make demo: start echo-server, call it over binary and compact, framed and
# buffered (one port tells them apart by their first bytes), then stop it.
set -eu
BIN=${1:-build/bin}
PORT=${DEMO_PORT:-0}
log=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT INT TERM

say() { printf '\n== %s\n' "$*"; }

say "starting $BIN/echo-server (non-blocking, protocol and framing detected per connection)"
"$BIN/echo-server" --port "$PORT" --server-type nonblocking 2>"$log" &
pid=$!
# Wait (bounded) for the line that tells the port.
i=0
until grep -q 'listening on' "$log"; do
    i=$((i + 1))
    [ $i -le 100 ] || { cat "$log"; echo "demo: server did not start" >&2; exit 1; }
    sleep 0.05
done
cat "$log"
port=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)

for proto in binary compact; do
    for tr in framed buffered; do
        say "echo-client --protocol $proto --transport $tr"
        "$BIN/echo-client" --port "$port" --protocol "$proto" --transport "$tr" "hello over $proto/$tr"
    done
done
say "1000 calls on one connection (binary, framed)"
"$BIN/echo-client" --port "$port" --count 1000 "ping"

say "stopping the server (SIGTERM: graceful)"
kill -TERM "$pid"
wait "$pid"
cat "$log" | tail -n 1
trap - EXIT
rm -f "$log"
echo
echo "demo: done"
