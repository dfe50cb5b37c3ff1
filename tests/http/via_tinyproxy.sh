#!/bin/bash
# via_tinyproxy.sh PORT CLIENT...: run CLIENT (with {proxy} replaced by the
# proxy's host:port) through a tinyproxy that this script starts on a free
# loopback port, allowed to CONNECT to PORT only; stops it by its PID.
set -u
port=$1
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/postern-tinyproxy.XXXXXX")
proxy_pid=""
cleanup() {
    [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
pport=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$tmp/tinyproxy.conf" <<CONF
Port $pport
Listen 127.0.0.1
Timeout 30
MaxClients 20
Allow 127.0.0.1
ConnectPort $port
LogLevel Info
LogFile "$tmp/tinyproxy.log"
PidFile "$tmp/tinyproxy.pid"
CONF
tinyproxy -d -c "$tmp/tinyproxy.conf" >"$tmp/stdout" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$pport") 2>/dev/null && break
    sleep 0.05
done
args=()
for a in "$@"; do args+=("${a//\{proxy\}/127.0.0.1:$pport}"); done
"${args[@]}"
rc=$?
grep -q "CONNECT" "$tmp/tinyproxy.log" || { echo "FAIL: tinyproxy saw no CONNECT" >&2; cat "$tmp/tinyproxy.log" >&2; rc=1; }
exit $rc
