# bench/http/lib.sh - helpers shared by bench/http/run.sh and
# bench/http/instructions.sh (sourced, not run): paths, building the load
# tools, a free loopback port, starting and stopping a server by its PID,
# nginx's configuration.

HTTP_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HTTP_HERE/../.." && pwd)"
SHARED="${POSTERN_SHARED_BENCH:-$ROOT/../shared/bench}"
BUILD_DIR="${POSTERN_BUILD_DIR:-$ROOT/build}"
ECHO="${POSTERN_ECHO_SERVER:-$BUILD_DIR/bin/echo-server}"
# The shared bench's directory may be read-only: its loadgen is built from
# its source into our build directory.
LOADGEN="${POSTERN_LOADGEN:-$BUILD_DIR/shared-bench/loadgen}"
GO_SERVER="$BUILD_DIR/bin/jsonrpc-server"
GO_LOAD="$BUILD_DIR/bin/jsonrpc-load"

die() { echo "bench/http: $*" >&2; exit 2; }

# Builds what is missing: echo-server (cmake), loadgen (from the shared
# source), the two Go programs (standard library only, offline).
build_tools() {
  if [ ! -x "$ECHO" ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" >/dev/null && cmake --build "$BUILD_DIR" -j2 --target echo-server >&2 ||
      die "cannot build echo-server"
  fi
  if [ ! -x "$LOADGEN" ]; then
    [ -f "$SHARED/loadgen/loadgen.c" ] || die "no shared bench at $SHARED (set POSTERN_SHARED_BENCH)"
    mkdir -p "$(dirname "$LOADGEN")"
    gcc -O2 -g -Wall -Wextra -pthread -o "$LOADGEN" "$SHARED/loadgen/loadgen.c" || die "cannot build loadgen"
  fi
  local p
  for p in jsonrpc-server jsonrpc-load; do
    if [ ! -x "$BUILD_DIR/bin/$p" ] || [ "$HTTP_HERE/go/$p/main.go" -nt "$BUILD_DIR/bin/$p" ]; then
      command -v go >/dev/null || die "no go (apt-get install golang-go)"
      mkdir -p "$BUILD_DIR/bin"
      (cd "$HTTP_HERE/go/$p" && GO111MODULE=off GOPROXY=off GOFLAGS= \
        GOCACHE="${GOCACHE:-$BUILD_DIR/go-cache}" go build -o "$BUILD_DIR/bin/$p" .) || die "cannot build $p"
    fi
  done
}

# A port in 20000-32767 that nothing listens on.
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 12768))
    ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
  done
  die "no free port"
}

# nginx_conf DIR PORT WORKERS [single]: writes DIR/nginx.conf, answering
# every request with `return 200 "ok\n"` (what postern's /health answers),
# logs and temporary files under DIR. "single" runs one process without a
# master (for callgrind).
nginx_conf() {
  local dir=$1 port=$2 workers=$3 single=${4:-}
  cat >"$dir/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
master_process $([ "$single" = single ] && echo off || echo on);
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 65536; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    keepalive_requests 1000000000;
    keepalive_timeout 75s;
    default_type text/plain;
    server {
        listen 127.0.0.1:$port;
        location / { return 200 "ok\n"; }
    }
}
CONF
}

# start_server LOG CMD...: starts CMD ({port} already replaced) in the
# background, sets SPID; waits until PORT accepts (10 s).
start_server() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  SPID=$!
  STARTED+=("$SPID")
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench/http: server did not start: $*" >&2
  cat "$log" >&2
  stop_server "$SPID"
  return 1
}

# stop_server PID: TERM, then KILL after 3 s; by PID only.
stop_server() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 30); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

STARTED=()
stop_all() {
  local p
  for p in "${STARTED[@]}"; do stop_server "$p"; done
}

# cpu_ticks PID: user+system clock ticks of PID and its direct children
# (nginx's workers).
cpu_ticks() {
  local t=0 p v
  for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
    v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
    t=$((t + ${v:-0}))
  done
  echo "$t"
}

# rss_kb PID: resident memory of PID and its direct children.
rss_kb() {
  local t=0 p v
  for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
    v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || continue
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
