#!/bin/bash
# run_many.sh N CMD...: run N copies of CMD at once (each its own
# connection to the server under test) and exit with the bitwise OR of
# their exit statuses, so a failure in any copy fails the test.
set -u
[ $# -ge 2 ] || { echo "usage: run_many.sh N CMD..." >&2; exit 2; }
n=$1
shift
case "$n" in ''|*[!0-9]*) echo "run_many.sh: N must be a number, got '$n'" >&2; exit 2 ;; esac
pids=()
for i in $(seq 1 "$n"); do
    "$@" >"${TMPDIR:-/tmp}/run_many.$$.$i.out" 2>&1 &
    pids+=($!)
done
status=0
i=0
for pid in "${pids[@]}"; do
    i=$((i + 1))
    wait "$pid"
    rc=$?
    status=$((status | rc))
    if [ $rc != 0 ]; then
        echo "---- copy $i exited with $rc ----"
        cat "${TMPDIR:-/tmp}/run_many.$$.$i.out"
    else
        tail -n 1 "${TMPDIR:-/tmp}/run_many.$$.$i.out"
    fi
    rm -f "${TMPDIR:-/tmp}/run_many.$$.$i.out"
done
echo "run_many: $n copies, combined status $status"
exit $status
