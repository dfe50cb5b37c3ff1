#!/bin/sh
# deb_package.sh BUILD_DIR VERSION: `make package`'s Debian package, built
# into a temporary directory, holds everything an installation has, under
# /usr, with its dependencies declared and postern.pc naming /usr.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR VERSION" >&2; exit 2; }
build=$1 version=$2 major=${2%%.*}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/postern-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$tmp" -D CPACK_OUTPUT_FILE_PREFIX="$tmp/package" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack"; }
set -- "$tmp"/package/postern_"$version"_*.deb
[ -f "$1" ] || { ls -R "$tmp" >&2; fail "no postern_${version}_ARCH.deb"; }
deb=$1

[ "$(dpkg-deb -f "$deb" Package)" = postern ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version"
dpkg-deb -f "$deb" Depends | grep -q '^libc6 (>= ' || fail "Depends does not declare libc6: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -c "$deb" >"$tmp/contents"
for f in ./usr/bin/postern ./usr/lib/libpostern.so.$version ./usr/lib/libpostern.a \
         "./usr/lib/libpostern.so.$major -> libpostern.so.$version" \
         "./usr/lib/libpostern.so -> libpostern.so.$major" \
         ./usr/include/postern/postern.h ./usr/include/postern/version.h \
         ./usr/lib/pkgconfig/postern.pc ./usr/lib/cmake/postern/postern-config.cmake \
         ./usr/lib/cmake/postern/postern-config-version.cmake \
         ./usr/lib/cmake/postern/postern-targets.cmake ./usr/lib/cmake/postern/postern_gen.cmake \
         ./usr/share/man/man1/postern.1; do
    grep -q -- " $f\$" "$tmp/contents" || fail "the package lacks $f"
done
dpkg-deb -x "$deb" "$tmp/root"
grep -qx 'prefix=/usr' "$tmp/root/usr/lib/pkgconfig/postern.pc" || fail "postern.pc does not say prefix=/usr"
[ "$("$tmp/root/usr/bin/postern" --version)" = "postern $version" ] || fail "the packaged postern --version"
# ldconfig's trigger, and shlibs for packages that link libpostern.
dpkg-deb -e "$deb" "$tmp/control"
grep -q "libpostern $major postern" "$tmp/control/shlibs" || fail "no shlibs entry"
echo "install/deb-package: ok ($(basename "$deb"))"
