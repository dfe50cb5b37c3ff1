#!/usr/bin/env bash
# bench/codec/instr.sh - user-space instructions per operation, postern's
# codec against Apache Thrift C++ 0.17, counted by valgrind's callgrind: a
# measure that other work on the machine does not move (wall-clock ns/op on
# a shared machine moves by +-30% or more; perf's hardware counters are not
# available everywhere).
#
#   bench/codec/instr.sh [--iters N] [--msg NAME] [--proto NAME] [--cpp PATH] [--postern PATH]
#
# For each row, each program runs twice with a fixed operation count (N and
# 2N, --iters); the difference of the two totals divided by N is the cost of
# one operation, with start-up, calibration-free setup and the checks
# cancelled out. The C++ side is codec_cpp_json (build/bench-peers, built by
# run.sh), which runs the same generated code and protocol classes as the
# shared codec_cpp (TBinaryProtocolT/TCompactProtocolT<TMemoryBuffer>,
# TJSONProtocol, THeaderProtocol) but can run a fixed count. Prints Markdown.
#   --iters N     operations in the shorter run (default 2000; doubles: N/100)
#   --msg NAME    only this message;  --proto NAME  only this protocol
# Needs valgrind. Takes a few minutes.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CPP="${CODEC_CPP_JSON:-$ROOT/build/bench-peers/codec_cpp_json}"
POSTERN="${CODEC_BENCH:-$ROOT/build/bin/codec-bench}"
ITERS=2000 ONLY_MSG="" ONLY_PROTO=""

die() { echo "codec/instr.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --iters) ITERS=${2:-}; shift 2 ;;
    --msg) ONLY_MSG=${2:-}; shift 2 ;;
    --proto) ONLY_PROTO=${2:-}; shift 2 ;;
    --cpp) CPP=${2:-}; shift 2 ;;
    --postern) POSTERN=${2:-}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ $ITERS =~ ^[0-9]+$ ]] && [ "$ITERS" -ge 100 ] || die "--iters must be a number >= 100"
command -v valgrind >/dev/null || die "needs valgrind"
[ -x "$CPP" ] || die "no $CPP (bench/codec/run.sh builds it)"
[ -x "$POSTERN" ] || die "no $POSTERN (cmake --build build --target codec-bench)"

TMPD=$(mktemp -d -t postern-instr.XXXXXX)
trap 'rm -rf "$TMPD"' EXIT

# total user instructions of one run (callgrind's "Collected" line)
count() {
  valgrind --tool=callgrind --callgrind-out-file="$TMPD/cg.out" "$@" >/dev/null 2>"$TMPD/cg.err" ||
    { cat "$TMPD/cg.err" >&2; die "$* failed"; }
  sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$TMPD/cg.err"
}

# instructions per operation: (count(2N) - count(N)) / N
per_op() { # program-kind msg proto op n
  local kind=$1 msg=$2 proto=$3 op=$4 n=$5 a b
  if [ "$kind" = cpp ]; then
    a=$(count "$CPP" --msg "$msg" --proto "$proto" --op "$op" --iters "$n")
    b=$(count "$CPP" --msg "$msg" --proto "$proto" --op "$op" --iters $((2 * n)))
  else
    a=$(count "$POSTERN" --vectors "" --msg "$msg" --proto "$proto" --op "$op" --iters "$n")
    b=$(count "$POSTERN" --vectors "" --msg "$msg" --proto "$proto" --op "$op" --iters $((2 * n)))
  fi
  echo $(((b - a) / n))
}

echo "# instructions per operation (callgrind), $(date -u +%Y-%m-%dT%H:%M:%SZ), iters=$ITERS/$((2 * ITERS))"
echo
echo "| message | protocol | op | thrift C++ instr/op | postern instr/op | ratio |"
echo "|---|---|---|---:|---:|---:|"
for msg in xtruct insanity oneofeach doubles; do
  [ -n "$ONLY_MSG" ] && [ "$msg" != "$ONLY_MSG" ] && continue
  n=$ITERS
  [ "$msg" = doubles ] && n=$((ITERS / 100))
  for proto in binary compact json header; do
    [ -n "$ONLY_PROTO" ] && [ "$proto" != "$ONLY_PROTO" ] && continue
    m=$n
    # Thrift C++'s JSON is ~100x binary's cost: fewer operations suffice
    [ "$proto" = json ] && m=$(((n + 9) / 10))
    for op in encode decode; do
      c=$(per_op cpp "$msg" "$proto" "$op" "$m")
      p=$(per_op postern "$msg" "$proto" "$op" "$m")
      awk -v m="$msg" -v pr="$proto" -v o="$op" -v c="$c" -v p="$p" \
        'BEGIN { printf "| %s | %s | %s | %d | %d | %.2fx |\n", m, pr, o, c, p, (p > 0 ? c / p : 0) }'
    done
  done
done
