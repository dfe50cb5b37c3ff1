#!/bin/bash
# curl_suite.sh PORT: the front door as curl and promtool see it, against a
# thrifttest-server on 127.0.0.1:PORT (any server model). Every check prints
# what it expected on failure; the exit status is the number of failures.
set -u
port=$1
base="http://127.0.0.1:$port"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/postern-curl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect_status WHAT WANT CURL_ARGS...: the status code, body in $tmp/body
expect_status() {
    local what=$1 want=$2
    shift 2
    local got
    got=$(curl -s -o "$tmp/body" -D "$tmp/head" -w '%{http_code}' --max-time 10 "$@")
    [ "$got" = "$want" ] || fail "$what: status $got, want $want (body: $(head -c 300 "$tmp/body"))"
}
body_has() { grep -q -- "$2" "$tmp/body" || fail "$1: body lacks '$2' (body: $(head -c 300 "$tmp/body"))"; }
head_has() { grep -qi -- "$2" "$tmp/head" || fail "$1: headers lack '$2' ($(tr -d '\r' < "$tmp/head" | tr '\n' '|'))"; }

# ---- pages
expect_status "GET /health" 200 "$base/health"
body_has "GET /health" '^ok$'
head_has "GET /health" '^Content-Type: text/plain'
expect_status "HEAD /health" 200 -I "$base/health"
head_has "HEAD /health" '^Content-Length: 3'
# curl -I writes the head where the body would go: no "ok" may follow it
! grep -q '^ok' "$tmp/body" || fail "HEAD /health sent a body"
expect_status "GET /" 200 "$base/"
body_has "GET /" 'testString'
expect_status "GET / (browser)" 200 -H 'Accept: text/html,*/*;q=0.8' "$base/"
body_has "GET / (browser)" '<html'
expect_status "GET /ThriftTest" 200 "$base/ThriftTest"
body_has "GET /ThriftTest" 'string testString(1: string thing)'
expect_status "GET /schema" 200 "$base/schema"
body_has "GET /schema" '^service ThriftTest'
body_has "GET /schema" '^// ---- ThriftTest.thrift'
expect_status "GET /connections" 200 "$base/connections"
body_has "GET /connections" 'open connections'
body_has "GET /connections" '^127.0.0.1:[0-9]* *http '
expect_status "GET /connections (json)" 200 -H 'Accept: application/json' "$base/connections"
/usr/bin/python3 -m json.tool "$tmp/body" >/dev/null || fail "GET /connections (json): not JSON"
body_has "GET /connections (json)" '"kind":"http"'
expect_status "GET /status" 200 "$base/status"
body_has "GET /status" 'ThriftTest.testString'
expect_status "GET /status (json)" 200 -H 'Accept: application/json' "$base/status"
/usr/bin/python3 -m json.tool "$tmp/body" >/dev/null || fail "GET /status (json): not JSON"
body_has "GET /status (json)" '"methods"'
expect_status "GET /status (html)" 200 -H 'Accept: text/html' "$base/status"
body_has "GET /status (html)" '<svg'
expect_status "GET /nope" 404 "$base/nope"
expect_status "DELETE /health" 405 -X DELETE "$base/health"
head_has "DELETE /health" '^Allow: '

# ---- JSON calls
expect_status "testString" 200 -d '{"thing":"héllo"}' "$base/ThriftTest/testString"
body_has "testString" '^"héllo"$'
expect_status "testI64" 200 -d '{"thing":-9223372036854775808}' "$base/ThriftTest/testI64"
body_has "testI64" '^-9223372036854775808$'
expect_status "testStruct" 200 \
    -d '{"thing":{"string_thing":"s","byte_thing":1,"i32_thing":-3,"i64_thing":4}}' \
    "$base/ThriftTest/testStruct"
body_has "testStruct" '"i32_thing":-3'
expect_status "testVoid" 200 -X POST "$base/ThriftTest/testVoid"
body_has "testVoid" '^null$'
expect_status "testMap" 200 -d '{"thing":{"1":2,"3":4}}' "$base/ThriftTest/testMap"
body_has "testMap" '"3":4'
expect_status "testEnum" 200 -d '{"thing":"FIVE"}' "$base/ThriftTest/testEnum"
body_has "testEnum" '"FIVE"'
expect_status "testException" 422 -d '{"arg":"Xception"}' "$base/ThriftTest/testException"
body_has "testException" '"type":"Xception"'
body_has "testException" '"errorCode":1001'
expect_status "testException TException" 500 -d '{"arg":"TException"}' "$base/ThriftTest/testException"
body_has "testException TException" '"kind":"application_exception"'
expect_status "bad type" 400 -d '{"thing":5}' "$base/ThriftTest/testString"
body_has "bad type" 'thing'
expect_status "unknown field" 400 -d '{"thing":"x","nope":1}' "$base/ThriftTest/testString"
body_has "unknown field" 'nope'
expect_status "bad JSON" 400 -d '{"thing":' "$base/ThriftTest/testString"
expect_status "i32 out of range" 400 -d '{"thing":2147483648}' "$base/ThriftTest/testI32"
expect_status "unknown method" 404 -d '{}' "$base/ThriftTest/nope"
expect_status "unknown service" 404 -d '{}' "$base/Nope/testVoid"

# ---- HTTP mechanics
expect_status "chunked body" 200 -H 'Transfer-Encoding: chunked' -d '{"thing":"chunks"}' \
    "$base/ThriftTest/testString"
body_has "chunked body" '"chunks"'
big=$(head -c 3000 /dev/zero | tr '\0' 'x')
expect_status "Expect: 100-continue" 200 -H 'Expect: 100-continue' \
    -d "{\"thing\":\"$big\"}" "$base/ThriftTest/testString"
body_has "Expect: 100-continue" "$big"
curl -sv --max-time 10 "$base/health" "$base/health" "$base/metrics" -o /dev/null -o /dev/null -o /dev/null 2>"$tmp/verbose"
grep -q 'Re-using existing connection' "$tmp/verbose" || fail "keep-alive: curl opened a new connection for each request"
expect_status "HTTP/1.0" 200 -0 "$base/health"
head_has "HTTP/1.0" '^Connection: close'

# ---- /metrics for Prometheus
expect_status "GET /metrics" 200 "$base/metrics"
head_has "GET /metrics" '^Content-Type: text/plain; version=0.0.4'
promtool check metrics < "$tmp/body" || fail "promtool check metrics"
body_has "GET /metrics" 'postern_calls_total{service="ThriftTest",method="testString",outcome="ok"} [1-9]'
body_has "GET /metrics" 'postern_calls_total{service="ThriftTest",method="testException",outcome="declared_exception"} [1-9]'
body_has "GET /metrics" 'postern_connections_accepted_total{kind="http"} [1-9]'
body_has "GET /metrics" '^process_resident_memory_bytes [1-9]'

echo "curl_suite: $fails failure(s)"
exit $((fails > 100 ? 100 : fails))
