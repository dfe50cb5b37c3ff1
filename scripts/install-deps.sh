#!/bin/sh
# Installs the Debian packages the build, the tests and the interop peers need,
# once: packages already present are left alone. Needs root (or sudo).
set -eu
PKGS="cmake make gcc g++ clang pkg-config zlib1g-dev
      thrift-compiler python3-thrift libthrift-dev libboost-dev libevent-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q $missing >/dev/null 2>&1 || {
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q $missing
}
