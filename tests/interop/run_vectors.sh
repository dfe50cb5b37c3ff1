#!/bin/sh
# run_vectors.sh PYTHON py_vectors.py VECTORS_PROGRAM
# Has Apache Thrift's Python library write the reference encodings into a
# fresh directory, then lets postern's vectors program compare against them.
set -u
[ $# -eq 3 ] || { echo "usage: run_vectors.sh PYTHON py_vectors.py VECTORS_PROGRAM" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/postern-vectors.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
"$1" "$2" "$dir" || { echo "run_vectors: py_vectors.py failed" >&2; exit 1; }
"$3" "$dir"
