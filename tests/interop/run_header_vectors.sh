#!/bin/sh
# run_header_vectors.sh PYTHON py_header_vectors.py CPP_WRITER HEADER_VECTORS
# Python's and C++'s THeader writers put their frames in a fresh directory,
# then postern's header_vectors compares against both.
set -u
[ $# -eq 4 ] || { echo "usage: run_header_vectors.sh PYTHON py_header_vectors.py CPP_WRITER HEADER_VECTORS" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/postern-header-vectors.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
"$1" "$2" "$dir" || { echo "run_header_vectors: py_header_vectors.py failed" >&2; exit 1; }
"$3" "$dir" || { echo "run_header_vectors: the C++ writer failed" >&2; exit 1; }
"$4" "$dir" --cpp
