#!/usr/bin/env bash
# Hit ratio under eviction, FastNode beside redis-server (issue 18 "Hit ratio"; results in perf/README.md,
# "Hit ratio under eviction").
#
#   perf/hitratio.sh [--keys N] [--requests N] [--rounds N] [--policies "p1 p2 ..."] [--port-base P] [--no-build]
#
# perf/ZipfReplay replays a cache-aside workload (GET a Zipf(0.99) key; on a miss SET it with EX) with a fixed seed.
# maxmemory is the same on both servers: 10 % of the full dataset as redis-server counts it (measured by SETting
# 100,000 keys into an unlimited redis-server, scaled to --keys). For each policy and round, a fresh FastNode and a
# fresh redis-server (order swapped every round) get that maxmemory, the policy and maxmemory-samples 5; the replay
# warms the cache with --requests GETs, then measures --requests more. Prints, per policy: the hit ratio, requests/s
# and p99 of the pipelined round trips (4 connections, 16 GETs per batch), medians across rounds, and the
# FastNode / Redis ratios. Everything shares the machine's cores: on 2 shared cores expect throughput spreads of
# 20 % or more (the hit ratio does not depend on speed).
# Servers start on 127.0.0.1 and are stopped by PID on exit; each replay is bounded by its request count and 600 s.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

keys=1000000
requests=1000000
rounds=1
policies="allkeys-lru allkeys-lfu allkeys-random volatile-lru volatile-lfu volatile-random volatile-ttl"
port_base="${PERF_PORT_BASE:-7950}"
build=yes
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --policies) policies="${2:?--policies needs a list}"; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
parse_common_options "${args[@]+"${args[@]}"}"

require_tools redis-server

make_workdir hitratio

build_fastnode "$workdir"
if [ "$build" = yes ]; then
  dotnet build perf/ZipfReplay -c Release --nologo -v quiet >>"$workdir/build.log" 2>&1 || { tail -20 "$workdir/build.log" >&2; exit 1; }
fi
replay=(dotnet perf/ZipfReplay/bin/Release/net10.0/ZipfReplay.dll)
[ -f perf/ZipfReplay/bin/Release/net10.0/ZipfReplay.dll ] || { echo "ZipfReplay is missing (run without --no-build)" >&2; exit 1; }

info() { redis-cli -p "$port" info "$1" | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'; }

# maxmemory: 10 % of the full dataset, as redis-server counts it.
start_server redis "$workdir/size"
before=$(info memory used_memory)
"${replay[@]}" --port "$port" --fill 100000 >/dev/null
after=$(info memory used_memory)
stop_server
per_key=$(( (after - before) / 100000 ))
maxmemory=$(( before + per_key * keys / 10 ))
echo "redis-server: $per_key B per key; maxmemory $maxmemory ($keys keys, 10 % of the dataset plus Redis's empty used_memory)"

declare -A hit ops p99 held
for policy in $policies; do
  for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) = 1 ]; then order="fastnode redis"; else order="redis fastnode"; fi
    for server in $order; do
      start_server "$server" "$workdir/$server-$policy-$round" --maxmemory "$maxmemory" --maxmemory-policy "$policy" --maxmemory-samples 5
      line=$(timeout 700 "${replay[@]}" --port "$port" --keys "$keys" --warmup "$requests" --requests "$requests")
      keys_held=$(redis-cli -p "$port" dbsize | tr -d '\r')
      evicted=$(info stats evicted_keys)
      stop_server
      echo "$policy round $round $server: $line keys_held=$keys_held evicted=$evicted"
      hit[$server-$policy]+="$(sed -E 's/.*hit_ratio=([0-9.]+).*/\1/' <<<"$line") "
      ops[$server-$policy]+="$(sed -E 's/.*ops_per_sec=([0-9]+).*/\1/' <<<"$line") "
      p99[$server-$policy]+="$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$line") "
      held[$server-$policy]+="$keys_held "
    done
  done
done

echo
printf '%-16s %10s %10s %8s %12s %12s %8s %10s %10s %10s %10s\n' policy "hit FN" "hit Redis" "hit x" "req/s FN" "req/s Redis" "req/s x" "p99 FN" "p99 Redis" "keys FN" "keys Redis"
for policy in $policies; do
  hf=$(median <<<"${hit[fastnode-$policy]}"); hr=$(median <<<"${hit[redis-$policy]}")
  of=$(median <<<"${ops[fastnode-$policy]}"); or=$(median <<<"${ops[redis-$policy]}")
  pf=$(median <<<"${p99[fastnode-$policy]}"); pr=$(median <<<"${p99[redis-$policy]}")
  kf=$(median <<<"${held[fastnode-$policy]}"); kr=$(median <<<"${held[redis-$policy]}")
  printf '%-16s %10s %10s %8.3f %12s %12s %8.2f %8s us %7s us %10s %10s\n' "$policy" "$hf" "$hr" "$(echo "$hf / $hr" | bc -l)" \
    "$of" "$or" "$(echo "$of / $or" | bc -l)" "$pf" "$pr" "$kf" "$kr"
done
