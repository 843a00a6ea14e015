#!/usr/bin/env bash
# The cost of majority-acknowledged locks (issue 15 section 6, perf/README.md "Locks").
#
#   perf/locks.sh [--rounds N] [--requests N] [--port-base P]
#
# 1. Latency: a FastNode primary with one FastNode replica; one connection acquires a fresh lock and releases it,
#    --requests/50 times per mode (tools/lock_latency.py), with lock-replication majority and then async, alternating
#    per round. Prints p50 and p99 of LOCK.ACQUIRE and LOCK.RELEASE (us, medians over the rounds), and of SET + WAIT 1
#    (the WAIT's time: one replication round trip as WAIT measures it) for reference.
# 2. Throughput: a FastNode primary alone in async mode (the default majority with no replica behaves the same):
#    LOCK.ACQUIRE on random keys against INCR, redis-benchmark -c 50, unpipelined and -P 16, --requests each after an
#    unmeasured warm-up, alternating per round. Prints requests per second and the ratio to INCR.
# Every process is killed by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=3
requests=200000
port_base="${PERF_PORT_BASE:-7960}"
parse_common_options "$@"

workdir=$(mktemp -d /tmp/fastnode-locks.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$workdir"; }
trap cleanup EXIT INT TERM

build_fastnode "$workdir"

start() { # port dir [primary-port]
  local port="$1" dir="$2" primary="${3:-}" extra=""
  mkdir -p "$dir"
  [ -z "$primary" ] || extra="--replicaof 127.0.0.1 $primary"
  # shellcheck disable=SC2086
  dotnet "$workdir/fastnode/FastNode.Server.dll" --port "$port" --dir "$dir" --save "" $extra >"$dir/log" 2>&1 &
  pids+=($!)
  wait_ready "$port" "$dir/log" FastNode
}
stop_all() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }
rps() { # port pipeline args...: requests per second of one redis-benchmark run
  local port="$1" pipeline="$2"; shift 2
  timeout 300 redis-benchmark -p "$port" -c 50 -P "$pipeline" -n "$requests" -r 10000000 --csv "$@" 2>/dev/null \
    | awk -F'","' 'NR == 2 { print $2 + 0 }'
}

declare -A lat tput
iterations=$((requests / 50))
port=$port_base
for round in $(seq 1 "$rounds"); do
  port=$((port + 2))
  start "$port" "$workdir/r$round-p"
  start $((port + 1)) "$workdir/r$round-r" "$port"
  for _ in $(seq 1 300); do
    timeout 2 redis-cli -p "$port" info replication | grep -q 'state=online' && break; sleep 0.1
  done
  python3 perf/tools/lock_latency.py "$port" "$iterations" warm >/dev/null   # JIT warm-up, both modes
  for mode in majority async; do
    redis-cli -p "$port" config set lock-replication "$mode" >/dev/null
    read -r a50 a99 r50 r99 w50 w99 < <(python3 perf/tools/lock_latency.py "$port" "$iterations" "$mode$round")
    lat["$mode a50"]+="$a50 "; lat["$mode a99"]+="$a99 "; lat["$mode r50"]+="$r50 "; lat["$mode r99"]+="$r99 "
    lat["w50"]+="$w50 "; lat["w99"]+="$w99 "
    echo "round $round: $mode: acquire p50 $a50 p99 $a99, release p50 $r50 p99 $r99, SET+WAIT 1: p50 $w50 p99 $w99 (us)" >&2
  done
  stop_all

  start "$port" "$workdir/r$round-t"
  redis-cli -p "$port" config set lock-replication async >/dev/null
  rps "$port" 1 -t incr >/dev/null; rps "$port" 1 LOCK.ACQUIRE 'w:__rand_int__' owner 10000 >/dev/null   # warm-up
  for pipeline in 1 16; do
    i=$(rps "$port" "$pipeline" -t incr)
    l=$(rps "$port" "$pipeline" LOCK.ACQUIRE "lk$round$pipeline:__rand_int__" owner 10000)
    tput["incr $pipeline"]+="$i "; tput["lock $pipeline"]+="$l "
    echo "round $round: -P $pipeline: INCR $i rps, LOCK.ACQUIRE $l rps" >&2
  done
  stop_all
done

echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $rounds rounds (medians)"
echo "latency, primary + 1 replica, one connection, $iterations acquire+release pairs per mode (us):"
printf '%-9s %10s %10s %10s %10s\n' mode "acq p50" "acq p99" "rel p50" "rel p99"
for mode in majority async; do
  printf '%-9s %10s %10s %10s %10s\n' "$mode" "$(median <<<"${lat[$mode a50]}")" "$(median <<<"${lat[$mode a99]}")" \
    "$(median <<<"${lat[$mode r50]}")" "$(median <<<"${lat[$mode r99]}")"
done
printf '%-9s %10s %10s   (WAIT 1 after a SET, for reference)
' WAIT "$(median <<<"${lat[w50]}")" "$(median <<<"${lat[w99]}")"
echo "throughput, primary alone, lock-replication async, -c 50, $requests requests (rps):"
printf '%-9s %12s %14s %8s\n' pipeline INCR LOCK.ACQUIRE ratio
for pipeline in 1 16; do
  i=$(median <<<"${tput[incr $pipeline]}"); l=$(median <<<"${tput[lock $pipeline]}")
  printf '%-9s %12s %14s %8s\n' "-P $pipeline" "$i" "$l" "$(awk -v i="$i" -v l="$l" 'BEGIN { printf "%.2f", l / i }')"
done
