#!/bin/bash
# cli_args.sh SERVER CLIENT: bad command lines of thrifttest-server and
# thrifttest-client must fail with status 2 and a message naming the
# offending argument; --help must succeed. Nothing here opens a socket.
set -u
[ $# -eq 2 ] || { echo "usage: cli_args.sh THRIFTTEST_SERVER THRIFTTEST_CLIENT" >&2; exit 2; }
server=$1
client=$2
failures=0

# expect STATUS WORD PROGRAM ARGS...: exit status STATUS, and WORD in stderr.
expect() {
    local want=$1 word=$2
    shift 2
    local err status
    err=$(timeout 10 "$@" 2>&1 >/dev/null </dev/null)
    status=$?
    if [ "$status" != "$want" ]; then
        echo "FAIL: $* -> status $status, expected $want ($err)"
        failures=$((failures + 1))
    elif [ -n "$word" ] && [[ "$err" != *"$word"* ]]; then
        echo "FAIL: $* -> message does not name '$word': $err"
        failures=$((failures + 1))
    else
        echo "ok   $* -> $status"
    fi
}

for prog in "$server" "$client"; do
    expect 0 "" "$prog" --help
    expect 2 "--bogus" "$prog" --bogus
    expect 2 "--port" "$prog" --port
    expect 2 "--port" "$prog" --port 70000
    expect 2 "--port" "$prog" --port 12ab
    expect 2 "--protocol" "$prog" --protocol morse
    expect 2 "--transport" "$prog" --transport carrier-pigeon
    expect 2 "--port" "$prog" --port=70000
    expect 2 "--port" "$prog" --port=
    expect 2 "--protocol" "$prog" --protocol=morse
    expect 2 "--domain-socket" "$prog" --domain-socket ""
done
expect 2 "--server-type" "$server" --server-type fastest
expect 2 "--server-type" "$server" --server-type=fastest
expect 2 "--connect" "$client" --connect no-slash
expect 2 "--proxy" "$client" --proxy nocolon
expect 2 "--workers" "$server" --workers -1
expect 2 "--io-threads" "$server" --io-threads many
expect 2 "--testloops" "$client" --testloops 0
expect 2 "--timeout" "$client" --timeout -5
expect 2 "--host" "$client" --host ""

# Apache Thrift's cross-test runner's command lines (--help last: everything
# before it must parse).
expect 0 "" "$server" --verbose --genpydir=gen-py --protocol=multij --transport=framed \
    --abstract-namespace --domain-socket=/tmp/ThriftTest.thrift.9090 --port=9090 TSimpleServer --help
expect 0 "" "$server" --protocol=multic --transport=http --port=9090 -n 2 --processor-events --help
expect 0 "" "$client" --verbose --host=localhost --genpydir=gen-py --protocol=multi \
    --transport=buffered --abstract-namespace --domain-socket=/tmp/x --port=9090 --help
expect 0 "" "$client" --protocol=multic --transport=framed --port=9090 -n 2 --help
expect 0 "" "$server" --protocol=binary --ssl --port=9090 --help
expect 0 "" "$client" --protocol=binary --ssl --port=9090 --help
for prog in "$server" "$client"; do
    expect 0 "" "$prog" --protocol=header --transport=buffered --port=9090 --help
    expect 0 "" "$prog" --protocol=multih --transport=framed --help
    expect 0 "" "$prog" --transport=zlib --zlib --help
    expect 2 "--protocol" "$prog" --protocol=multix
    expect 2 "--genpydir" "$prog" --genpydir
done
expect 2 "--domain-socket" "$client" --transport=http --domain-socket=/tmp/x --proxy=h:1

echo "$failures failure(s)"
[ $failures = 0 ]
