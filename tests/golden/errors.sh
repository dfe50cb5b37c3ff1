#!/bin/sh
# errors.sh POSTERN IDL_DIR WORK_DIR
#
# Every tests/idl/bad/*.thrift must fail: the exit status named by a
# "# exit: N" line (default 1), and stderr must contain each "# expect: TEXT"
# line's TEXT. The compiler runs from IDL_DIR with the path bad/NAME.thrift,
# so expected messages spell positions as bad/NAME.thrift:LINE:COL.
# Then the command line itself: usage errors exit 2.
set -u
postern=$1
idl_dir=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# run EXPECTED_STATUS ARGS...: output in $work/err, $work/out
run() {
    want=$1
    shift
    (cd "$idl_dir" && "$postern" "$@") >"$work/out" 2>"$work/err"
    got=$?
    if [ "$got" != "$want" ]; then
        fail "postern $* exited $got, expected $want"
        sed 's/^/    /' "$work/err"
        return 1
    fi
    return 0
}

expect_in() { # FILE TEXT
    if ! grep -qF -- "$2" "$1"; then
        fail "missing '$2' in output of the last command:"
        sed 's/^/    /' "$1"
    fi
}

for f in "$idl_dir"/bad/*.thrift; do
    name=bad/$(basename "$f")
    status=$(sed -n 's/^# exit: *//p' "$f" | head -n 1)
    run "${status:-1}" gen -q -o "$work/out-gen" "$name" || continue
    sed -n 's/^# expect: //p' "$f" >"$work/expects"
    if [ ! -s "$work/expects" ]; then
        fail "$name has no '# expect:' line"
        continue
    fi
    while IFS= read -r text; do
        expect_in "$work/err" "$text"
    done <"$work/expects"
    # nothing half-written
    if ls "$work/out-gen" 2>/dev/null | grep -q .; then
        fail "$name failed but left files in the output directory"
    fi
done

# ---- the command line ----
run 2 && expect_in "$work/err" "usage: postern gen"
run 2 frobnicate && expect_in "$work/err" "unknown command 'frobnicate'"
run 2 --bogus && expect_in "$work/err" "unknown option '--bogus'"
run 2 gen && expect_in "$work/err" "gen needs an IDL file"
run 2 gen -o && expect_in "$work/err" "option '-o' needs a directory"
run 2 gen -I && expect_in "$work/err" "option '-I' needs a directory"
run 2 gen --frob x.thrift && expect_in "$work/err" "unknown option '--frob'"
run 2 gen basetypes.thrift enums.thrift && expect_in "$work/err" "gen takes one IDL file"
run 0 --help && expect_in "$work/out" "usage: postern gen [-o DIR] [-I DIR]..."
run 0 gen --help && expect_in "$work/out" "-I, --include DIR"
run 0 --version && expect_in "$work/out" "postern "
run 1 gen -o "$work/x" does-not-exist.thrift && expect_in "$work/err" "cannot open 'does-not-exist.thrift'"
: >"$work/a-file"
run 1 gen -o "$work/a-file/sub" enums.thrift && expect_in "$work/err" "cannot create directory"
# the long and joined spellings of the options
run 0 gen --out="$work/o1" --include=search -q includes.thrift
run 0 gen -o"$work/o2" -Isearch -q includes.thrift
[ -f "$work/o2/includes.h" ] && [ -f "$work/o2/includes.c" ] || fail "gen -oDIR wrote nothing"
run 0 gen -q -o "$work/o3" -- enums.thrift
[ -f "$work/o3/enums.h" ] || fail "gen -- FILE wrote nothing"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all error cases behave"
