#!/usr/bin/env bash
# Streams, FastNode beside redis-server on this machine (issue 16 §5; results in perf/README.md, "Streams and idle subscribers").
#
#   perf/streams.sh [--rounds N] [--entries N] [--group-entries N] [--port-base P] [--no-build]
#
# Each round starts a fresh FastNode and a fresh redis-server (the order swapped every round), warms each up with
# 300,000 XADDs and 100,000 group reads, and measures on each:
#   1. XADD at -P 16 (redis-benchmark -c 50 -P 16, --entries XADDs of 3 fields to one stream, "*" IDs): requests/s;
#   2. memory per entry of those --entries entries: INFO used_memory after MEMORY PURGE (FastNode: a full GC; Redis:
#      jemalloc purge), before and after, divided by the entry count (default 1,000,000 entries of 3 fields);
#   3. XREADGROUP + XACK: perf/StreamLoad's 8 consumers of one group read 10 entries at a time and acknowledge them
#      with their next read, over --group-entries entries (default 300,000): entries read and acknowledged per second.
# Prints medians across rounds and FastNode / Redis ratios (targets: XADD and XREADGROUP+XACK >= 1.0, memory <= 1.5).
# Both servers and the load share the machine's cores: on 2 shared cores expect spreads of 20 % or more.
# Servers start on 127.0.0.1 and are stopped by PID on exit; every run is bounded by its request count (the load tool
# also by 120 s).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=3
entries=1000000
group_entries=300000
port_base="${PERF_PORT_BASE:-7900}"
build=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?--rounds needs a number}"; shift ;;
    --entries) entries="${2:?--entries needs a number}"; shift ;;
    --group-entries) group_entries="${2:?--group-entries needs a number}"; shift ;;
    --port-base) port_base="${2:?--port-base needs a port}"; shift ;;
    --no-build) build=no ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

require_tools redis-server redis-benchmark

make_workdir streams

if [ "$build" = yes ]; then
  echo "building FastNode and the load tool (Release)..." >&2
  dotnet build src/FastNode.Server -c Release --nologo -v quiet >"$workdir/build.log" 2>&1 || { tail -20 "$workdir/build.log" >&2; exit 1; }
  dotnet build perf/StreamLoad -c Release --nologo -v quiet >>"$workdir/build.log" 2>&1 || { tail -20 "$workdir/build.log" >&2; exit 1; }
fi
cp -r src/FastNode.Server/bin/Release/net10.0 "$workdir/fastnode"
load="perf/StreamLoad/bin/Release/net10.0/StreamLoad.dll"
[ -f "$load" ] || { echo "$load is missing (run without --no-build)" >&2; exit 1; }

used_memory() {
  redis-cli -p "$port" memory purge >/dev/null
  redis-cli -p "$port" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p'
}

declare -A xadd mem group
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order="FastNode Redis"; else order="Redis FastNode"; fi
  for server in $order; do
    start_server "$server" "$workdir/$server-$round"
    # Warm-up (FastNode's JIT tiers up on the first few hundred thousand commands), then the measured runs.
    redis-benchmark -p "$port" -c 50 -P 16 -n 300000 -q xadd warm '*' user alice1234 room lobby text hello-world-42 >/dev/null 2>&1
    redis-cli -p "$port" xgroup create warm readers 0 >/dev/null
    dotnet "$load" --port "$port" --key warm --group readers --consumers 8 --count 10 --entries 100000 --seconds 60 >/dev/null || true
    redis-cli -p "$port" del warm >/dev/null
    before=$(used_memory)
    rps=$(redis-benchmark -p "$port" -c 50 -P 16 -n "$entries" -q \
      xadd s '*' user alice1234 room lobby text hello-world-42 2>/dev/null | tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -1)
    after=$(used_memory)
    len=$(redis-cli -p "$port" xlen s)
    [ "$len" = "$entries" ] || { echo "$server: XLEN $len after $entries XADDs" >&2; exit 1; }
    per_entry=$(awk -v a="$after" -v b="$before" -v n="$entries" 'BEGIN { printf "%.1f", (a - b) / n }')
    redis-cli -p "$port" del s >/dev/null
    redis-benchmark -p "$port" -c 50 -P 16 -n "$group_entries" -q xadd g '*' user alice1234 room lobby text hello-world-42 >/dev/null 2>&1
    redis-cli -p "$port" xgroup create g readers 0 >/dev/null
    out=$(dotnet "$load" --port "$port" --key g --group readers --consumers 8 --count 10 --entries "$group_entries" --seconds 120)
    acked=$(sed -n 's/.*rate=\([0-9]*\).*/\1/p' <<<"$out")
    stop_server
    xadd[$server]+="$rps "
    mem[$server]+="$per_entry "
    group[$server]+="$acked "
    echo "round $round $server: XADD -P 16 ${rps} req/s, ${per_entry} B/entry, XREADGROUP+XACK ${acked} entries/s" >&2
  done
done

report() { # name unit values-fastnode values-redis
  local f r
  f=$(median <<<"$3"); r=$(median <<<"$4")
  printf "%-34s %14s %14s %8s\n" "$1" "$f" "$r" "$(awk -v f="$f" -v r="$r" 'BEGIN { printf "%.2f", f / r }')"
}
echo
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(dotnet --version), redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-34s %14s %14s %8s\n" "median of $rounds rounds" FastNode Redis ratio
report "XADD -P 16 (req/s)" "" "${xadd[FastNode]}" "${xadd[Redis]}"
report "memory per entry (bytes)" "" "${mem[FastNode]}" "${mem[Redis]}"
report "XREADGROUP+XACK (entries/s)" "" "${group[FastNode]}" "${group[Redis]}"
