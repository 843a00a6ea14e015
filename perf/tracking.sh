#!/usr/bin/env bash
# What CLIENT TRACKING costs a GET (issue 20): the server's CPU-seconds per request under a redis-benchmark GET load,
# in three modes, alternating, read from /proc/<pid>/stat (utime + stime) around each run.
#
#   perf/tracking.sh [--rounds N] [--requests N] [--port-base P] [--no-build]
#
# Modes:
#   off   nobody tracks (the cost must be nothing: one null test per command);
#   idle  one other connection has tracking on and has read every benchmark key (the GETs pay nothing for it);
#   on    every benchmark connection sends CLIENT TRACKING on first (redis-benchmark --enable-tracking): each GET
#         remembers its key (RESP2 without REDIRECT: kept in the table, nothing sent).
# Each round runs the three modes at -P 1 and at -P 16, in an order rotated every round, against one FastNode started
# on 127.0.0.1 with busy-poll-us 0 (an idle loop's polling would add CPU that has nothing to do with tracking; stopped by
# PID on exit). 50 clients, a keyspace of 1000 keys filled first; pipelined runs send 4x the requests. Prints the median
# microseconds of server CPU per request per mode and the on/off and idle/off ratios. Default 5 rounds of 200000
# requests per run; every run is bounded by 120 s.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=5
requests=200000
port_base="${PERF_PORT_BASE:-7960}"
build=yes
parse_common_options "$@"

command -v redis-benchmark >/dev/null || { echo "redis-benchmark is needed (apt-get install redis-tools)" >&2; exit 1; }
port=$port_base
workdir=$(mktemp -d /tmp/fastnode-tracking.XXXXXX)
pid=""
drain_pid=""
cleanup() {
  [ -n "$drain_pid" ] && kill "$drain_pid" 2>/dev/null || true
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  exec 3>&- 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT

if [ "$build" = yes ]; then
  dotnet build src/FastNode.Server -c Release --nologo -v quiet >"$workdir/build.log" 2>&1 || { tail "$workdir/build.log" >&2; exit 1; }
fi
dotnet src/FastNode.Server/bin/Release/net10.0/FastNode.Server.dll --port "$port" --bind 127.0.0.1 --save "" --dir "$workdir" --busy-poll-us 0 \
  >"$workdir/server.log" 2>&1 &
pid=$!
wait_ready "$port" "$workdir/server.log" FastNode

clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }

# Fill the keyspace redis-benchmark's GET reads (key:000000000000 .. key:000000000999).
timeout 120 redis-benchmark -p "$port" -t set -n 20000 -r 1000 -c 20 -q >/dev/null

# The idle tracker: a connection of its own (fd 3, its replies drained in the background), on only for "idle".
exec 3<>"/dev/tcp/127.0.0.1/$port"
cat <&3 >/dev/null &
drain_pid=$!

# One run: prints µs of server CPU per request. Pipelined runs send 4x the requests: /proc counts CPU in 10 ms ticks.
run() { # mode pipeline
  local extra=() n=$requests
  [ "$2" -gt 1 ] && n=$((requests * 4))
  [ "$1" = on ] && extra=(--enable-tracking)
  if [ "$1" = idle ]; then
    printf 'CLIENT TRACKING on\r\n' >&3
    for i in $(seq 0 999); do printf 'GET key:%012d\r\n' "$i"; done >&3
  else
    printf 'CLIENT TRACKING off\r\n' >&3
  fi
  sleep 0.5
  local before after
  before=$(cpu_ticks)
  timeout 120 redis-benchmark -p "$port" -t get -n "$n" -r 1000 -c 50 -P "$2" -q "${extra[@]+"${extra[@]}"}" >/dev/null
  after=$(cpu_ticks)
  awk -v t=$((after - before)) -v hz="$clk" -v n="$n" 'BEGIN { printf "%.3f\n", t / hz / n * 1e6 }'
}

declare -A samples
modes=(off idle on)
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(dotnet --version) SDK; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq 1 "$rounds"); do
  for pipeline in 1 16; do
    for k in 0 1 2; do
      mode=${modes[$(( (round + k) % 3 ))]}
      value=$(run "$mode" "$pipeline")
      samples[$mode-$pipeline]="${samples[$mode-$pipeline]:-} $value"
      echo "round $round -P $pipeline $mode: $value us CPU/request" >&2
    done
  done
done

printf '%-6s %-14s %-14s %-14s %-10s %-10s\n' "-P" "off us/req" "idle us/req" "on us/req" "idle/off" "on/off"
for pipeline in 1 16; do
  off=$(echo "${samples[off-$pipeline]}" | median)
  idle=$(echo "${samples[idle-$pipeline]}" | median)
  on=$(echo "${samples[on-$pipeline]}" | median)
  awk -v p="$pipeline" -v a="$off" -v b="$idle" -v c="$on" \
    'BEGIN { printf "%-6s %-14.3f %-14.3f %-14.3f %-10.3f %-10.3f\n", p, a, b, c, b / a, c / a }'
done
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)" >&2
