#!/usr/bin/env bash
# SET throughput and p99 while evicting, FastNode beside redis-server (issue 18 "Throughput under eviction" and
# "Latency"; results in perf/README.md).
#
#   perf/eviction.sh [--requests N] [--rounds N] [--port-base P] [--no-build]
#
# Three configurations per round, their order rotated every round, each on a fresh server: FastNode without
# maxmemory, FastNode with maxmemory 32mb allkeys-lru, redis-server with the same. Each gets a warm-up of --requests
# SETs of 100-byte values over 10M random keys (redis-benchmark -c 50 -P 16), which fills 32 MB many times over, so
# the measured run that follows (--requests more) evicts about one key per SET. Prints requests/s and p99 (ms) per
# configuration, medians across rounds, and the ratios the issue names: FastNode evicting / FastNode without
# maxmemory (target >= 0.9) and FastNode evicting / Redis evicting (target >= 1.2).
# Servers start on 127.0.0.1 and are stopped by PID on exit; every run is bounded by its request count.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

requests=1000000
rounds=3
port_base="${PERF_PORT_BASE:-7940}"
build=yes
parse_common_options "$@"
require_tools redis-benchmark

make_workdir eviction
build_fastnode "$workdir"

# One redis-benchmark SET run; prints "rps p99_ms" from its CSV line.
bench() {
  redis-benchmark -p "$port" -t set -r 10000000 -d 100 -c 50 -P 16 -n "$requests" --csv 2>/dev/null |
    awk -F'","' '/^"SET/ { gsub(/"/, "", $2); gsub(/"/, "", $7); print $2, $7 }'
}

configs=("fastnode-plain" "fastnode-lru" "redis-lru")
declare -A rps p99 evicted
for round in $(seq 1 "$rounds"); do
  for i in 0 1 2; do
    config=${configs[$(( (i + round) % 3 ))]}
    server=${config%%-*}
    if [ "$config" = fastnode-plain ]; then extra=(); else extra=(--maxmemory 32mb --maxmemory-policy allkeys-lru); fi
    start_server "$server" "$workdir/$config-$round" "${extra[@]+"${extra[@]}"}"
    bench >/dev/null
    before=$(redis-cli -p "$port" info stats | tr -d '\r' | awk -F: '$1 == "evicted_keys" { print $2 }')
    read -r r p <<<"$(bench)"
    after=$(redis-cli -p "$port" info stats | tr -d '\r' | awk -F: '$1 == "evicted_keys" { print $2 }')
    stop_server
    echo "round $round $config: $r SET/s, p99 $p ms, $((after - before)) keys evicted during the measured run" >&2
    rps[$config]+="$r "; p99[$config]+="$p "; evicted[$config]+="$((after - before)) "
  done
done
printf '%-16s %12s %10s %14s\n' configuration "SET/s" "p99 ms" "evicted/run"
for config in "${configs[@]}"; do
  printf '%-16s %12s %10s %14s\n' "$config" "$(median <<<"${rps[$config]}")" "$(median <<<"${p99[$config]}")" "$(median <<<"${evicted[$config]}")"
done
lru=$(median <<<"${rps[fastnode-lru]}"); plain=$(median <<<"${rps[fastnode-plain]}"); redis=$(median <<<"${rps[redis-lru]}")
printf 'FastNode evicting / FastNode without maxmemory: %.2f (target >= 0.9)\n' "$(echo "$lru / $plain" | bc -l)"
printf 'FastNode evicting / Redis evicting: %.2f (target >= 1.2)\n' "$(echo "$lru / $redis" | bc -l)"
