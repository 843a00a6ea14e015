#!/usr/bin/env bash
# GEOADD and GEOSEARCH, FastNode beside redis-server on this machine (issue 20; results in perf/README.md, "Geo").
#
#   perf/geo.sh [--rounds N] [--requests N] [--port-base P] [--no-build]
#
# Each round starts a fresh FastNode and a fresh redis-server (the order swapped every round), loads the same geo set
# of 20,000 members spread over 10 x 10 degrees (lon 10..20, lat 35..45) into both, warms each up, then measures with
# redis-benchmark -c 50, at P1 and at -P 16:
#   1. GEOADD geoadd 13.361389 38.115556 m:__rand_int__ (-r 100000: new members into one growing set, then updates);
#   2. GEOSEARCH geo FROMLONLAT 15 40 BYRADIUS 10 km ASC COUNT 10 (about 100 members scanned in the covering cells, the few in range replied).
# P1 runs --requests requests (default 100,000), -P 16 runs 5 times as many. Prints medians across rounds and the
# FastNode / Redis ratios (target >= 1.0). Both servers and redis-benchmark share the machine's cores.
# Servers start on 127.0.0.1 and are stopped by PID on exit; every run is bounded by its request count.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=3
requests=100000
port_base="${PERF_PORT_BASE:-7940}"
build=yes
parse_common_options "$@"

require_tools redis-server redis-benchmark

make_workdir geo

build_fastnode "$workdir"

# The same 20,000 points for both servers (a fixed-seed LCG, so every run loads the same set).
awk 'BEGIN { s = 12345; for (i = 0; i < 20000; i++) {
  s = (s * 1103515245 + 12345) % 2147483648; lon = 10 + 10 * s / 2147483648;
  s = (s * 1103515245 + 12345) % 2147483648; lat = 35 + 10 * s / 2147483648;
  printf "GEOADD geo %.6f %.6f p:%d\r\n", lon, lat, i } }' >"$workdir/load.txt"

bench() { # pipeline requests command...
  local pipeline="$1" n="$2"; shift 2
  redis-benchmark -p "$port" -c 50 -P "$pipeline" -n "$n" -r 100000 -q "$@" 2>/dev/null \
    | tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -1
}
geoadd=(GEOADD geoadd 13.361389 38.115556 m:__rand_int__)
geosearch=(GEOSEARCH geo FROMLONLAT 15 40 BYRADIUS 10 km ASC COUNT 10)

declare -A add1 add16 search1 search16
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order="FastNode Redis"; else order="Redis FastNode"; fi
  for server in $order; do
    start_server "$server" "$workdir/$server-$round"
    redis-cli -p "$port" --pipe <"$workdir/load.txt" >/dev/null
    count=$(redis-cli -p "$port" zcard geo)
    [ "$count" = 20000 ] || { echo "$server: ZCARD geo is $count after loading 20000 points" >&2; exit 1; }
    # Warm-up (FastNode's JIT tiers up on the first few hundred thousand commands).
    bench 16 100000 "${geoadd[@]}" >/dev/null
    bench 16 100000 "${geosearch[@]}" >/dev/null
    redis-cli -p "$port" del geoadd >/dev/null
    a1=$(bench 1 "$requests" "${geoadd[@]}")
    a16=$(bench 16 $((requests * 5)) "${geoadd[@]}")
    s1=$(bench 1 "$requests" "${geosearch[@]}")
    s16=$(bench 16 $((requests * 5)) "${geosearch[@]}")
    stop_server
    add1[$server]+="$a1 "; add16[$server]+="$a16 "; search1[$server]+="$s1 "; search16[$server]+="$s16 "
    echo "round $round $server: GEOADD P1 $a1, -P 16 $a16; GEOSEARCH P1 $s1, -P 16 $s16 req/s" >&2
  done
done

report() { # name values-fastnode values-redis
  local f r
  f=$(median <<<"$2"); r=$(median <<<"$3")
  printf "%-26s %12s %12s %8s\n" "$1" "$f" "$r" "$(awk -v f="$f" -v r="$r" 'BEGIN { printf "%.2f", f / r }')"
}
echo
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(dotnet --version), redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-26s %12s %12s %8s\n" "median of $rounds rounds" FastNode Redis ratio
report "GEOADD P1 (req/s)" "${add1[FastNode]}" "${add1[Redis]}"
report "GEOADD -P 16 (req/s)" "${add16[FastNode]}" "${add16[Redis]}"
report "GEOSEARCH P1 (req/s)" "${search1[FastNode]}" "${search1[Redis]}"
report "GEOSEARCH -P 16 (req/s)" "${search16[FastNode]}" "${search16[Redis]}"
