#!/bin/sh
# refresh.sh [POSTERN]: regenerate tests/golden/expected/ from
# tests/golden/*.thrift after an intended change to the generated code.
# POSTERN defaults to build/bin/postern (build it first). Review the diff
# (git diff tests/golden/expected) before committing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
postern=${1:-$here/../../build/bin/postern}
for idl in "$here"/*.thrift; do
    sh "$here/golden.sh" update "$postern" "$idl" "$here/expected" "${TMPDIR:-/tmp}/postern-golden.$$"
done
rm -rf "${TMPDIR:-/tmp}/postern-golden.$$"
