#!/bin/sh
# golden.sh check|update POSTERN IDL EXPECTED_DIR WORK_DIR
#
# check:  generate IDL into WORK_DIR and diff NAME.h and NAME.c against
#         EXPECTED_DIR (fails on any difference)
# update: copy the fresh output over EXPECTED_DIR (see refresh.sh)
set -eu
mode=$1
postern=$2
idl=$3
expected=$4
work=$5
name=$(basename "$idl" .thrift)
rm -rf "$work"
mkdir -p "$work"
"$postern" gen -q -I "$(dirname "$idl")/inc" -o "$work" "$idl"
if [ "$mode" = update ]; then
    cp "$work/$name.h" "$work/$name.c" "$expected/"
    echo "updated $expected/$name.h and $name.c"
    exit 0
fi
status=0
for ext in h c; do
    if ! diff -u "$expected/$name.$ext" "$work/$name.$ext"; then
        echo "golden: $name.$ext differs from tests/golden/expected/$name.$ext"
        echo "        (if the change is intended: tests/golden/refresh.sh)"
        status=1
    fi
done
exit $status
