#!/usr/bin/env bash
# PUBLISH fan-out, FastNode beside redis-server on this machine (issue 16, perf/README.md "Pub/sub").
#
#   perf/pubsub.sh [--rounds N] [--messages N] [--port-base P] [--size BYTES] [--no-build] [--fastnode-args "..."]
#                  [--fanouts "1 100 1000"] [--paced-rate N]
#
# Cases, in alternation (every case once per round, FastNode and Redis back to back, the order swapped each round):
#   one publisher pipelining PUBLISH (16 deep) to one channel with 1, 100 and 1000 subscribers (--fanouts picks
#   which), each a raw socket.
# The load tool (perf/PubSubLoad) stamps every message with its send time and keeps the publisher at most 2000
# messages ahead of the slowest subscriber; it checks that every subscriber got every message.
# Each case runs twice: flat out (throughput: messages delivered per second, all subscribers together, and the
# server's CPU per delivery), then paced at 100,000 deliveries per second (--paced-rate), which both servers sustain
# (the p50 and p99 delivery latency at that load, from publish to receipt by the subscriber; flat out, latency only
# measures the tool's 2000-message window).
# Prints medians across rounds and FastNode / Redis ratios (target >= 1.2 on deliveries per second).
# --messages is the total deliveries per case (default 2,000,000: 2M messages to 1 subscriber, 20k to 100, 2k to
# 1000). --fastnode-args adds server flags (e.g. "--busy-poll-us 0"). Every run is bounded by its message count and
# by 60 s; servers start on 127.0.0.1 and are stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=3
deliveries=2000000
port_base="${PERF_PORT_BASE:-7860}"
size=64
build=yes
fastnode_args=""
paced_rate=100000
fanouts_arg="1 100 1000"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?--rounds needs a number}"; shift ;;
    --messages) deliveries="${2:?--messages needs a number}"; shift ;;
    --port-base) port_base="${2:?--port-base needs a port}"; shift ;;
    --size) size="${2:?--size needs a number}"; shift ;;
    --no-build) build=no ;;
    --fastnode-args) fastnode_args="${2?--fastnode-args needs a value}"; shift ;;
    --fanouts) fanouts_arg="${2:?--fanouts needs a list such as \"1 100 1000\"}"; shift ;;
    --paced-rate) paced_rate="${2:?--paced-rate needs deliveries per second}"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

require_tools redis-server redis-cli

make_workdir pubsub

if [ "$build" = yes ]; then
  echo "building FastNode and the load tool (Release)..." >&2
  dotnet build src/FastNode.Server -c Release --nologo -v quiet >"$workdir/build.log" 2>&1 || { tail -20 "$workdir/build.log" >&2; exit 1; }
  dotnet build perf/PubSubLoad -c Release --nologo -v quiet >>"$workdir/build.log" 2>&1 || { tail -20 "$workdir/build.log" >&2; exit 1; }
fi
cp -r src/FastNode.Server/bin/Release/net10.0 "$workdir/fastnode"
load="perf/PubSubLoad/bin/Release/net10.0/PubSubLoad.dll"
[ -f "$load" ] || { echo "$load is missing (run without --no-build)" >&2; exit 1; }
# shellcheck disable=SC2206 # --fastnode-args is a list of words
fastnode_extra=($fastnode_args)

cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<" $2"; }

declare -A rate p50 p99 cpu
read -r -a fanouts <<<"$fanouts_arg"
for round in $(seq 1 "$rounds"); do
  servers=(FastNode Redis)
  [ $((round % 2)) -eq 0 ] && servers=(Redis FastNode)
  for n in "${fanouts[@]}"; do
    for server in "${servers[@]}"; do
      start_server "$server" "$workdir/$server-$n-$round"
      messages=$((deliveries / n))
      # A short warm-up (JIT, socket buffers), then the measured runs.
      timeout 60 dotnet "$load" --port "$port" --subscribers "$n" --messages $((messages / 10 + 100)) --size "$size" --seconds 20 >/dev/null 2>&1 || true
      before=$(cpu_ms "$pid")
      line=$(timeout 90 dotnet "$load" --port "$port" --subscribers "$n" --messages "$messages" --size "$size" --seconds 60 2>&1 | tail -1) || true
      used=$(( $(cpu_ms "$pid") - before ))
      paced=$(timeout 90 dotnet "$load" --port "$port" --subscribers "$n" --messages $((paced_rate * 3 / n)) --rate $((paced_rate / n)) \
        --size "$size" --seconds 60 2>&1 | tail -1) || true
      stop_server
      grep -q 'complete=yes' <<<"$line" || echo "round $round: $server fan-out $n INCOMPLETE: $line" >&2
      grep -q 'complete=yes' <<<"$paced" || echo "round $round: $server fan-out $n paced run INCOMPLETE: $paced" >&2
      delivered=$(field delivered "$line")
      rate["$server $n"]+="$(field delivered_per_sec "$line") "
      cpu["$server $n"]+="$(awk -v ms="$used" -v d="${delivered:-0}" 'BEGIN { printf (d > 0 ? "%.2f" : "0"), ms * 1000 / d }') "
      p50["$server $n"]+="$(field p50_us "$paced") "
      p99["$server $n"]+="$(field p99_us "$paced") "
      echo "round $round: $server fan-out $n: $line server_cpu_ms=$used | paced: $paced" >&2
    done
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), a / b }'; }
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, .NET $(dotnet --version), redis $(redis-server --version | awk '{print $3}'), $rounds rounds, $deliveries deliveries per case, $size-byte messages${fastnode_args:+, FastNode $fastnode_args}"
printf '%-8s %14s %14s %6s %20s %34s\n' fan-out "FastNode msg/s" "Redis msg/s" ratio "CPU us/msg FN/Redis" "p50 / p99 us at $paced_rate/s FN | Redis"
for n in "${fanouts[@]}"; do
  fr=$(median <<<"${rate[FastNode $n]}"); rr=$(median <<<"${rate[Redis $n]}")
  fc=$(median <<<"${cpu[FastNode $n]}"); rc=$(median <<<"${cpu[Redis $n]}")
  fm=$(median <<<"${p50[FastNode $n]}"); rm=$(median <<<"${p50[Redis $n]}")
  fl=$(median <<<"${p99[FastNode $n]}"); rl=$(median <<<"${p99[Redis $n]}")
  printf '%-8s %14s %14s %6s %20s %34s   (msg/s FastNode %s| Redis %s; p99 FastNode %s| Redis %s)\n' "$n" "$fr" "$rr" "$(ratio "$fr" "$rr")" \
    "$fc / $rc" "$fm / $fl | $rm / $rl" "${rate[FastNode $n]}" "${rate[Redis $n]}" "${p99[FastNode $n]}" "${p99[Redis $n]}"
done
