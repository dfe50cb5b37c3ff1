#!/bin/bash
# prometheus_scrape.sh PORT: a real Prometheus server (Debian's) scrapes
# postern's /metrics on 127.0.0.1:PORT; passes when Prometheus reports the
# target up and has stored postern's series. Prometheus runs as this
# script's child on a free loopback port, with its data in a temporary
# directory, and is stopped by its PID.
set -u
port=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/postern-prom.XXXXXX")
prom_pid=""
cleanup() {
    [ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
web=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$tmp/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: postern
    static_configs:
      - targets: ["127.0.0.1:$port"]
CONF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
    --web.listen-address="127.0.0.1:$web" >"$tmp/prometheus.log" 2>&1 &
prom_pid=$!
# some traffic, so that per-method series have values
curl -s -o /dev/null -d '{"thing":"scraped"}' "http://127.0.0.1:$port/ThriftTest/testString"

query() {
    curl -s --max-time 2 --get "http://127.0.0.1:$web/api/v1/query" --data-urlencode "query=$1"
}
for _ in $(seq 1 150); do
    up=$(query 'up{job="postern"}')
    calls=$(query 'postern_calls_total{method="testString",outcome="ok"}')
    if [[ "$up" == *'"value":['*',"1"]'* ]] && [[ "$calls" == *'"value":['*',"1"]'* ]]; then
        echo "prometheus: target up, postern_calls_total stored"
        exit 0
    fi
    sleep 0.2
done
echo "FAIL: Prometheus did not report the postern target up with its series" >&2
echo "up: $up" >&2
echo "calls: $calls" >&2
query 'scrape_samples_scraped' >&2
tail -20 "$tmp/prometheus.log" >&2
curl -s "http://127.0.0.1:$web/api/v1/targets" >&2
exit 1
