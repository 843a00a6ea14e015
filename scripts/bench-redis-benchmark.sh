#!/usr/bin/env bash
# End-to-end throughput: the same redis-benchmark matrix against FastNode and a local redis-server, side by side.
#
#   scripts/bench-redis-benchmark.sh [--quick] [-n REQUESTS]
#
# Builds FastNode (Release), starts it on 127.0.0.1:$FASTNODE_PORT (7401) and redis-server on $REDIS_PORT (7402,
# persistence off), runs each row of the matrix against both servers one after the other (the order alternates
# row by row so neither always gets the warmer machine), prints req/s and the FastNode/Redis ratio, and stops
# both servers by PID on exit. Bounded: -n 100000 requests per row by default, 20000 with --quick.
# Prints the commit, runtime and CPU with the numbers (STYLE.md section 8). On a 2-core machine the client,
# the server and the OS share the cores, so compare the ratio, not the absolute numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

requests=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) requests=20000 ;;
    -n) requests="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

fastnode_port="${FASTNODE_PORT:-7401}"
redis_port="${REDIS_PORT:-7402}"
clients=50

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-benchmark >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing redis-server and redis-tools..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools) >/dev/null
  else
    echo "redis-server/redis-tools are missing and this is not root: install them first" >&2
    exit 1
  fi
fi

for port in "$fastnode_port" "$redis_port"; do
  if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
    echo "something already answers on 127.0.0.1:$port; stop it or set FASTNODE_PORT/REDIS_PORT" >&2
    exit 1
  fi
done

logdir=$(mktemp -d)
echo "building FastNode (Release)..." >&2
if ! dotnet build src/FastNode.Server -c Release --nologo -v quiet >"$logdir/build.log" 2>&1; then
  grep -E 'error|Error' "$logdir/build.log" | sort -u | head -n 20 >&2
  rm -rf "$logdir"
  exit 1
fi

fastnode_pid=""
redis_pid=""
cleanup() {
  for pid in $fastnode_pid $redis_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $fastnode_pid $redis_pid; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$logdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dotnet src/FastNode.Server/bin/Release/net10.0/FastNode.Server.dll --port "$fastnode_port" --bind 127.0.0.1 --save "" --dir "$logdir" \
  >"$logdir/fastnode.log" 2>&1 &
fastnode_pid=$!
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no --dir "$logdir" \
  >"$logdir/redis.log" 2>&1 &
redis_pid=$!

wait_ready() { # name port pid log
  for _ in $(seq 100); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$2" ping 2>/dev/null)" = PONG ]; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "$1 did not start on port $2:" >&2
  cat "$4" >&2
  exit 1
}
wait_ready FastNode "$fastnode_port" "$fastnode_pid" "$logdir/fastnode.log"
wait_ready redis-server "$redis_port" "$redis_pid" "$logdir/redis.log"

# label | redis-benchmark arguments
matrix=(
  "PING|-t ping_mbulk"
  "SET|-t set"
  "GET|-t get"
  "INCR|-t incr"
  "MSET (10 keys)|-t mset"
  "SET -P 16|-t set -P 16 -r 100000"
  "GET -P 16|-t get -P 16 -r 100000"
  "INCR -P 16|-t incr -P 16 -r 100000"
)

# Prints the requests per second of one run, or "error" (the reason goes to $logdir/errors).
run_one() { # port args...
  local port="$1"; shift
  local out rps
  # --csv: one '"TEST","rps",...' line per test, no progress output to parse around.
  out=$(timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" -q --csv -n "$requests" -c "$clients" "$@" 2>&1) || true
  rps=$(printf '%s\n' "$out" | awk -F'"' 'NR > 1 && $4 ~ /^[0-9.]+$/ { print $4; exit }')
  if [ -z "$rps" ]; then
    printf '  :%s %s: %s\n' "$port" "$*" "$(printf '%s\n' "$out" | grep -v -e '^"test"' -e '^WARNING' | head -n 1 | cut -c 1-100)" >>"$logdir/errors"
    rps=error
  fi
  printf '%s' "$rps"
}

cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
commit=unknown
if git rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git rev-parse --short HEAD)
  git diff --quiet HEAD 2>/dev/null || commit="$commit + uncommitted changes"
fi
echo "commit:  $commit"
runtime=$(dotnet --list-runtimes 2>/dev/null | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')
echo "runtime: .NET ${runtime:-unknown} (SDK $(dotnet --version), $(uname -sr)); $(redis-server --version | awk '{print $1, $2, $3}')"
echo "cpu:     ${cpu:-unknown} x $(nproc); load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load:    redis-benchmark -n $requests -c $clients, both servers on 127.0.0.1 (FastNode :$fastnode_port, Redis :$redis_port)"
echo
printf '%-16s %14s %14s %8s\n' "test" "FastNode rps" "Redis rps" "ratio"
printf '%-16s %14s %14s %8s\n' "----" "------------" "---------" "-----"
row=0
for entry in "${matrix[@]}"; do
  label="${entry%%|*}"
  read -r -a args <<<"${entry#*|}"
  if [ $((row % 2)) -eq 0 ]; then
    fastnode_rps=$(run_one "$fastnode_port" "${args[@]}")
    redis_rps=$(run_one "$redis_port" "${args[@]}")
  else
    redis_rps=$(run_one "$redis_port" "${args[@]}")
    fastnode_rps=$(run_one "$fastnode_port" "${args[@]}")
  fi
  awk -v l="$label" -v f="$fastnode_rps" -v r="$redis_rps" 'BEGIN {
    ratio = (f != "error" && r != "error" && r > 0) ? sprintf("%.2f", f / r) : "n/a"
    printf "%-16s %14s %14s %8s\n", l, (f == "error" ? f : sprintf("%.0f", f)), (r == "error" ? r : sprintf("%.0f", r)), ratio
  }'
  row=$((row + 1))
done
if [ -s "$logdir/errors" ]; then
  echo
  echo "errors:"
  cat "$logdir/errors"
fi
