#!/bin/sh
# fuzz_decode.sh [SECONDS [JOBS]]: build the codec fuzzer (clang, libFuzzer,
# ASan, UBSan) into build-fuzz-decode/ and run it for SECONDS (default 300)
# with JOBS parallel workers (default 1). The corpus grows in
# build-fuzz-decode/corpus; crashes are written there as crash-*.
# Reproduce: build-fuzz-decode/fuzz_decode FILE. What it checks:
# tests/fuzz/fuzz_decode_target.h. (The CMake way: CC=clang cmake -S . -B
# build-fuzz -DPOSTERN_FUZZ=ON, then cmake --build build-fuzz --target fuzz_decode.)
set -eu
seconds=${1:-300}
jobs=${2:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build-fuzz-decode
mkdir -p "$out/corpus"
clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined \
    -I"$root/include" -I"$root/src" -I"$root/tests/unit" \
    "$root/tests/fuzz/fuzz_decode.c" "$root"/src/core/arena.c \
    "$root"/src/core/wbuf.c "$root"/src/core/types.c "$root"/src/core/error.c \
    "$root"/src/protocol/*.c -lm -o "$out/fuzz_decode"
cd "$out"
parallel=""
if [ "$jobs" -gt 1 ]; then
    parallel="-jobs=$jobs -workers=$jobs"
fi
# shellcheck disable=SC2086
exec ./fuzz_decode -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    $parallel corpus
