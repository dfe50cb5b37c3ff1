#!/bin/sh
# compile.sh POSTERN INCLUDE_DIR SEARCH_DIR WORK_DIR IDL [CC...]
#
# Generate C for IDL and everything it includes (-r, with SEARCH_DIR as -I),
# then compile every generated .c with each CC under
# -std=c11 -Wall -Wextra -Werror -pedantic. With LINK_LIB set to a built
# libpostern, also link each program's objects into a test executable
# (proves every symbol the generated code needs exists).
set -eu
postern=$1
include=$2
search=$3
work=$4
idl=$5
shift 5
rm -rf "$work"
mkdir -p "$work/gen"
"$postern" gen -q -r -I "$search" -o "$work/gen" "$idl"
ls "$work/gen"/*.c >/dev/null
for cc in "$@"; do
    tag=$(basename "$cc")
    for c in "$work/gen"/*.c; do
        "$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I "$include" -I "$work/gen" \
            -c "$c" -o "$work/$(basename "$c" .c).$tag.o"
    done
done
# Link (with the compiler and flags libpostern was built with) only once
# libpostern has the runtime the generated code calls.
if [ -n "${LINK_LIB:-}" ] && nm "$LINK_LIB" 2>/dev/null | grep -q ' T pst_client_call$' \
    && nm "$LINK_LIB" 2>/dev/null | grep -q ' T pst_struct_init$' \
    && nm "$LINK_LIB" 2>/dev/null | grep -q ' R pst_type_i32$'; then
    link_cc=${LINK_CC:-cc}
    mkdir -p "$work/link"
    for c in "$work/gen"/*.c; do
        # shellcheck disable=SC2086
        "$link_cc" -std=c11 ${LINK_FLAGS:-} -I "$include" -I "$work/gen" \
            -c "$c" -o "$work/link/$(basename "$c" .c).o"
    done
    printf 'int main(void) { return 0; }\n' >"$work/link/main.c"
    # shellcheck disable=SC2086
    "$link_cc" -std=c11 ${LINK_FLAGS:-} -o "$work/link/linked" "$work/link/main.c" \
        "$work/link"/*.o "$LINK_LIB" -lpthread -lm -lz
    linked=" (and links)"
fi
echo "generated code of $(basename "$idl") compiles${linked:-} with: $*"
