#!/usr/bin/env bash
# The cost of a replica, FastNode beside redis-server (issue 13, perf/README.md). Both servers share the 2 cores with
# the client, so throughput alone would mostly measure who got the cores: the measure is CPU time per request of the
# primary plus its replica (utime + stime from /proc), alone and with one replica, and its ratio.
#
#   perf/replication.sh [--rounds N] [--requests N] [--port-base P]
#
# Per round, in alternation: FastNode alone, FastNode + FastNode replica, Redis alone, Redis + Redis replica, each
# on fresh processes, SET -P 16 -c 50 after an unmeasured warm-up of half as many requests. With a replica it also samples the replica's lag (master_repl_offset minus
# the replica's acknowledged offset, INFO replication) every 50 ms during the run and after it, the time the replica
# takes to catch up. Prints medians. Every process is killed by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=5
requests=500000
port_base="${PERF_PORT_BASE:-7900}"
parse_common_options "$@"

workdir=$(mktemp -d /tmp/fastnode-repl.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$workdir"; }
trap cleanup EXIT INT TERM

dotnet build src/FastNode.Server -c Release --nologo -v quiet >"$workdir/build.log" 2>&1 || { tail -20 "$workdir/build.log" >&2; exit 1; }
cp -r src/FastNode.Server/bin/Release/net10.0 "$workdir/fastnode"

start() { # server port dir [primary-port]
  local server="$1" port="$2" dir="$3" primary="${4:-}" extra=""
  mkdir -p "$dir"
  [ -z "$primary" ] || extra="--replicaof 127.0.0.1 $primary"
  if [ "$server" = FastNode ]; then
    # shellcheck disable=SC2086
    dotnet "$workdir/fastnode/FastNode.Server.dll" --port "$port" --dir "$dir" --save "" $extra >"$dir/log" 2>&1 &
  else
    # shellcheck disable=SC2086
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no $extra >"$dir/log" 2>&1 &
  fi
  pids+=($!)
  wait_ready "$port" "$dir/log" "$server"
}
ticks() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }; s=${s##*) }; awk '{ print $12 + $13 }' <<<"$s"; }
field() { timeout 5 redis-cli -p "$1" info replication | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'; }
replica_offset() { timeout 5 redis-cli -p "$1" info replication | tr -d '\r' | awk -F'[=,]' '/^slave0:/ { for (i = 1; i < NF; i++) if ($i == "offset") print $(i + 1) }'; }

declare -A cpu lag catchup
hz=$(getconf CLK_TCK)
port=$port_base
for round in $(seq 1 "$rounds"); do
  for server in FastNode Redis; do
    for mode in alone replica; do
      port=$((port + 2)); pids=()
      start "$server" "$port" "$workdir/$server-$mode-$round-p"
      if [ "$mode" = replica ]; then
        start "$server" $((port + 1)) "$workdir/$server-$mode-$round-r" "$port"
        for _ in $(seq 1 300); do [ "$(field $((port + 1)) master_link_status)" = up ] && break; sleep 0.1; done
      fi
      # Warm-up (the JIT tiers the hot paths of both processes; not measured), then the replica catches up.
      timeout 300 redis-benchmark -p "$port" -t set -P 16 -c 50 -n $((requests / 2)) -r 100000 -q >/dev/null 2>&1 || true
      if [ "$mode" = replica ]; then
        for _ in $(seq 1 600); do [ "$(field "$port" master_repl_offset)" = "$(replica_offset "$port")" ] && break; sleep 0.01; done
      fi
      sleep 1
      before=0; for p in "${pids[@]}"; do before=$((before + $(ticks "$p"))); done
      : >"$workdir/lag"
      if [ "$mode" = replica ]; then
        ( while [ -f "$workdir/running" ]; do
            m=$(field "$port" master_repl_offset); r=$(replica_offset "$port")
            [ -n "$m" ] && [ -n "$r" ] && echo $((m - r)) >>"$workdir/lag"
            sleep 0.05
          done ) & sampler=$!
      fi
      touch "$workdir/running"
      timeout 300 redis-benchmark -p "$port" -t set -P 16 -c 50 -n "$requests" -r 100000 -q >/dev/null 2>&1 || true
      rm -f "$workdir/running"
      if [ "$mode" = replica ]; then
        wait "$sampler" 2>/dev/null || true
        t0=$(date +%s%N)
        for _ in $(seq 1 600); do
          [ "$(field "$port" master_repl_offset)" = "$(replica_offset "$port")" ] && break; sleep 0.01
        done
        catchup["$server"]+="$(( ($(date +%s%N) - t0) / 1000000 )) "
        lag["$server"]+="$(sort -n "$workdir/lag" | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : 0 }') "
      fi
      after=0; for p in "${pids[@]}"; do after=$((after + $(ticks "$p"))); done
      us=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
      cpu["$server $mode"]+="$us "
      echo "round $round: $server $mode: $us CPU-us per SET (primary + replica)" >&2
      for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    done
  done
done

echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $rounds rounds, $requests SET -P 16 each (medians)"
printf '%-9s %12s %14s %16s %14s %12s\n' server "alone us/op" "w/replica us/op" "alone/replica" "lag bytes" "catch-up ms"
for server in FastNode Redis; do
  a=$(median <<<"${cpu[$server alone]}"); r=$(median <<<"${cpu[$server replica]}")
  printf '%-9s %12s %14s %16s %14s %12s\n' "$server" "$a" "$r" "$(awk -v a="$a" -v r="$r" 'BEGIN { printf "%.2f", a / r }')" \
    "$(median <<<"${lag[$server]}")" "$(median <<<"${catchup[$server]}")"
done
