#!/usr/bin/env bash
# Write throughput with persistence on, FastNode beside redis-server on this machine (issue 13, perf/README.md).
#
#   perf/persistence.sh [--rounds N] [--requests N] [--port-base P]
#
# Cases, each on a fresh server in a fresh directory, in alternation (every case once per round):
#   SET -P 16 -c 50 with no AOF, appendfsync everysec and appendfsync always, for FastNode and for Redis.
# Prints req/s medians across rounds and the ratios the issue asks for:
#   FastNode everysec / FastNode without AOF (target >= 0.9), FastNode everysec / Redis everysec (>= 1.2),
#   FastNode always / Redis always (>= 1.0).
# Servers are started on 127.0.0.1 and stopped by PID on exit; every benchmark has a request count and a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=3
requests=1000000
port_base="${PERF_PORT_BASE:-7800}"
parse_common_options "$@"

require_tools redis-server redis-benchmark

make_workdir persist

echo "building FastNode (Release)..." >&2
dotnet build src/FastNode.Server -c Release --nologo -v quiet >"$workdir/build.log" 2>&1 || { tail -20 "$workdir/build.log" >&2; exit 1; }
cp -r src/FastNode.Server/bin/Release/net10.0 "$workdir/fastnode"

port=$port_base
start() { # server fsync(none|everysec|always) dir
  local server="$1" fsync="$2" dir="$3" aof=yes
  mkdir -p "$dir"
  [ "$fsync" != none ] || { aof=no; fsync=everysec; }
  if [ "$server" = FastNode ]; then
    dotnet "$workdir/fastnode/FastNode.Server.dll" --port "$port" --dir "$dir" --appendonly "$aof" --appendfsync "$fsync" >"$dir/log" 2>&1 &
  else
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly "$aof" --appendfsync "$fsync" >"$dir/log" 2>&1 &
  fi
  pid=$!
  wait_ready "$port" "$dir/log" "$server"
}
stop() { kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }

declare -A results
cases=("FastNode none" "FastNode everysec" "FastNode always" "Redis none" "Redis everysec" "Redis always")
for round in $(seq 1 "$rounds"); do
  for c in "${cases[@]}"; do
    read -r server fsync <<<"$c"
    port=$((port_base + (port - port_base + 1) % 40))
    start "$server" "$fsync" "$workdir/$server-$fsync-$round"
    timeout 300 redis-benchmark -p "$port" -t set -P 16 -c 50 -n $((requests / 10)) -r 100000 -q >/dev/null 2>&1 || true
    rps=$(timeout 300 redis-benchmark -p "$port" -t set -P 16 -c 50 -n "$requests" -r 100000 -q 2>/dev/null \
      | tr '\r' '\n' | awk '/requests per second/ { v = $2 } END { print v + 0 }')
    stop
    results["$c"]+="$rps "
    echo "round $round: $c SET -P 16: $rps req/s" >&2
  done
done

declare -A m
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, .NET $(dotnet --version), $(redis-server --version | awk '{print $3}'), $rounds rounds, $requests requests"
printf '%-20s %12s\n' case "SET -P16 req/s (median)"
for c in "${cases[@]}"; do
  m["$c"]=$(median <<<"${results[$c]}")
  printf '%-20s %12s   (%s)\n' "$c" "${m[$c]}" "${results[$c]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), a / b }'; }
echo "FastNode everysec / FastNode no AOF: $(ratio "${m[FastNode everysec]}" "${m[FastNode none]}") (target >= 0.90)"
echo "FastNode everysec / Redis everysec:  $(ratio "${m[FastNode everysec]}" "${m[Redis everysec]}") (target >= 1.20)"
echo "FastNode always / Redis always:      $(ratio "${m[FastNode always]}" "${m[Redis always]}") (target >= 1.00)"
