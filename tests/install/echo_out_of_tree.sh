#!/bin/sh
# echo_out_of_tree.sh BUILD_DIR ECHO_SRC CC VERSION LIBDIR [EXTRA_FLAGS]
#
# Installs the build into a temporary prefix and checks the layout (soname,
# headers, compiler and its --version, man page, postern.pc, CMake package).
# Then builds examples/echo out of tree three ways against that prefix only:
#   pc/     its Makefile, with pkg-config           (libpostern.so)
#   cm/     its CMakeLists.txt, find_package(postern), from a DESTDIR install
#   static  pc/'s client linked with libpostern.a
# and runs every client against both servers. EXTRA_FLAGS (sanitizer flags of
# sanitized builds) go to every compile and link.
set -eu
[ $# -ge 5 ] || { echo "usage: $0 BUILD_DIR ECHO_SRC CC VERSION LIBDIR [FLAGS]" >&2; exit 2; }
build=$1 echo_src=$2 cc=$3 version=$4 libdir=$5 flags=${6:-}
major=${version%%.*}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/postern-install.XXXXXX")
servers=""
cleanup() {
    for p in $servers; do kill -KILL "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

# Nothing from the environment may point at another postern.
unset PKG_CONFIG_PATH CMAKE_PREFIX_PATH LD_LIBRARY_PATH CFLAGS LDFLAGS CPATH \
      LIBRARY_PATH C_INCLUDE_PATH || true
export CC="$cc"

# --- install and layout --------------------------------------------------
prefix=$tmp/prefix
step "cmake --install --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "install"; }
lib=$prefix/$libdir
for f in "$lib/libpostern.so.$version" "$lib/libpostern.a" \
         "$prefix/include/postern/postern.h" "$prefix/include/postern/server.h" \
         "$prefix/bin/postern" "$prefix/share/man/man1/postern.1" \
         "$lib/pkgconfig/postern.pc" "$lib/cmake/postern/postern-config.cmake" \
         "$lib/cmake/postern/postern-config-version.cmake" \
         "$lib/cmake/postern/postern_gen.cmake"; do
    [ -f "$f" ] || fail "not installed: $f"
done
[ "$(readlink "$lib/libpostern.so.$major")" = "libpostern.so.$version" ] ||
    fail "libpostern.so.$major does not point at libpostern.so.$version"
[ "$(readlink "$lib/libpostern.so")" = "libpostern.so.$major" ] ||
    fail "libpostern.so does not point at libpostern.so.$major"
soname=$(readelf -d "$lib/libpostern.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libpostern.so.$major" ] || fail "soname is '$soname', want libpostern.so.$major"
out=$("$prefix/bin/postern" --version)
[ "$out" = "postern $version" ] || fail "postern --version printed '$out', want 'postern $version'"
grep -q "PST_VERSION_STRING \"$version\"" "$prefix/include/postern/version.h" ||
    fail "installed version.h does not say $version"
grep -q '^\.SH SERVER OPTIONS' "$prefix/share/man/man1/postern.1" || fail "man page lacks SERVER OPTIONS"

# Every installed header compiles on its own, strict C11.
for h in "$prefix"/include/postern/*.h; do
    printf '#include <postern/%s>\nint main(void) { return 0; }\n' "$(basename "$h")" >"$tmp/h.c"
    $cc -std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$prefix/include" "$tmp/h.c" ||
        fail "header $(basename "$h") does not compile on its own"
done

# --- pkg-config and a plain Makefile -------------------------------------
step "pkg-config build"
export PKG_CONFIG_LIBDIR="$lib/pkgconfig"   # only this installation
[ "$(pkg-config --modversion postern)" = "$version" ] || fail "pkg-config --modversion"
[ "$(pkg-config --variable=postern postern)" -ef "$prefix/bin/postern" ] ||
    fail "postern.pc does not name the installed compiler"
mkdir "$tmp/pc"
cp "$echo_src/echo.thrift" "$echo_src/args.h" "$echo_src/server.c" "$echo_src/client.c" "$echo_src/Makefile" "$tmp/pc/"
make -s -C "$tmp/pc" CFLAGS="-O2 -Werror $flags" LDFLAGS="$flags" >"$tmp/pc.log" 2>&1 ||
    { cat "$tmp/pc.log"; fail "pkg-config build"; }
# The static library: the same client linked with libpostern.a.
$cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 $flags $(pkg-config --cflags postern) -I"$tmp/pc/gen" \
    -o "$tmp/pc/echo-client-static" "$tmp/pc/client.c" "$tmp/pc/gen/echo.c" \
    "$lib/libpostern.a" $(pkg-config --static --libs-only-other postern) -lm -lz ||
    fail "static link"
unset PKG_CONFIG_LIBDIR

# --- CMake find_package, from a DESTDIR install --------------------------
stage=$tmp/stage
step "DESTDIR=$stage cmake --install --prefix /opt/postern; CMake build"
DESTDIR=$stage cmake --install "$build" --prefix /opt/postern >/dev/null
[ -f "$stage/opt/postern/$libdir/libpostern.so.$version" ] || fail "DESTDIR not honoured"
mkdir "$tmp/cm-src"
cp "$echo_src/echo.thrift" "$echo_src/args.h" "$echo_src/server.c" "$echo_src/client.c" "$echo_src/CMakeLists.txt" "$tmp/cm-src/"
cmake -S "$tmp/cm-src" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$stage/opt/postern" \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="-Werror $flags" \
      -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$tmp/cm.log" 2>&1 ||
    { cat "$tmp/cm.log"; fail "cmake configure"; }
found=$(sed -n 's/^postern_DIR:PATH=//p' "$tmp/cm/CMakeCache.txt")
[ "$found" -ef "$stage/opt/postern/$libdir/cmake/postern" ] ||
    fail "find_package found postern at '$found', not in the DESTDIR install"
cmake --build "$tmp/cm" >>"$tmp/cm.log" 2>&1 || { cat "$tmp/cm.log"; fail "cmake build"; }
[ -f "$tmp/cm/gen/echo.h" ] || fail "postern_generate wrote no gen/echo.h"

# Each dynamic program must load libpostern from its own installation.
LD_LIBRARY_PATH=$lib ldd "$tmp/pc/echo-server" | grep -q "libpostern.so.$major => $lib/" ||
    fail "pc echo-server does not load $lib/libpostern.so.$major"
ldd "$tmp/cm/echo-server" | grep -q "libpostern.so.$major => $stage/opt/postern/$libdir/" ||
    fail "cm echo-server does not load the DESTDIR libpostern"
if ldd "$tmp/pc/echo-client-static" | grep -q libpostern; then
    fail "the static client loads libpostern.so"
fi

# --- run: every client against both servers ------------------------------
start_server() {   # name command... ; sets $port and $pid
    log=$tmp/$1.log; shift
    "$@" --port 0 2>"$log" &
    pid=$!
    servers="$servers $pid"
    i=0
    until grep -q 'listening on' "$log"; do
        i=$((i + 1))
        [ $i -le 200 ] && kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "server $* did not start"; }
        sleep 0.05
    done
    port=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
}
stop_server() {    # pid name
    kill -TERM "$1"
    i=0
    while kill -0 "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 200 ] || fail "server $2 did not stop within 10 s of SIGTERM"
        sleep 0.05
    done
    wait "$1" || fail "server $2 did not exit cleanly"
}
call() {           # client-label port command...
    label=$1 p=$2; shift 2
    out=$("$@" --port "$p" --count 50 "hello from $label") || fail "$label client failed against port $p"
    echo "$out" | grep -q -- "-> \"hello from $label\"" || fail "$label client's reply lacks its message: $out"
    echo "$out" | grep -q "^50 calls answered" || fail "$label client: not every call answered: $out"
}

step "run"
export LD_LIBRARY_PATH=$lib
start_server pc-server "$tmp/pc/echo-server"; pc_pid=$pid pc_port=$port
start_server cm-server "$tmp/cm/echo-server"; cm_pid=$pid cm_port=$port
for srv in $pc_port $cm_port; do
    call pc "$srv" "$tmp/pc/echo-client"
    call cm "$srv" "$tmp/cm/echo-client" --protocol compact --transport buffered
    call static "$srv" "$tmp/pc/echo-client-static"
done
stop_server "$pc_pid" pc
stop_server "$cm_pid" cm
servers=""
echo "install/echo-out-of-tree: ok"
