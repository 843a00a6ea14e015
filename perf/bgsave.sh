#!/usr/bin/env bash
# BGSAVE of a large dataset, FastNode beside redis-server (issue 13, perf/README.md): how long the save takes, and
# GET p99 while saves run back to back, divided by the GET p99 of the same server idle.
#
#   perf/bgsave.sh [--keys N] [--rounds N] [--port-base P]
#
# Each round and server: a fresh server (--save ""), N keys of 16-byte values loaded with redis-cli --pipe, GET
# -c 50 idle, then the same GET run while BGSAVE is issued again as soon as the previous one ends. Medians over rounds.
# Servers are stopped by PID on exit; every benchmark has a request count and a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

keys=1000000
rounds=3
port_base="${PERF_PORT_BASE:-7850}"
parse_common_options "$@"

make_workdir bgsave

build_fastnode "$workdir"
awk -v n="$keys" 'BEGIN { for (i = 0; i < n; i++) { k = "key:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$16\r\n0123456789abcdef\r\n", length(k), k } }' >"$workdir/load.resp"

get_p99() { # requests
  timeout 300 redis-benchmark -p "$port" -t get -c 50 -n "$1" -r "$keys" --csv 2>/dev/null \
    | awk -F'"' '/^"GET"/ { print $14 }'
}
bgsave_in_progress() { timeout 5 redis-cli -p "$port" info persistence | tr -d '\r' | awk -F: '/^rdb_bgsave_in_progress/ { print $2 }'; }

declare -A idle busy save_ms
for round in $(seq 1 "$rounds"); do
  for server in FastNode Redis; do
    start_server "$server" "$workdir/$server-$round"
    timeout 300 redis-cli -p "$port" --pipe <"$workdir/load.resp" >/dev/null
    loaded=$(timeout 5 redis-cli -p "$port" dbsize)
    # One timed save on its own.
    t0=$(date +%s%N)
    timeout 5 redis-cli -p "$port" bgsave >/dev/null
    while [ "$(bgsave_in_progress)" = 1 ]; do sleep 0.01; done
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    idle_p99=$(get_p99 300000)
    # Saves back to back while the same GET load runs.
    ( while kill -0 $$ 2>/dev/null && [ -f "$workdir/saving" ]; do
        timeout 5 redis-cli -p "$port" bgsave >/dev/null 2>&1 || true
        while [ "$(bgsave_in_progress)" = 1 ]; do sleep 0.01; done
      done ) & saver=$!
    touch "$workdir/saving"
    busy_p99=$(get_p99 300000)
    rm -f "$workdir/saving"; wait "$saver" 2>/dev/null || true
    stop_server
    idle[$server]+="$idle_p99 "; busy[$server]+="$busy_p99 "; save_ms[$server]+="$ms "
    echo "round $round $server: $loaded keys, BGSAVE $ms ms, GET p99 idle $idle_p99 ms, during saves $busy_p99 ms" >&2
  done
done

echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $keys keys, $rounds rounds (medians)"
printf '%-9s %10s %14s %16s %8s\n' server "BGSAVE ms" "GET p99 idle" "GET p99 saving" ratio
for server in FastNode Redis; do
  i=$(median <<<"${idle[$server]}"); b=$(median <<<"${busy[$server]}"); s=$(median <<<"${save_ms[$server]}")
  printf '%-9s %10s %14s %16s %8s\n' "$server" "$s" "$i" "$b" "$(awk -v a="$b" -v c="$i" 'BEGIN { printf "%.2f", a / c }')"
done
