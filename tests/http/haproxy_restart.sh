#!/bin/bash
# haproxy_restart.sh ECHO_SERVER CALLER [MODE]: three echo-servers behind
# HAProxy, each restarted in turn while CALLER (haproxy_caller, MODE
# per-call or pool) calls through HAProxy without pause; passes when no
# call failed.
#
# The servers drain on SIGTERM (--drain-ms): /health turns 503 while they
# still serve, HAProxy's check (option httpchk GET /health, every 100 ms, two
# failures to go down)
# takes the server out of rotation, and only then does it stop; it is
# started again on the same port and HAProxy's check brings it back. Every
# process here is a child started on a free loopback port with a
# configuration written here, and stopped by its PID.
set -u
echo_server=$1
caller=$2
mode=${3:-per-call}
# Long enough that HAProxy's checks (every 100 ms, DOWN after two) and this
# script's polling see the drain before it ends even on a loaded machine
# (2 s was missed under a load average of 27 with AddressSanitizer).
drain_ms=5000
PY=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/postern-haproxy.XXXXXX")
declare -a ports pids
haproxy_pid=""
caller_pid=""

cleanup() {
    local p
    for p in $caller_pid $haproxy_pid "${pids[@]}"; do
        [ -n "$p" ] && kill "$p" 2>/dev/null
    done
    for p in $caller_pid $haproxy_pid "${pids[@]}"; do
        [ -n "$p" ] && wait "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done
    exit 1
}

free_ports() {
    $PY - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# health PORT: the HTTP status of GET /health ("000" when nothing answers).
health() {
    curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$1/health"
}

# haproxy_state NAME: UP, DOWN, ... as HAProxy's stats socket reports it.
haproxy_state() {
    $PY - "$tmp/haproxy.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
try:
    s.connect(sys.argv[1])
    s.sendall(b"show stat\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
except OSError:
    print("NOSOCKET")
    sys.exit(0)
lines = data.decode().splitlines()
cols = lines[0].lstrip("# ").split(",")
for line in lines[1:]:
    f = line.split(",")
    if len(f) == len(cols) and f[0] == "be" and f[1] == sys.argv[2]:
        print(f[cols.index("status")].split()[0])
        break
PY
}

state_is() { [ "$(haproxy_state "$1")" = "$2" ]; }
healthy() { [ "$(health "$1")" = 200 ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# wait_for WHAT TRIES CMD...: run CMD every 50 ms until it succeeds.
wait_for() {
    local what=$1 tries=$2
    shift 2
    local i
    for i in $(seq 1 "$tries"); do
        "$@" && return 0
        sleep 0.05
    done
    fail "timed out waiting for $what"
}

start_server() { # INDEX
    local i=$1
    "$echo_server" --port "${ports[$i]}" --server-type nonblocking \
        --drain-ms "$drain_ms" >>"$tmp/server$i.log" 2>&1 &
    pids[$i]=$!
    wait_for "server $i to answer /health" 200 healthy "${ports[$i]}"
}

read -r p0 p1 p2 hport <<<"$(free_ports 4)"
ports=("$p0" "$p1" "$p2")
for i in 0 1 2; do start_server $i; done

cat >"$tmp/haproxy.cfg" <<CFG
global
    maxconn 2000
    stats socket $tmp/haproxy.sock mode 600 level user

defaults
    mode tcp
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    # A connection refused by a server (stopped before the check noticed)
    # is tried again, on another server.
    retries 3
    option redispatch

frontend thrift
    bind 127.0.0.1:$hport
    default_backend be

backend be
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    timeout check 1s
    default-server inter 100ms fall 2 rise 2
    server s0 127.0.0.1:$p0 check
    server s1 127.0.0.1:$p1 check
    server s2 127.0.0.1:$p2 check
CFG
haproxy -c -f "$tmp/haproxy.cfg" >"$tmp/haproxy-check.log" 2>&1 || fail "haproxy rejects its configuration"
haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
haproxy_pid=$!
for s in s0 s1 s2; do
    wait_for "HAProxy to see $s UP" 200 state_is "$s" UP
done

rm -f "$tmp/stop"
"$caller" --port "$hport" --stop-file "$tmp/stop" --threads 4 --mode "$mode" --pause-us 200 \
    >"$tmp/caller.out" 2>"$tmp/caller.log" &
caller_pid=$!
sleep 1

for i in 0 1 2; do
    old=${pids[$i]}
    kill -TERM "$old"
    # Draining: still serving, /health 503, and HAProxy takes it out.
    wait_for "HAProxy to see s$i DOWN while it drains" 200 state_is "s$i" DOWN
    kill -0 "$old" 2>/dev/null || fail "server $i exited before its drain period ended"
    wait_for "server $i to stop after draining" 300 gone "$old"
    wait "$old"
    rc=$?
    [ "$rc" -eq 0 ] || fail "server $i exited with $rc"
    start_server "$i"
    wait_for "HAProxy to see s$i UP again" 200 state_is "s$i" UP
    echo "server $i restarted: $(grep -c stopped "$tmp/server$i.log") stop(s), $(grep stopped "$tmp/server$i.log" | tail -1)"
    sleep 1
done

touch "$tmp/stop"
wait "$caller_pid"
rc=$?
caller_pid=""
cat "$tmp/caller.out"
[ "$rc" -eq 0 ] || fail "the caller saw failed calls (exit $rc)"
grep -q " 0 failed" "$tmp/caller.out" || fail "the caller did not report its calls"
for i in 0 1 2; do
    n=$(sed -n 's/.*stopped after \([0-9]*\) calls.*/\1/p' "$tmp/server$i.log" | head -1)
    [ "${n:-0}" -gt 0 ] || fail "server $i answered no call before its restart"
done
echo "ok: three servers restarted behind HAProxy ($mode callers), no call failed"
