#!/usr/bin/env bash
# Cluster mode, FastNode beside redis-server on this machine (issue 14 section 6, perf/README.md "Cluster").
#
#   perf/cluster.sh [--rounds N] [--requests N] [--port-base P]
#
# Three measurements, in one run:
# 1. redis-benchmark --cluster (SET and GET, -P 16 -c 50) against 3 FastNode primaries and against 3 redis-server
#    primaries in cluster mode, both clusters built with redis-cli --cluster create and kept up for the whole run,
#    benchmarked in alternation (the order swapped each round). Medians of req/s and the FastNode / Redis ratio, and
#    the three servers' CPU per request (utime + stime from /proc/<pid>/stat).
# 2. The slot check's cost: one FastNode in cluster mode that owns every slot beside one standalone FastNode, SET and
#    GET -P 16 against each in alternation, CPU-seconds per request from /proc/<pid>/stat. One run's noise is larger
#    than the 3 % target, so take --rounds 5 at least; the medians' ratio is what to read.
# 3. Bus traffic per node per second from CLUSTER INFO's cluster_stats_messages_sent/received counters: the FastNode
#    and Redis clusters idle for 10 s, then with one primary killed (kill -9) for 20 s, measured on the survivors.
# Every benchmark has a request count and a timeout; servers run on 127.0.0.1 and are killed by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=5
requests=500000
port_base="${PERF_PORT_BASE:-7900}"
parse_common_options "$@"

command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null && command -v redis-cli >/dev/null || {
  echo "redis-server, redis-cli and redis-benchmark are needed (apt-get install redis-server redis-tools)" >&2; exit 1; }

workdir=$(mktemp -d /tmp/fastnode-cluster.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$workdir"; }
trap cleanup EXIT INT TERM

echo "building FastNode (Release)..." >&2
dotnet build src/FastNode.Server -c Release --nologo -v quiet >"$workdir/build.log" 2>&1 || { tail -20 "$workdir/build.log" >&2; exit 1; }
cp -r src/FastNode.Server/bin/Release/net10.0 "$workdir/fastnode"

declare -A PID
# start name server(FastNode|Redis) port [cluster(yes|no)]: a server in its own directory; PID[name] is its pid.
start() {
  local name="$1" server="$2" port="$3" cluster="${4:-yes}" dir="$workdir/$1"
  mkdir -p "$dir"
  if [ "$server" = FastNode ]; then
    dotnet "$workdir/fastnode/FastNode.Server.dll" --port "$port" --dir "$dir" --save "" \
      --cluster-enabled "$cluster" --cluster-node-timeout 5000 >"$dir/log" 2>&1 &
  else
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
      --cluster-enabled "$cluster" --cluster-node-timeout 5000 >"$dir/log" 2>&1 &
  fi
  PID[$name]=$!
  pids+=("$!")
  wait_ready "$port" "$dir/log" "$name"
}
create_cluster() { # port port port
  timeout 120 redis-cli --cluster create "127.0.0.1:$1" "127.0.0.1:$2" "127.0.0.1:$3" --cluster-yes >"$workdir/create-$1.log" 2>&1 \
    || { cat "$workdir/create-$1.log" >&2; exit 1; }
  for p in "$@"; do
    for _ in $(seq 1 300); do
      redis-cli -p "$p" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break
      sleep 0.1
    done
    redis-cli -p "$p" cluster info | grep -q 'cluster_state:ok' || { echo "cluster on $1 did not reach cluster_state:ok" >&2; exit 1; }
  done
}
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }
# rps output-of-redis-benchmark-q test: the req/s of one test (SET or GET)
rps() { tr '\r' '\n' <<<"$1" | awk -v t="$2:" '$1 == t { v = $2 } END { print v + 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.3f" : "n/a"), a / b }'; }
stat() { redis-cli -p "$1" cluster info | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2 }'; }

fn=("$port_base" $((port_base + 1)) $((port_base + 2)))
rd=($((port_base + 3)) $((port_base + 4)) $((port_base + 5)))
solo_cluster=$((port_base + 6))
solo_plain=$((port_base + 7))

echo "starting 3 FastNode and 3 redis-server primaries in cluster mode, and the two single FastNodes..." >&2
for i in 0 1 2; do start "fn$i" FastNode "${fn[$i]}"; start "rd$i" Redis "${rd[$i]}"; done
create_cluster "${fn[@]}"
create_cluster "${rd[@]}"
start solo-cluster FastNode "$solo_cluster"
redis-cli -p "$solo_cluster" cluster addslotsrange 0 16383 >/dev/null
start solo-plain FastNode "$solo_plain" no
for _ in $(seq 1 100); do redis-cli -p "$solo_cluster" cluster info | grep -q 'cluster_state:ok' && break; sleep 0.1; done

# ---- 1. redis-benchmark --cluster -------------------------------------------------------------------------------
declare -A rate cpu
bench_cluster() { # FastNode|Redis
  local server="$1" first names before after out
  if [ "$server" = FastNode ]; then first=${fn[0]}; names=(fn0 fn1 fn2); else first=${rd[0]}; names=(rd0 rd1 rd2); fi
  before=0; for n in "${names[@]}"; do before=$((before + $(cpu_ms "${PID[$n]}"))); done
  out=$(timeout 300 redis-benchmark --cluster -p "$first" -t set,get -P 16 -c 50 -n "$requests" -r 100000 -q 2>/dev/null || true)
  after=0; for n in "${names[@]}"; do after=$((after + $(cpu_ms "${PID[$n]}"))); done
  for t in SET GET; do
    rate["$server $t"]+="$(rps "$out" "$t") "
  done
  # Two tests of $requests each.
  cpu["$server"]+="$(awk -v ms=$((after - before)) -v n="$requests" 'BEGIN { printf "%.2f", ms * 1000 / (2 * n) }') "
  echo "round $round: $server cluster SET $(rps "$out" SET) GET $(rps "$out" GET) req/s, $((after - before)) ms CPU" >&2
}
# ---- 2. the slot check: CPU per request, cluster mode vs standalone ----------------------------------------------
declare -A cost
bench_solo() { # solo-cluster|solo-plain port
  local name="$1" port="$2" before after
  before=$(cpu_ms "${PID[$name]}")
  timeout 300 redis-benchmark -p "$port" -t set,get -P 16 -c 50 -n "$requests" -r 100000 -q >/dev/null 2>&1 || true
  after=$(cpu_ms "${PID[$name]}")
  cost["$name"]+="$(awk -v ms=$((after - before)) -v n="$requests" 'BEGIN { printf "%.4f", ms * 1000 / (2 * n) }') "
  echo "round $round: $name $((after - before)) ms CPU for $((2 * requests)) requests" >&2
}

paired=""
# Warm-up (JIT, connections) for everything measured.
round=0
for port in "${fn[0]}" "${rd[0]}"; do timeout 120 redis-benchmark --cluster -p "$port" -t set,get -P 16 -c 50 -n $((requests / 10)) -r 100000 -q >/dev/null 2>&1 || true; done
for port in "$solo_cluster" "$solo_plain"; do timeout 120 redis-benchmark -p "$port" -t set,get -P 16 -c 50 -n $((requests / 10)) -r 100000 -q >/dev/null 2>&1 || true; done

for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then
    bench_cluster FastNode; bench_cluster Redis; bench_solo solo-cluster "$solo_cluster"; bench_solo solo-plain "$solo_plain"
  else
    bench_cluster Redis; bench_cluster FastNode; bench_solo solo-plain "$solo_plain"; bench_solo solo-cluster "$solo_cluster"
  fi
  # The two runs of one round are back to back, so their ratio cancels load that drifts over minutes.
  paired+="$(ratio "$(awk '{ print $NF }' <<<"${cost[solo-cluster]}")" "$(awk '{ print $NF }' <<<"${cost[solo-plain]}")") "
done

# ---- 3. bus traffic per node per second ---------------------------------------------------------------------------
# messages sent + received per second by each node of the list, over $2 seconds.
traffic() { # seconds port...
  local seconds="$1"; shift
  local -a s0 r0
  local i=0 p out=""
  for p in "$@"; do s0[i]=$(stat "$p" cluster_stats_messages_sent); r0[i]=$(stat "$p" cluster_stats_messages_received); i=$((i + 1)); done
  sleep "$seconds"
  i=0
  for p in "$@"; do
    out+="$(awk -v s=$(( $(stat "$p" cluster_stats_messages_sent) - s0[i] )) -v r=$(( $(stat "$p" cluster_stats_messages_received) - r0[i] )) \
      -v t="$seconds" 'BEGIN { printf "%.1f/%.1f", s / t, r / t }') "
    i=$((i + 1))
  done
  echo "$out"
}
echo "measuring bus traffic (10 s idle, then 20 s with one primary killed)..." >&2
idle_fn=$(traffic 10 "${fn[@]}")
idle_rd=$(traffic 10 "${rd[@]}")
kill -9 "${PID[fn2]}" "${PID[rd2]}"
wait "${PID[fn2]}" "${PID[rd2]}" 2>/dev/null || true
down_fn=$(traffic 20 "${fn[0]}" "${fn[1]}")
down_rd=$(traffic 20 "${rd[0]}" "${rd[1]}")
state_fn=$(stat "${fn[0]}" cluster_state); state_rd=$(stat "${rd[0]}" cluster_state)

# ---- report -------------------------------------------------------------------------------------------------------
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, .NET $(dotnet --version), redis $(redis-server --version | awk '{print $3}'), $rounds rounds, $requests requests per test, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
echo "redis-benchmark --cluster -P 16 -c 50, 3 primaries (median req/s; each round's values in brackets)"
printf '%-5s %12s %12s %7s\n' test FastNode Redis ratio
for t in SET GET; do
  f=$(median <<<"${rate[FastNode $t]}"); r=$(median <<<"${rate[Redis $t]}")
  printf '%-5s %12s %12s %7s   (FastNode %s| Redis %s)\n' "$t" "$f" "$r" "$(ratio "$f" "$r")" "${rate[FastNode $t]}" "${rate[Redis $t]}"
done
echo "server CPU per request, all three primaries (us, median): FastNode $(median <<<"${cpu[FastNode]}"), Redis $(median <<<"${cpu[Redis]}")"
echo
c=$(median <<<"${cost[solo-cluster]}"); s=$(median <<<"${cost[solo-plain]}")
echo "slot check: CPU us per request (SET+GET -P 16), one FastNode owning every slot vs standalone (median of $rounds)"
echo "  cluster mode $c   standalone $s   ratio $(ratio "$c" "$s") (target <= 1.03)   (cluster ${cost[solo-cluster]}| standalone ${cost[solo-plain]})"
echo "  median of the per-round ratios $(median <<<"$paired")   (rounds: $paired)"
echo
echo "bus messages per node per second, sent/received (CLUSTER INFO counters)"
echo "  idle, 3 primaries:              FastNode $idle_fn  Redis $idle_rd"
echo "  one primary killed (20 s):      FastNode $down_fn  Redis $down_rd  (cluster_state then: FastNode $state_fn, Redis $state_rd)"
