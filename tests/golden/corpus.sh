#!/bin/sh
# corpus.sh POSTERN INCLUDE_DIR CORPUS_DIR WORK_DIR [CC...]
#
# Every .thrift under CORPUS_DIR (subdirectories too) must generate (-r)
# and its C compile with each CC under -pedantic -Werror, except
# BrokenConstants.thrift, which must be rejected with a clear
# file:line:col error.
set -u
postern=$1
include=$2
corpus=$3
work=$4
shift 4
rm -rf "$work"
mkdir -p "$work"
failures=0
count=0
for idl in $(find "$corpus" -name '*.thrift' | sort); do
    count=$((count + 1))
    rel=${idl#"$corpus"/}
    out=$work/$(echo "$rel" | tr '/' '_')
    mkdir -p "$out"
    if [ "$(basename "$idl")" = BrokenConstants.thrift ]; then
        if "$postern" gen -q -o "$out" "$idl" 2>"$out/err"; then
            echo "FAIL: $rel was accepted"
            failures=$((failures + 1))
        elif ! grep -Eq "BrokenConstants.thrift:[0-9]+:[0-9]+: .*(does not fit|out of range)" "$out/err"; then
            echo "FAIL: $rel rejected without a clear error:"
            cat "$out/err"
            failures=$((failures + 1))
        else
            echo "ok   $rel rejected: $(head -n 1 "$out/err")"
        fi
        continue
    fi
    if ! "$postern" gen -q -r -o "$out" "$idl" 2>"$out/err"; then
        echo "FAIL: postern gen $rel"
        cat "$out/err"
        failures=$((failures + 1))
        continue
    fi
    ok=1
    for cc in "$@"; do
        for c in "$out"/*.c; do
            if ! "$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I "$include" -I "$out" \
                -c "$c" -o "$c.$(basename "$cc").o" 2>"$out/cc-err"; then
                echo "FAIL: $(basename "$cc") on the C of $rel ($(basename "$c"))"
                head -n 20 "$out/cc-err"
                ok=0
            fi
        done
    done
    if [ $ok = 1 ]; then
        echo "ok   $rel"
    else
        failures=$((failures + 1))
    fi
done
echo "$count corpus files, $failures failure(s)"
[ "$count" -gt 0 ] && [ "$failures" -eq 0 ]
