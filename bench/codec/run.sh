#!/usr/bin/env bash
# bench/codec/run.sh - postern's codec against Apache Thrift C++ 0.17
# (generated code, TBinaryProtocolT/TCompactProtocolT over TMemoryBuffer):
# the four messages of bench.thrift, binary, compact, JSON and header, encode
# and decode. Binary and compact come from the shared peer codec_cpp; JSON and
# header from this directory's codec_cpp_json.cpp (TJSONProtocol, and a whole
# message through THeaderProtocol with binary inside; the shared peer has
# neither), built into build/bench-peers with the same flags.
#
#   bench/codec/run.sh [--runs N] [--target-ms MS] [--cpp PATH] [--cpp-json PATH]
#                      [--postern PATH] [--out FILE]
#
# Runs codec_cpp, codec_cpp_json (--proto json, then --proto header) and
# codec-bench alternately N times (default 5): cpp cpp-json cpp-header postern
# cpp cpp-json cpp-header postern ... The first C++ runs dump
# their encodings into a temporary directory and the first postern run checks
# its own bytes (and its decoding of the C++ bytes) against them. Prints Markdown: per row the medians in ns
# per operation and the speed-up (C++ time / postern time), the spread, and
# the byte check. Exit status 1 if a byte check fails.
#   --runs N        runs per program (default 5)
#   --target-ms MS  time per row inside each run (default 300)
#   --cpp PATH      codec_cpp (default $CODEC_CPP or
#                   ../shared/bench/build/codec_cpp, or $POSTERN_SHARED_BENCH; built with that
#                   directory's build.sh into build/bench-peers if missing)
#   --cpp-json PATH codec_cpp_json (default $CODEC_CPP_JSON or
#                   build/bench-peers/codec_cpp_json, built if missing or
#                   older than its source: needs thrift and libthrift-dev,
#                   whose libthriftz has THeader)
#   --postern PATH  codec-bench (default build/bin/codec-bench, built if missing)
#   --out FILE      append every raw row, prefixed with run=K, to FILE
#   --svg FILE      the speed-up chart (default bench/codec/speedup.svg, which
#                   bench/README.md shows)
# Takes about N x 50 s.
#
# A new protocol's rows need: postern's codec-bench to run it (its msgs
# loop), a C++ peer printing lib=cpp ... proto=NAME lines (a branch in
# codec_cpp_json.cpp's main run as its own entry in PROGS below, as
# cpp-header is), and NAME in the awk's protocol list (PROTOS).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SHARED_BENCH="${POSTERN_SHARED_BENCH:-$ROOT/../shared/bench}"
CPP="${CODEC_CPP:-$SHARED_BENCH/build/codec_cpp}"
POSTERN="${CODEC_BENCH:-$ROOT/build/bin/codec-bench}"
CPP_JSON_DEFAULT="$ROOT/build/bench-peers/codec_cpp_json"
CPP_JSON="${CODEC_CPP_JSON:-$CPP_JSON_DEFAULT}"
RUNS=5 TARGET_MS=300 OUT="" SVG="$HERE/speedup.svg"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }
die() { echo "codec/run.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=${2:-}; shift 2 ;;
    --target-ms) TARGET_MS=${2:-}; shift 2 ;;
    --cpp) CPP=${2:-}; shift 2 ;;
    --cpp-json) CPP_JSON=${2:-}; shift 2 ;;
    --postern) POSTERN=${2:-}; shift 2 ;;
    --out) OUT=${2:-}; shift 2 ;;
    --svg) SVG=${2:-}; shift 2 ;;
    -h|--help) usage 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 100 ] || die "--runs must be 1..100"
[[ $TARGET_MS =~ ^[0-9]+$ ]] && [ "$TARGET_MS" -ge 1 ] && [ "$TARGET_MS" -le 10000 ] || die "--target-ms must be 1..10000"

TMPD=$(mktemp -d -t postern-codec.XXXXXX)
trap 'rm -rf "$TMPD"' EXIT

if [ ! -x "$CPP" ]; then
  # build the peer into our own build tree, not into the shared one
  [ -x "$SHARED_BENCH/build.sh" ] || die "no $CPP and no $SHARED_BENCH/build.sh to build it"
  PEERS="$ROOT/build/bench-peers"
  echo "codec/run.sh: building codec_cpp into $PEERS" >&2
  if ! BUILD_DIR="$PEERS" "$SHARED_BENCH/build.sh" >"$TMPD/build.log" 2>&1; then
    tail -n 40 "$TMPD/build.log" >&2
    die "$SHARED_BENCH/build.sh failed"
  fi
  CPP="$PEERS/codec_cpp"
  [ -x "$CPP" ] || die "build.sh did not produce $CPP"
fi
# our own peer is rebuilt when its source is newer (an older one lacks rows)
if [ ! -x "$CPP_JSON" ] ||
   { [ "$CPP_JSON" = "$CPP_JSON_DEFAULT" ] && [ "$HERE/codec_cpp_json.cpp" -nt "$CPP_JSON" ]; }; then
  # as the shared build.sh builds codec_cpp: generated code, -O2, pkg-config thrift
  PEERS="$ROOT/build/bench-peers"
  echo "codec/run.sh: building codec_cpp_json into $PEERS" >&2
  mkdir -p "$PEERS/gen-codec-cpp"
  { thrift --gen cpp -out "$PEERS/gen-codec-cpp" "$HERE/bench.thrift" &&
    read -r -a THRIFT_CPP_FLAGS <<<"$(pkg-config --cflags --libs thrift-z thrift)" &&
    "${CXX:-g++}" -O2 -g -std=c++17 -Wall -Wextra -I"$PEERS/gen-codec-cpp" \
      -o "$PEERS/codec_cpp_json" "$HERE/codec_cpp_json.cpp" \
      "$PEERS/gen-codec-cpp/bench_types.cpp" "${THRIFT_CPP_FLAGS[@]}"; } >"$TMPD/build.log" 2>&1 ||
    { tail -n 40 "$TMPD/build.log" >&2; die "building codec_cpp_json failed (thrift and libthrift-dev installed?)"; }
  CPP_JSON="$PEERS/codec_cpp_json"
fi
if [ ! -x "$POSTERN" ]; then
  echo "codec/run.sh: building codec-bench" >&2
  { cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
    cmake --build "$ROOT/build" -j2 --target codec-bench; } >"$TMPD/build.log" 2>&1 ||
    { tail -n 40 "$TMPD/build.log" >&2; die "building codec-bench failed"; }
  POSTERN="$ROOT/build/bin/codec-bench"
fi

VEC="$TMPD/vectors"
mkdir -p "$VEC"
RAW="$TMPD/raw"
: >"$RAW"
# each program runs up to 32 rows of ~TARGET_MS plus calibration; allow 4x that
LIMIT=$(((TARGET_MS * 32 * 4) / 1000 + 60))
PROGS="cpp cpp-json cpp-header postern"
for ((r = 1; r <= RUNS; r++)); do
  for prog in $PROGS; do
    if [ "$prog" = cpp ]; then
      cmd=("$CPP" --target-ms "$TARGET_MS")
      [ "$r" = 1 ] && cmd+=(--dump "$VEC")
    elif [ "$prog" = cpp-json ] || [ "$prog" = cpp-header ]; then
      cmd=("$CPP_JSON" --target-ms "$TARGET_MS" --proto "${prog#cpp-}")
      [ "$r" = 1 ] && cmd+=(--dump "$VEC")
    else
      cmd=("$POSTERN" --target-ms "$TARGET_MS" --vectors "")
      [ "$r" = 1 ] && cmd=("$POSTERN" --target-ms "$TARGET_MS" --vectors "$VEC")
    fi
    rc=0
    timeout -k 5 "$LIMIT" "${cmd[@]}" >"$TMPD/out" 2>"$TMPD/err" || rc=$?
    # codec-bench exits 1 when a byte check fails: keep its rows, report below
    if [ "$rc" != 0 ] && ! { [ "$prog" = postern ] && [ "$rc" = 1 ]; }; then
      cat "$TMPD/err" >&2
      die "${cmd[0]} failed (status $rc) in run $r"
    fi
    sed "s/^/run=$r /" "$TMPD/out" >>"$RAW"
    echo "codec/run.sh: run $r/$RUNS $prog done" >&2
  done
done
[ -n "$OUT" ] && cat "$RAW" >>"$OUT"
python3 "$ROOT/bench/svg_chart.py" codec "$RAW" "$SVG" \
  --title "postern codec speed-up over Thrift C++ 0.17, $(date -u +%Y-%m-%d), $(nproc) CPUs" &&
  echo "codec/run.sh: chart in $SVG" >&2

echo "# postern codec vs Apache Thrift C++, $(date -u +%Y-%m-%dT%H:%M:%SZ), host=$(hostname) cpus=$(nproc) runs=$RUNS target_ms=$TARGET_MS"
echo
awk '
  function kv(k,   i, n) { for (i = 1; i <= NF; i++) { n = index($i, "="); if (substr($i, 1, n - 1) == k) return substr($i, n + 1) } return "" }
  function median(key,   n, i, j, t, a) {
    n = cnt[key]; for (i = 1; i <= n; i++) a[i] = val[key, i]
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    lo[key] = a[1]; hi[key] = a[n]
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.1f", x) }
  $2 ~ /^lib=/ && $3 == "check" { chk[++nc] = $0; next }
  $2 ~ /^lib=/ {
    key = kv("lib") SUBSEP kv("msg") SUBSEP kv("proto") SUBSEP kv("op")
    val[key, ++cnt[key]] = kv("ns_op") + 0
    bytes[kv("lib"), kv("msg"), kv("proto")] = kv("bytes")
    if (!(kv("msg") in seenm)) { seenm[kv("msg")] = 1; msgs[++nm] = kv("msg") }
  }
  END {
    # PROTOS: the protocols in table order; one without rows is left out
    np = split("binary compact json header", protos, " "); split("encode decode", ops, " ")
    for (p = 1; p <= np; p++) for (k in cnt) { split(k, f, SUBSEP); if (f[3] == protos[p]) { has[p] = 1; break } }
    print "| message | protocol | op | bytes | thrift C++ ns/op | postern ns/op | speed-up |"
    print "|---|---|---|---:|---:|---:|---:|"
    worst = 0
    for (m = 1; m <= nm; m++) for (p = 1; p <= np; p++) for (o = 1; o <= 2; o++) {
      if (!(p in has)) continue
      kc = "cpp" SUBSEP msgs[m] SUBSEP protos[p] SUBSEP ops[o]
      kp = "postern" SUBSEP msgs[m] SUBSEP protos[p] SUBSEP ops[o]
      c = (kc in cnt) ? median(kc) : -1; q = (kp in cnt) ? median(kp) : -1
      ratio = (c > 0 && q > 0) ? c / q : -1
      if (ratio > 0 && (worst == 0 || ratio < worst)) { worst = ratio; wrow = msgs[m] " " protos[p] " " ops[o] }
      printf "| %s | %s | %s | %s | %s | %s | %s |\n", msgs[m], protos[p], ops[o],
        bytes["postern", msgs[m], protos[p]], (c > 0 ? fmt(c) : "-"), (q > 0 ? fmt(q) : "-"),
        (ratio > 0 ? sprintf("%.2fx", ratio) : "-")
    }
    print ""
    if (worst > 0) printf "ns per operation, median of the runs; speed-up = C++ / postern (lowest: %.2fx, %s).\n", worst, wrow
    print ""
    print "Spread over the runs (min-max ns/op):"
    print ""
    print "| message | protocol | op | thrift C++ | postern |"
    print "|---|---|---|---:|---:|"
    for (m = 1; m <= nm; m++) for (p = 1; p <= np; p++) for (o = 1; o <= 2; o++) {
      if (!(p in has)) continue
      kc = "cpp" SUBSEP msgs[m] SUBSEP protos[p] SUBSEP ops[o]
      kp = "postern" SUBSEP msgs[m] SUBSEP protos[p] SUBSEP ops[o]
      printf "| %s | %s | %s | %s | %s |\n", msgs[m], protos[p], ops[o],
        (kc in lo) ? fmt(lo[kc]) "-" fmt(hi[kc]) : "-", (kp in lo) ? fmt(lo[kp]) "-" fmt(hi[kp]) : "-"
    }
    print ""
    print "postern against the C++ encodings:"
    print ""
    print "| message | protocol | same bytes | same size | postern decodes the C++ bytes to the value |"
    print "|---|---|---|---|---|"
    bad = 0
    for (i = 1; i <= nc; i++) {
      $0 = chk[i]
      printf "| %s | %s | %s | %s | %s |\n", kv("msg"), kv("proto"), kv("same_bytes"), kv("same_size"), kv("decodes_to_value")
      if (kv("same_bytes") != "yes" || kv("decodes_to_value") != "yes") bad = 1
    }
    if (nc == 0) { print "| - | - | no check lines | | |"; bad = 1 }
    exit bad
  }' "$RAW"
