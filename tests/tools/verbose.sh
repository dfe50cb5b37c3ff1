#!/bin/bash
# verbose.sh: thrifttest-server --verbose prints each call's arguments and
# thrifttest-client --verbose each result, one debug-protocol line each;
# the lines parse back (checked for a few by their exact text).
#
#   verbose.sh THRIFTTEST_SERVER THRIFTTEST_CLIENT
set -u
server=$1 client=$2
PY=/usr/bin/python3
dir=$(mktemp -d /tmp/pst_verbose.XXXXXX)
spid=
cleanup() {
    [ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$server" --port "$port" --verbose 2>"$dir/server.err" &
spid=$!
for _ in $(seq 100); do
    $PY -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break
    sleep 0.1
done
"$client" --port "$port" --verbose >"$dir/client.out" 2>&1 || fail "client: $(tail -5 "$dir/client.out")"
kill -TERM "$spid"
for _ in $(seq 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
wait "$spid" || fail "server exit status $?"
spid=

expect() { # FILE LINE
    grep -Fqx -- "$2" "$1" || fail "$1 lacks the line: $2"
}
expect "$dir/server.err" 'thrifttest-server: testI32(testI32_args { 01: thing (i32) = -1, })'
expect "$dir/server.err" 'thrifttest-server: testByte(testByte_args { 01: thing (byte) = 0x81, })'
expect "$dir/server.err" 'thrifttest-server: testVoid(testVoid_args { })'
expect "$dir/client.out" 'testI32 -> testI32_result { 00: success (i32) = -1, }'
expect "$dir/client.out" 'testBool -> testBool_result { 00: success (bool) = false, }'
grep -q '^testInsanity -> testInsanity_result { 00: success (map) = map<i64,map>\[2\] {' "$dir/client.out" \
    || fail "no testInsanity result line"
grep -q '^testString -> .*"\.\.\.(70067 bytes)' "$dir/client.out" \
    || fail "a long string is not shortened"
n=$(grep -c '^thrifttest-server: test' "$dir/server.err")
[ "$n" -gt 50 ] || fail "only $n argument lines"
echo "ok ($n argument lines)"
