#!/bin/bash
# replay.sh: record and replay. thrifttest-server --record writes every
# request and reply of thrifttest-client's checks (binary buffered and
# compact framed) to a message log; every record's CRC-32 is checked with
# Python's zlib (the format says it is zlib's); postern-replay sends the
# requests to a fresh server and finds every reply as recorded; a reply
# changed in the log (checksum fixed up) is reported as differing (exit
# 1); a flipped byte and a cut file are errors naming the offset (exit 2).
#
#   replay.sh THRIFTTEST_SERVER THRIFTTEST_CLIENT POSTERN_REPLAY
set -u
server=$1 client=$2 replay=$3
PY=/usr/bin/python3
dir=$(mktemp -d /tmp/pst_replay.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

free_port() {
    $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() { # bounded: 10 s
    for _ in $(seq 100); do
        $PY -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" \
            2>/dev/null && return 0
        sleep 0.1
    done
    fail "server on port $1 did not start"
}
stop() { # TERM, then wait (bounded) for a graceful stop
    kill -TERM "$1"
    for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }; sleep 0.1; done
    fail "server $1 did not stop"
}

log=$dir/calls.log
p1=$(free_port)
"$server" --port "$p1" --server-type nonblocking --record "$log" 2>"$dir/s1.err" &
s1=$!; pids+=($s1)
wait_port "$p1"
"$client" --port "$p1" --quiet >"$dir/c1.out" 2>&1 || fail "client (binary): $(cat "$dir/c1.out")"
"$client" --port "$p1" --protocol compact --transport framed --quiet \
    >"$dir/c2.out" 2>&1 || fail "client (compact framed): $(cat "$dir/c2.out")"
stop "$s1" || fail "recording server exit status $?"

# every record's checksum, as zlib computes it
$PY - "$log" <<'PYEOF' || fail "log check"
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PSTLOG\n", "magic"
assert struct.unpack(">I", b[12:16])[0] == zlib.crc32(b[:12]), "header crc"
off, n, conns, protos = 16, 0, set(), set()
while off < len(b):
    length, d, p = struct.unpack(">IBB", b[off:off + 6])
    end = off + 24 + length
    assert struct.unpack(">I", b[end:end + 4])[0] == zlib.crc32(b[off:end]), off
    conns.add(struct.unpack(">Q", b[off + 16:off + 24])[0]); protos.add(p)
    off, n = end + 4, n + 1
assert off == len(b) and n > 50 and len(conns) >= 2 and protos == {1, 2}, (n, conns, protos)
print(n, "records on", len(conns), "connections")
PYEOF

p2=$(free_port)
"$server" --port "$p2" 2>"$dir/s2.err" &
s2=$!; pids+=($s2)
wait_port "$p2"
out=$("$replay" "$log" "127.0.0.1:$p2" 2>&1); rc=$?
echo "$out" | tail -1
[ $rc -eq 0 ] || fail "replay exit $rc: $out"
echo "$out" | grep -q " 0 differ, 0 missing" || fail "replay: $out"

# a reply changed in the log, its checksum fixed: reported as differing
$PY - "$log" "$dir/changed.log" <<'PYEOF' || fail "making changed.log"
import struct, sys, zlib
b = bytearray(open(sys.argv[1], "rb").read())
off = 16
while True:
    length, d = struct.unpack(">IB", b[off:off + 5])
    if d == 2 and length > 30:
        break
    off += 28 + length
end = off + 24 + length
b[end - 1] ^= 0x01
b[end:end + 4] = struct.pack(">I", zlib.crc32(bytes(b[off:end])))
open(sys.argv[2], "wb").write(b)
PYEOF
out=$("$replay" "$dir/changed.log" "127.0.0.1:$p2" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "changed reply: exit $rc: $out"
echo "$out" | grep -q "the reply differs from the one recorded" || fail "changed reply: $out"
echo "$out" | grep -q " 1 differ, 0 missing" || fail "changed reply: $out"

# a flipped byte: the log's error, naming the record's offset
cp "$log" "$dir/flipped.log"
printf '\x55' | dd of="$dir/flipped.log" bs=1 seek=100 conv=notrunc 2>/dev/null
out=$("$replay" "$dir/flipped.log" "127.0.0.1:$p2" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "flipped byte: exit $rc: $out"
echo "$out" | grep -Eq "record at offset [0-9]+: checksum mismatch" || fail "flipped byte: $out"

# cut short
head -c -7 "$log" >"$dir/cut.log"
out=$("$replay" "$dir/cut.log" "127.0.0.1:$p2" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "cut log: exit $rc: $out"
echo "$out" | grep -Eq "record at offset [0-9]+: cut short" || fail "cut log: $out"

stop "$s2" || fail "replay server exit status $?"
echo "ok"
