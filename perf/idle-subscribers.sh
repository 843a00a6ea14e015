#!/usr/bin/env bash
# Memory per idle subscriber connection, FastNode beside redis-server on this machine (issue 16 §5).
#
#   perf/idle-subscribers.sh [--rounds N] [--subscribers N] [--port-base P] [--no-build]
#
# Each round starts a fresh FastNode and a fresh redis-server (the order swapped every round) and runs
# perf/tools/idle_conns.py --subscribe on each: --subscribers connections (default 2000) each SUBSCRIBE to one channel
# (chat:lobby) and then stay idle; the server's resident memory (VmRSS) before and with them, divided by the count, is
# the cost of one idle subscriber (socket buffers, the client's state, its subscription). Prints medians across rounds
# and the FastNode / Redis ratio. Servers start on 127.0.0.1 and are stopped by PID on exit; each measurement is bounded
# by 150 s.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=3
subscribers=2000
port_base="${PERF_PORT_BASE:-7950}"
build=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?--rounds needs a number}"; shift ;;
    --subscribers) subscribers="${2:?--subscribers needs a number}"; shift ;;
    --port-base) port_base="${2:?--port-base needs a port}"; shift ;;
    --no-build) build=no ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

require_tools redis-server
# The servers inherit the open-file limit: each needs one descriptor per subscriber.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((subscribers + 200)) ]; then
  ulimit -n $((subscribers + 200)) 2>/dev/null || { echo "open-file limit $(ulimit -n) is below $((subscribers + 200))" >&2; exit 1; }
fi

make_workdir idle-subscribers

if [ "$build" = yes ]; then
  echo "building FastNode (Release)..." >&2
  dotnet build src/FastNode.Server -c Release --nologo -v quiet >"$workdir/build.log" 2>&1 || { tail -20 "$workdir/build.log" >&2; exit 1; }
fi
cp -r src/FastNode.Server/bin/Release/net10.0 "$workdir/fastnode"
redis_extra=(--maxclients $((subscribers + 100)))

declare -A per_sub
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order="FastNode Redis"; else order="Redis FastNode"; fi
  for server in $order; do
    start_server "$server" "$workdir/$server-$round"
    # A few commands first, so the server's own start-up allocations are behind it.
    redis-cli -p "$port" publish chat:lobby warm-up >/dev/null
    line=$(timeout 170 python3 perf/tools/idle_conns.py --port "$port" --pid "$pid" --count "$subscribers" --subscribe chat:lobby --timeout 150)
    numsub=$(redis-cli -p "$port" pubsub numsub chat:lobby | tail -1)
    stop_server
    read -r opened before with _ <<<"$line"
    bytes=$(awk -v b="$before" -v w="$with" -v n="$opened" 'BEGIN { printf "%.0f", (w - b) * 1024 / n }')
    per_sub[$server]+="$bytes "
    echo "round $round $server: $opened subscribers, RSS $before -> $with KB, $bytes B per idle subscriber (NUMSUB after close: $numsub)" >&2
  done
done

f=$(median <<<"${per_sub[FastNode]}"); r=$(median <<<"${per_sub[Redis]}")
echo
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(dotnet --version), redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-40s %10s %10s %8s\n" "median of $rounds rounds, $subscribers subscribers" FastNode Redis ratio
printf "%-40s %10s %10s %8s\n" "RSS per idle subscriber (bytes)" "$f" "$r" "$(awk -v f="$f" -v r="$r" 'BEGIN { printf "%.2f", f / r }')"
