#!/bin/bash
# chromium_status.sh PORT ECHO_CLIENT: the /status page of an echo-server on
# PORT, as a person sees it in a browser. Makes some calls first (so the
# methods table has rows with counts), then loads /status in headless
# Chromium twice: --dump-dom to check what the page says (service name,
# the Echo.echo row with at least the calls made, two inline SVG charts,
# no scripts), and --screenshot to check that it renders (a PNG of the
# window's size, with the page's dark header and more than a few colours).
# The history charts sample every 10 s, so a short test sees at most the
# charts' frames, not their lines; the frames and axes are what it checks.
# Chromium runs as a child with a fresh profile and is stopped by its PID
# (timeout kills it if it hangs).
set -u
port=$1
echo_client=$2
calls=40
tmp=$(mktemp -d "${TMPDIR:-/tmp}/postern-chromium.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$echo_client" --port "$port" --count "$calls" "status page" >/dev/null ||
    fail "echo-client could not call the server"
curl -s -o /dev/null -d '{"req":{"msg":"json"}}' "http://127.0.0.1:$port/Echo/echo" ||
    fail "JSON call failed"

chromium_run() {
    # Chromium forks helpers; `timeout` signals only the browser, which
    # takes its helpers down with it.
    timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$tmp/profile-$1" "${@:2}" \
        "http://127.0.0.1:$port/status" 2>>"$tmp/chromium.log"
}

chromium_run dom --dump-dom >"$tmp/dom.html" || {
    tail -20 "$tmp/chromium.log" >&2; fail "chromium --dump-dom failed"; }
dom=$(cat "$tmp/dom.html")
grep -q "<title>postern status: Echo</title>" <<<"$dom" || fail "no title with the service name"
grep -q "<h1>Echo</h1>" <<<"$dom" || fail "no heading with the service name"
grep -q ">serving<" <<<"$dom" || fail "the page does not say the server is serving"
row=$(grep -o "<td>Echo.echo</td><td>[0-9]*</td>" <<<"$dom") || fail "no Echo.echo row in the methods table"
n=${row#<td>Echo.echo</td><td>}
n=${n%</td>}
[ "$n" -ge $((calls + 1)) ] || fail "Echo.echo row says $n calls, expected at least $((calls + 1))"
svgs=$(grep -o "<svg" <<<"$dom" | wc -l)
[ "$svgs" -eq 2 ] || fail "expected 2 inline SVG charts, found $svgs"
grep -q "calls per second" <<<"$dom" || fail "no QPS chart"
grep -q "p99 latency" <<<"$dom" || fail "no p99 chart"
grep -qi "<script" <<<"$dom" && fail "the page carries a script"
grep -Eqi "(src|href)=\"https?://" <<<"$dom" && fail "the page loads an external asset"

chromium_run png --screenshot="$tmp/status.png" --window-size=1200,900 >/dev/null || {
    tail -20 "$tmp/chromium.log" >&2; fail "chromium --screenshot failed"; }
/usr/bin/python3 "$(dirname "$0")/png_check.py" "$tmp/status.png" 1200 900 || fail "screenshot check"
echo "ok: /status in Chromium shows Echo.echo with $n calls and 2 charts; screenshot checked"
