#!/bin/sh
# Installs the Debian packages the build, the tests and the interop peers need,
# once: packages already present are left alone. Needs root (or sudo).
set -eu
# The second line is what the HTTP tests point at the front door: curl,
# Prometheus (promtool and a real scrape), Go (net/rpc/jsonrpc), wrk.
PKGS="cmake make gcc g++ clang pkg-config zlib1g-dev
      thrift-compiler python3-thrift libthrift-dev libboost-dev libevent-dev
      curl prometheus golang-go wrk"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q --no-install-recommends $missing
}
