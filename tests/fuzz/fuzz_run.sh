#!/bin/sh
# fuzz_run.sh TARGET [SECONDS]: build one libFuzzer target (fuzz_request,
# fuzz_transport, fuzz_sniff, fuzz_decode, fuzz_http, fuzz_json, fuzz_json_protocol,
# fuzz_front, fuzz_tls, fuzz_zlib, fuzz_header) with clang
# into build-fuzz/, seed its corpus from real messages (fuzz_corpus_gen) on the first run,
# and fuzz for SECONDS (default 600) with one job. The corpus grows in
# build-fuzz/corpus/NAME; findings land in build-fuzz/findings as
# crash-* / leak-* / timeout-*. Reproduce one with
#   build-fuzz/bin/TARGET build-fuzz/findings/crash-...
set -eu
target=${1:?usage: fuzz_run.sh fuzz_request|fuzz_transport|fuzz_sniff|fuzz_decode|fuzz_http|fuzz_json|fuzz_json_protocol|fuzz_front|fuzz_tls|fuzz_zlib|fuzz_header [SECONDS]}
seconds=${2:-600}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build-fuzz
name=${target#fuzz_}
CC=clang cmake -S "$root" -B "$out" -DPOSTERN_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$out" -j2 --target "$target" fuzz_corpus_gen >/dev/null
if [ ! -d "$out/corpus/$name" ]; then
    "$out/bin/fuzz_corpus_gen" "$out/corpus"
    mkdir -p "$out/corpus/$name"
fi
mkdir -p "$out/findings"
cd "$out/findings"
exec "$out/bin/$target" -max_total_time="$seconds" -max_len=4096 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$out/corpus/$name"
