#!/usr/bin/env bash
# TLS: FastNode beside redis-server 7.0, both serving redis-benchmark --tls (issue 19; results in perf/README.md, "TLS").
#
#   perf/tls.sh [--rounds N] [--requests N] [--port-base P] [--no-build]
#
# Makes a throwaway CA and server certificate with openssl, then each round starts a fresh FastNode and a fresh
# redis-server (the order swapped every round), each with a TLS port (tls-auth-clients no) beside its plain one, warms
# each up over TLS, and measures with redis-benchmark -c 50 --tls:
#   1. SET and GET unpipelined (--requests requests, default 100,000);
#   2. SET and GET at -P 16 (5 times as many);
#   3. GET unpipelined on the plain port, for the cost TLS adds on each server.
# For every run it reads the server's utime + stime from /proc/<pid>/stat before and after, and divides by the
# requests: server CPU microseconds per request. Prints medians across rounds and the FastNode / Redis ratios.
# Both servers and redis-benchmark share the machine's cores. Servers start on 127.0.0.1 and are stopped by PID on
# exit; every run is bounded by its request count.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=3
requests=100000
port_base="${PERF_PORT_BASE:-7990}"
build=yes
parse_common_options "$@"

command -v redis-server >/dev/null && require_tools redis-benchmark openssl

make_workdir tls

build_fastnode "$workdir"

certs="$workdir/certs"
mkdir -p "$certs"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$certs/ca.key" -out "$certs/ca.crt" -days 2 -subj "/CN=perf-ca" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$certs/server.key" -out "$certs/server.csr" -subj "/CN=localhost" 2>/dev/null
openssl x509 -req -in "$certs/server.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial -out "$certs/server.crt" -days 2 2>/dev/null
tls_files=(--tls-cert-file "$certs/server.crt" --tls-key-file "$certs/server.key" --tls-ca-cert-file "$certs/ca.crt" --tls-auth-clients no)

port=$port_base
tls_port=0
start() { # server dir
  local server="$1" dir="$2"
  mkdir -p "$dir"
  port=$((port_base + (port - port_base + 2) % 40))
  tls_port=$((port + 1))
  if [ "$server" = FastNode ]; then
    dotnet "$workdir/fastnode/FastNode.Server.dll" --port "$port" --tls-port "$tls_port" "${tls_files[@]}" --dir "$dir" --save "" >"$dir/log" 2>&1 &
  else
    redis-server --port "$port" --tls-port "$tls_port" "${tls_files[@]}" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no >"$dir/log" 2>&1 &
  fi
  pid=$!
  wait_ready "$port" "$dir/log" "$server"
}
stop() { kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }

# Prints "req/s cpu-us-per-request" for one run.
bench() { # tls|plain pipeline requests command
  local mode="$1" pipeline="$2" n="$3"; shift 3
  local before after rps
  local target=(-p "$port")
  [ "$mode" = tls ] && target=(-p "$tls_port" --tls --cacert "$certs/ca.crt")
  before=$(cpu_ticks)
  rps=$(redis-benchmark "${target[@]}" -c 50 -P "$pipeline" -n "$n" -r 100000 -q -t "$1" 2>/dev/null \
    | tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -1)
  after=$(cpu_ticks)
  echo "$rps $(awk -v d=$((after - before)) -v t="$ticks" -v n="$n" 'BEGIN { printf "%.1f", d * 1e6 / t / n }')"
}

cases=("set1" "get1" "set16" "get16" "plainget1")
declare -A rps cpu
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order="FastNode Redis"; else order="Redis FastNode"; fi
  for server in $order; do
    start "$server" "$workdir/$server-$round"
    # Warm-up over TLS (FastNode's JIT tiers up on the first few hundred thousand commands).
    bench tls 16 200000 set >/dev/null
    bench tls 1 50000 get >/dev/null
    line="round $round $server:"
    for c in "${cases[@]}"; do
      case $c in
        set1) r=$(bench tls 1 "$requests" set) ;;
        get1) r=$(bench tls 1 "$requests" get) ;;
        set16) r=$(bench tls 16 $((requests * 5)) set) ;;
        get16) r=$(bench tls 16 $((requests * 5)) get) ;;
        plainget1) r=$(bench plain 1 "$requests" get) ;;
      esac
      rps[$server,$c]+="${r%% *} "; cpu[$server,$c]+="${r##* } "
      line+=" $c ${r%% *} req/s ${r##* } us/req;"
    done
    stop
    echo "$line" >&2
  done
done

ratio() { awk -v f="$1" -v r="$2" 'BEGIN { printf "%.2f", (r > 0) ? f / r : 0 }'; }
echo
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(dotnet --version), redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-22s %11s %11s %6s %13s %13s\n" "median of $rounds rounds" "FastNode/s" "Redis/s" ratio "CPU us/req F" "CPU us/req R"
for c in "${cases[@]}"; do
  case $c in
    set1) name="TLS SET P1" ;; get1) name="TLS GET P1" ;; set16) name="TLS SET -P 16" ;; get16) name="TLS GET -P 16" ;;
    plainget1) name="plain GET P1" ;;
  esac
  f=$(median <<<"${rps[FastNode,$c]}"); r=$(median <<<"${rps[Redis,$c]}")
  printf "%-22s %11s %11s %6s %13s %13s\n" "$name" "$f" "$r" "$(ratio "$f" "$r")" "$(median <<<"${cpu[FastNode,$c]}")" "$(median <<<"${cpu[Redis,$c]}")"
done
