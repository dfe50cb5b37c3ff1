#!/bin/sh
# fuzz_idl.sh [SECONDS [JOBS]]: build the IDL fuzzer (clang, libFuzzer,
# ASan, UBSan) into build-fuzz-idl/ and run it for SECONDS (default 300)
# with JOBS parallel workers (default 1), over a corpus seeded from
# tests/idl and tests/golden. The corpus grows in build-fuzz-idl/corpus;
# crashes are written there as crash-*. Reproduce: build-fuzz-idl/fuzz_idl FILE.
# (The CMake way: CC=clang cmake -S . -B build-fuzz -DPOSTERN_FUZZ=ON, then
# cmake --build build-fuzz --target fuzz_idl.)
set -eu
seconds=${1:-300}
jobs=${2:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build-fuzz-idl
mkdir -p "$out/corpus"
clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined \
    -I"$root/include" -I"$root/src" \
    "$root/tests/fuzz/fuzz_idl.c" "$root"/src/idl/*.c \
    -lm -o "$out/fuzz_idl"
if [ -z "$(ls -A "$out/corpus")" ]; then
    find "$root/tests/idl" "$root/tests/golden" -name '*.thrift' -exec cp {} "$out/corpus/" \;
fi
cd "$out"
parallel=""
if [ "$jobs" -gt 1 ]; then
    parallel="-jobs=$jobs -workers=$jobs"
fi
# shellcheck disable=SC2086
exec ./fuzz_idl -max_total_time="$seconds" -max_len=16384 -timeout=10 \
    -rss_limit_mb=2048 -dict="$root/tests/fuzz/fuzz_idl.dict" $parallel corpus
