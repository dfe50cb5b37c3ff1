#!/bin/bash
# run_pair.sh: run one interop pair, a server and a client, and return the
# client's exit status.
#
#   run_pair.sh [options] -- SERVER_CMD... -- CLIENT_CMD...
#
# In both commands `{port}` becomes a free TCP port on 127.0.0.1 and
# `{socket}` a fresh Unix socket path (use --unix to wait on the socket
# instead of the port). The server is started in its own session, waited for
# until it accepts connections (bounded), the client runs under a timeout,
# and the server is always stopped afterwards (TERM, then KILL), also when
# this script is interrupted.
#
# Options:
#   --unix                 the server listens on {socket}, not {port}
#   --abstract             ... on {socket} as a Linux abstract socket name
#   --start-timeout S      how long the server may take to accept (10)
#   --client-timeout S     how long the client may run (120)
#   --stop-timeout S       how long the server may take to stop on SIGTERM (10)
#   --server-exit-clean    fail unless the server exits 0 on SIGTERM (a
#                          graceful stop; under sanitizers, also no leaks)
#
# Exit status: the client's; 124 if it timed out; 90 when the server did not
# start; 91 when the server crashed or did not stop cleanly
# (--server-exit-clean) although the client passed.
set -u

PY=/usr/bin/python3
unix=0
start_timeout=10
client_timeout=120
stop_timeout=10
exit_clean=0

usage() {
    echo "usage: run_pair.sh [--unix|--abstract] [--start-timeout S] [--client-timeout S]" \
         "[--stop-timeout S] [--server-exit-clean] -- SERVER... -- CLIENT..." >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --unix) unix=1; shift ;;
        --abstract) unix=2; shift ;;
        --start-timeout) [ $# -ge 2 ] || usage; start_timeout=$2; shift 2 ;;
        --client-timeout) [ $# -ge 2 ] || usage; client_timeout=$2; shift 2 ;;
        --stop-timeout) [ $# -ge 2 ] || usage; stop_timeout=$2; shift 2 ;;
        --server-exit-clean) exit_clean=1; shift ;;
        --) shift; break ;;
        *) echo "run_pair.sh: unknown option '$1'" >&2; usage ;;
    esac
done

server_tpl=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do server_tpl+=("$1"); shift; done
[ $# -gt 0 ] || usage
shift
client_tpl=("$@")
[ ${#server_tpl[@]} -gt 0 ] && [ ${#client_tpl[@]} -gt 0 ] || usage

tmp=$(mktemp -d "${TMPDIR:-/tmp}/postern-pair.XXXXXX") || exit 1
server_pid=""

# is_alive PID: running and not a zombie waiting to be reaped.
is_alive() {
    local state
    state=$(sed -e 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

stop_server() {
    # TERM goes to the server process alone: a graceful stop. (Not to its
    # process group: under sanitizers the exit-time leak checker runs a
    # helper process in that group, and a stray signal hangs it.) Whatever
    # is left after stop_timeout is killed, group and all.
    [ -n "$server_pid" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null
    local i
    for i in $(seq 1 $((stop_timeout * 20))); do
        is_alive "$server_pid" || break
        sleep 0.05
    done
    if is_alive "$server_pid"; then
        echo "run_pair: server did not stop within ${stop_timeout} s of SIGTERM; killing it" >&2
        kill -KILL -- "-$server_pid" 2>/dev/null || kill -KILL "$server_pid" 2>/dev/null
    fi
    wait "$server_pid" 2>/dev/null
    server_status=$?
    server_pid=""
}

# A watchdog bounds the server's life even if this script is killed
# outright (SIGKILL leaves no chance to clean up). It runs in its own
# session so that stopping it also stops its sleep.
watchdog_pid=""
start_watchdog() {
    setsid bash -c 'sleep "$1"; kill -KILL -- "-$2"' watchdog \
        $((start_timeout + client_timeout + stop_timeout + 30)) "$server_pid" \
        >/dev/null 2>&1 </dev/null &
    watchdog_pid=$!
}
stop_watchdog() {
    [ -n "$watchdog_pid" ] && kill -- "-$watchdog_pid" 2>/dev/null
    watchdog_pid=""
}

cleanup() {
    stop_server
    stop_watchdog
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

free_port() {
    # Ask the kernel for a free port; a race with another process grabbing
    # it is possible, so server start is retried on "address in use".
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

substitute() {
    # substitute PORT SOCKET ARGS... -> the array `out`
    local port=$1 sock=$2 a
    shift 2
    out=()
    for a in "$@"; do
        a=${a//\{port\}/$port}
        a=${a//\{socket\}/$sock}
        out+=("$a")
    done
}

# wait_ready ADDRESS: 0 once ADDRESS accepts, 1 if the server exited, 2 on timeout.
wait_ready() {
    "$PY" - "$1" "$start_timeout" "$server_pid" <<'EOF'
import os, socket, sys, time
addr, timeout, pid = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(1)
    # A zombie still answers kill 0; it has exited all the same.
    try:
        with open("/proc/%d/stat" % pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                sys.exit(1)
    except OSError:
        sys.exit(1)
    if addr.startswith("/") or addr.startswith("@"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # "@name": an abstract name, a NUL byte first on the wire
        target = "\0" + addr[1:] if addr.startswith("@") else addr
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = ("127.0.0.1", int(addr))
    s.settimeout(1.0)
    try:
        s.connect(target)
        s.close()
        sys.exit(0)
    except OSError:
        s.close()
        time.sleep(0.05)
sys.exit(2)
EOF
}

show_server_log() {
    echo "---- server output (last 40 lines) ----" >&2
    tail -n 40 "$tmp/server.log" >&2
    echo "---- end of server output ----" >&2
}

started=0
for attempt in 1 2 3; do
    port=$(free_port) || { echo "run_pair: cannot find a free port" >&2; exit 90; }
    sock="$tmp/server.sock"
    rm -f "$sock"
    substitute "$port" "$sock" "${server_tpl[@]}"
    server=("${out[@]}")
    substitute "$port" "$sock" "${client_tpl[@]}"
    client=("${out[@]}")

    echo "run_pair: server: ${server[*]}"
    # setsid: the server gets its own session and process group (its pid is
    # the group id), so everything it starts can be killed together. setsid
    # does not fork here: a background job of a script is no group leader.
    setsid "${server[@]}" >"$tmp/server.log" 2>&1 </dev/null &
    server_pid=$!
    start_watchdog
    if [ $unix = 1 ]; then addr=$sock; elif [ $unix = 2 ]; then addr="@$sock"; else addr=$port; fi
    wait_ready "$addr"
    ready=$?
    if [ $ready = 0 ]; then
        started=1
        break
    fi
    if [ $ready = 2 ]; then
        echo "run_pair: server did not accept connections within ${start_timeout} s" >&2
        show_server_log
        exit 90
    fi
    wait "$server_pid" 2>/dev/null
    echo "run_pair: server exited before accepting connections (status $?)" >&2
    server_pid=""
    stop_watchdog
    if ! grep -qi "in use" "$tmp/server.log"; then
        show_server_log
        exit 90
    fi
    echo "run_pair: port $port was taken, retrying on another" >&2
done
[ $started = 1 ] || { show_server_log; exit 90; }

echo "run_pair: client: ${client[*]}"
timeout -k 5 "$client_timeout" "${client[@]}" </dev/null
client_status=$?
if [ $client_status = 124 ]; then
    echo "run_pair: client timed out after ${client_timeout} s" >&2
fi

# Did the server survive the whole client run?
server_alive=1
is_alive "$server_pid" || server_alive=0
server_status=0
stop_server
status=$client_status
if [ $server_alive = 0 ]; then
    echo "run_pair: the server died during the client run (status $server_status)" >&2
    [ $status = 0 ] && status=91
elif [ $exit_clean = 1 ] && [ $server_status != 0 ]; then
    echo "run_pair: the server did not exit cleanly on SIGTERM (status $server_status)" >&2
    [ $status = 0 ] && status=91
fi
if [ $status != 0 ]; then
    show_server_log
fi
echo "run_pair: exit status $status"
exit $status
