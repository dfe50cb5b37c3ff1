#!/bin/sh
# Installs the Debian packages the build, the tests and the interop peers need,
# once: packages already present are left alone. Needs root (or sudo).
set -eu
PKGS="cmake make gcc g++ clang pkg-config zlib1g-dev libssl-dev openssl
      thrift-compiler python3-thrift libthrift-dev libboost-dev libevent-dev"
# What the HTTP tests and benchmarks point at the front door: curl,
# Prometheus (promtool and a real scrape), Go (net/rpc/jsonrpc, and Apache
# Thrift's Go library for the interop peers: golang-thrift-dev), wrk,
# tinyproxy (CONNECT through a proxy), Chromium (the /status page,
# headless), HAProxy (servers restarted behind a balancer); nginx-light and
# valgrind only for bench/http (the reference /health server, callgrind's
# instruction counts). Their recommends (exporters, documentation servers)
# are not wanted.
TOOLS="curl prometheus golang-go golang-thrift-dev wrk tinyproxy chromium haproxy nginx-light valgrind"

missing_of() {
    out=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out="$out $p"
    done
    echo "$out"
}
missing=$(missing_of $PKGS)
missing_tools=$(missing_of $TOOLS)
[ -z "$missing$missing_tools" ] && exit 0
echo "install-deps: installing$missing$missing_tools"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
install() {
    [ -n "$2" ] || return 0
    $SUDO apt-get install -y -q $1 $2 >/dev/null 2>&1 || {
        $SUDO apt-get update -q >/dev/null
        $SUDO apt-get install -y -q $1 $2
    }
}
install "" "$missing"
install "--no-install-recommends" "$missing_tools"
