#!/usr/bin/env bash
# Side-by-side performance of FastNode, Redis and Microsoft Garnet on this machine (perf/README.md).
#
#   perf/compare.sh [--quick] [--rounds N] [--no-garnet] [--port-base P] [--connections N] [--fastnode-args "..."]
#
#   --quick          small run (< 2 minutes): fewer requests, 1 round, 200k-request memory case
#   --rounds N       rounds of the throughput matrix (default 5, --quick 1); figures are medians across rounds
#   --no-garnet      compare FastNode with Redis only
#   --port-base P    first loopback port to try (default $PERF_PORT_BASE or 7700); the first free ones of
#                    P..P+49 are used
#   --connections N  idle connections in the connection case (default 5000)
#   --fastnode-args "A"  extra FastNode flags, e.g. "--io-threads 2" (printed in the header)
#
# Installs what is missing (redis-server and redis-tools through apt when root; Garnet 2.2.8 as a dotnet tool
# in perf/.tools), builds FastNode in Release, starts the three servers on 127.0.0.1 with persistence off,
# runs the same redis-benchmark matrix against each in alternation (A B C A B C ...), then measures memory
# per key and per idle connection on freshly started servers. Servers are stopped by PID on exit or Ctrl-C.
# Prints a header (commit, runtime, CPU, load average) and one table per measure; a copy goes to
# perf/results/compare-<date>.txt. Every benchmark has a request count and every wait a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

GARNET_VERSION=2.2.8
tools_dir="$repo/perf/.tools"
quick=0
rounds=""
use_garnet=1
port_base="${PERF_PORT_BASE:-7700}"
connections=5000
fastnode_args=""
clients=50

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift ;;
    --no-garnet) use_garnet=0 ;;
    --port-base) port_base="${2:?--port-base needs a port}"; shift ;;
    --connections) connections="${2:?--connections needs a number}"; shift ;;
    --fastnode-args) fastnode_args="${2?--fastnode-args needs flags}"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$rounds" in ''|*[!0-9]*) [ -z "$rounds" ] || { echo "--rounds needs a positive number" >&2; exit 2; } ;; esac
[ -z "$rounds" ] || [ "$rounds" -ge 1 ] || { echo "--rounds needs a positive number" >&2; exit 2; }

if [ "$quick" = 1 ]; then
  rounds="${rounds:-1}"
  n_plain=20000      # unpipelined cases
  n_pipe=200000      # -P 16 / -P 64 cases
  n_big=50000        # 1 KB values
  warm_plain=5000; warm_pipe=20000; warm_big=5000
  mem_requests=200000
else
  # Five: the unpipelined p99s of the servers differ by less than 0.1 ms while one round's p99 moves by 0.3 ms,
  # so a median of three still decides that row by chance.
  rounds="${rounds:-5}"
  n_plain=200000
  n_pipe=1000000
  n_big=300000
  warm_plain=20000; warm_pipe=100000; warm_big=20000
  mem_requests=1000000
fi
bench_timeout=300    # seconds, per redis-benchmark invocation
ready_timeout=60     # seconds for a server to answer PING

log() { printf '%s\n' "$*" >&2; }
load_start=$(cut -d' ' -f1-3 /proc/loadavg)   # before the build and the servers add their own load
# How busy the machine is before the run: CPU used by everything over 2 s, in % of all cores.
busy_start=$(awk '$1 == "cpu" { print $2 + $3 + $4; exit }' /proc/stat); sleep 2
busy_start=$(awk -v b0="$busy_start" -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" \
  '$1 == "cpu" { printf "%.0f", ($2 + $3 + $4 - b0) / (2 * hz * cores) * 100; exit }' /proc/stat)

workdir=$(mktemp -d /tmp/fastnode-perf.XXXXXX)
declare -A PID PORT
BG=""            # the bounded command running now
result_file=""   # perf/results/compare-<date>.txt, removed when the run does not finish
completed=0

stop_server() { # name
  local name="$1" pid="${PID[$1]:-}"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  PID[$name]=""
}
cleanup() {
  local name
  [ -z "$BG" ] || kill "$BG" 2>/dev/null || true
  for name in "${!PID[@]}"; do stop_server "$name"; done
  rm -rf "$workdir"
  if [ "$completed" = 0 ] && [ -n "$result_file" ]; then rm -f "$result_file"; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'exit 143' TERM

# bounded SECONDS OUTFILE COMMAND...: runs COMMAND with a time limit, stdout and stderr to OUTFILE.
# It runs in the background and the script waits for it with `wait`, which a trapped signal interrupts:
# Ctrl-C stops the run at once (a foreground `timeout` would swallow it). With WATCH=PID set, the command
# is stopped early when that process (a server) dies.
bounded() {
  local secs="$1" out="$2" rc=0
  shift 2
  timeout "$secs" "$@" >"$out" 2>&1 &
  BG=$!
  if [ -n "${WATCH:-}" ]; then
    # Waits with a builtin (read with a timeout on a pipe nobody writes to), not `sleep`: a `sleep 0.1` loop
    # beside an unpipelined GET run raised the p99 medians from 0.50 to 0.78 ms (FastNode) and 0.94 ms (Redis),
    # so the harness's own forks, not the servers, were setting those rows.
    local tick
    exec {tick}<> <(:)
    while kill -0 "$BG" 2>/dev/null; do
      if ! kill -0 "$WATCH" 2>/dev/null; then kill "$BG" 2>/dev/null || true; break; fi
      read -r -t 0.2 -u "$tick" || true
    done
    exec {tick}>&-
  fi
  wait "$BG" || rc=$?
  BG=""
  return "$rc"
}

# ---------------------------------------------------------------- prerequisites
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-benchmark >/dev/null 2>&1 \
    || ! command -v redis-cli >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing redis-server and redis-tools (apt)..."
    if ! bounded 900 "$workdir/apt.log" apt-get update -qq \
        || ! DEBIAN_FRONTEND=noninteractive bounded 900 "$workdir/apt.log" apt-get install -y -qq redis-server redis-tools; then
      tail -n 20 "$workdir/apt.log" >&2
      exit 1
    fi
  else
    log "redis-server / redis-benchmark / redis-cli are missing; install redis-server and redis-tools first (as root)"
    exit 1
  fi
fi
command -v python3 >/dev/null 2>&1 || { log "python3 is needed (perf/tools/*.py)"; exit 1; }
command -v dotnet >/dev/null 2>&1 || { log "the .NET SDK (dotnet) is needed"; exit 1; }

garnet_bin="$tools_dir/garnet-server"
garnet_skip=""
if [ "$use_garnet" = 0 ]; then
  garnet_skip="--no-garnet was given"
else
  installed=$(dotnet tool list --tool-path "$tools_dir" 2>/dev/null | awk '$1 == "garnet-server" { print $2 }' || true)
  if [ "$installed" != "$GARNET_VERSION" ] || [ ! -x "$garnet_bin" ]; then
    [ -z "$installed" ] || bounded 120 "$workdir/tool.log" dotnet tool uninstall --tool-path "$tools_dir" garnet-server || true
    log "installing Garnet $GARNET_VERSION into perf/.tools (dotnet tool)..."
    if ! bounded 300 "$workdir/tool.log" dotnet tool install --tool-path "$tools_dir" garnet-server --version "$GARNET_VERSION"; then
      garnet_skip="could not install garnet-server $GARNET_VERSION: $(grep -v '^\s*$' "$workdir/tool.log" | tail -n 1 | cut -c 1-160)"
    fi
  fi
fi
[ -z "$garnet_skip" ] || log "Garnet skipped: $garnet_skip"

# ---------------------------------------------------------------- build
log "building FastNode (Release)..."
if ! bounded 600 "$workdir/build.log" dotnet build src/FastNode.Server -c Release --nologo -v quiet; then
  grep -E ' error ' "$workdir/build.log" | sort -u | head -n 20 >&2 || tail -n 20 "$workdir/build.log" >&2
  exit 1
fi
# Run a private copy of the build output, so a rebuild of the work tree during the run cannot touch the
# assemblies the server has loaded.
cp -r src/FastNode.Server/bin/Release/net10.0 "$workdir/fastnode"

# ---------------------------------------------------------------- servers
servers=(FastNode Redis)
[ -n "$garnet_skip" ] || servers+=(Garnet)

# Free loopback ports from port_base on (a port is free when a listener can bind it).
free_ports=$(python3 - "$port_base" "${#servers[@]}" <<'EOF'
import socket, sys
base, need = int(sys.argv[1]), int(sys.argv[2])
found = []
for p in range(base, base + 50):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        found.append(p)
    except OSError:
        pass
    finally:
        s.close()
    if len(found) == need:
        break
print(" ".join(map(str, found)))
EOF
)
read -r -a ports <<<"$free_ports"
if [ "${#ports[@]}" -lt "${#servers[@]}" ]; then
  log "not enough free loopback ports in $port_base..$((port_base + 49)); pass --port-base"
  exit 1
fi
for i in "${!servers[@]}"; do PORT[${servers[$i]}]=${ports[$i]}; done

# Servers inherit the open-file limit: raise it so each can take the idle connections of the connection case.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then ulimit -n 65536 2>/dev/null || true; else ulimit -n "$hard" 2>/dev/null || true; fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((connections + 100)) ]; then
  connections=$(( $(ulimit -n) - 100 ))
  log "open-file limit is $(ulimit -n): the connection case uses $connections connections"
fi

start_server() { # name
  local name="$1" port="${PORT[$1]}" log_file="$workdir/$1.log"
  case "$name" in
    FastNode)
      # shellcheck disable=SC2086 # the extra flags are meant to split into words
      dotnet "$workdir/fastnode/FastNode.Server.dll" --port "$port" --bind 127.0.0.1 --save "" --dir "$workdir" $fastnode_args >"$log_file" 2>&1 &
      ;;
    Redis)
      redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --dir "$workdir" --maxclients 10000 >"$log_file" 2>&1 &
      ;;
    Garnet)
      # AOF, checkpoints and storage tiering are off by default in Garnet; the cwd is the throw-away workdir.
      (cd "$workdir" && exec "$garnet_bin" --port "$port" --bind 127.0.0.1) >"$log_file" 2>&1 &
      ;;
  esac
  PID[$name]=$!
  local deadline=$((SECONDS + ready_timeout))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if bounded 5 "$workdir/ping.out" redis-cli -h 127.0.0.1 -p "$port" ping && [ "$(<"$workdir/ping.out")" = PONG ]; then
      return 0
    fi
    kill -0 "${PID[$name]}" 2>/dev/null || break
    sleep 0.2
  done
  log "$name did not start on 127.0.0.1:$port; its log:"
  tail -n 30 "$log_file" >&2
  exit 1
}

# CPU time the whole machine spent in user and system mode, in clock ticks (/proc/stat, all cores).
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4; exit }' /proc/stat; }
# CPU time of this script and of its waited-for children, in clock ticks. `times` must run in the main shell
# (a $(...) subshell starts with zero), so it writes to a file that own_ticks then reads.
own_ticks() {
  awk -v hz="$(getconf CLK_TCK)" '{
    for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); total += t[1] * 60 + t[2] }
  } END { printf "%.0f\n", total * hz }' "$workdir/times.out"
}

# Both print 0 for a process that is gone (a server that died is reported by the caller).
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# utime + stime of the whole process (all threads), in clock ticks.
cpu_ticks() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  s=${s##*) }
  awk '{ print $12 + $13 }' <<<"$s"
}
clk_tck=$(getconf CLK_TCK)

# ---------------------------------------------------------------- header
mkdir -p perf/results
stamp=$(date +%Y%m%d-%H%M%S)
result_file="perf/results/compare-$stamp.txt"
raw="$workdir/raw.tsv"
: >"$raw"
out() { printf '%s\n' "$*" | tee -a "$result_file"; }

commit=unknown
if git rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git rev-parse --short HEAD)
  git diff --quiet HEAD 2>/dev/null || commit="$commit + uncommitted changes"
fi
runtime=$(dotnet --list-runtimes 2>/dev/null | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
garnet_text="Garnet $GARNET_VERSION"
[ -z "$garnet_skip" ] || garnet_text="Garnet skipped"

high_load() { awk -v l="$1" 'BEGIN { exit !(l > 1.5) }'; }

out "FastNode side-by-side performance: perf/compare.sh$([ "$quick" = 1 ] && echo ' --quick') --rounds $rounds"
out "date:      $(date '+%Y-%m-%d %H:%M:%S %Z')"
out "commit:    $commit"
out "runtime:   .NET SDK $(dotnet --version), runtime ${runtime:-unknown} ($(uname -sr)); $(redis-server --version | awk '{ print "Redis", substr($3, 3) }'); $garnet_text; $(redis-benchmark --version)"
out "cpu:       ${cpu_model:-unknown} x $(nproc) cores, $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
out "load avg:  $load_start (1, 5, 15 min) before the run; CPU busy ${busy_start}% over the 2 s before it"
if high_load "${load_start%% *}" || [ "$busy_start" -gt 10 ]; then
  out "WARNING:   the machine is busy (load average above 1.5 or CPU busy above 10%): other processes share the 2 cores and distort the numbers; compare ratios, rerun when quiet"
fi
ports_text=""
for s in "${servers[@]}"; do ports_text+="$s 127.0.0.1:${PORT[$s]}  "; done
out "servers:   $ports_text(persistence off)"
[ -z "$fastnode_args" ] || out "fastnode:  extra flags: $fastnode_args"
out "matrix:    -c $clients; -n $n_plain unpipelined, $n_pipe pipelined, $n_big with 1 KB values; $rounds round(s) after a warm-up pass, servers in alternation"
[ -z "$garnet_skip" ] || out "Garnet skipped: $garnet_skip"
out ""

# ---------------------------------------------------------------- throughput matrix
# id | label | who (all = every server, fn = FastNode only) | size | redis-benchmark arguments
# size picks the request count: plain (unpipelined), pipe (pipelined) or big (1 KB values); see the top.
matrix=(
  "ping|PING (PING_MBULK)|all|plain|-t ping_mbulk"
  "set|SET|all|plain|-t set"
  "get|GET|all|plain|-t get"
  "incr|INCR|all|plain|-t incr"
  "throttle|CL.THROTTLE|fn|plain|-r 100000 CL.THROTTLE user:__rand_int__ 100 1000 60"
  "lock_acquire|LOCK.ACQUIRE|fn|plain|-r 100000 LOCK.ACQUIRE lk:__rand_int__ owner 10000"
  "lock_release|LOCK.RELEASE|fn|plain|-r 100000 LOCK.RELEASE lk:__rand_int__ owner"
  "mset|MSET (10 keys)|all|plain|-t mset"
  "set_p16|SET -P 16|all|pipe|-t set -P 16 -r 1000000"
  "get_p16|GET -P 16|all|pipe|-t get -P 16 -r 1000000"
  "set_p64|SET -P 64|all|pipe|-t set -P 64 -r 1000000"
  "get_p64|GET -P 64|all|pipe|-t get -P 64 -r 1000000"
  "set_1k|SET 1 KB -P 16|all|big|-t set -d 1024 -P 16 -r 100000"
  "get_1k|GET 1 KB -P 16|all|big|-t get -d 1024 -P 16 -r 100000"
)

# Waits (at most 2 s) until no server has used CPU for 100 ms, so a case does not start while the previous one's
# server is still busy: Garnet keeps a core busy for 100-200 ms after a -P 64 run, which would tax whichever
# server the matrix runs next.
settle() {
  local deadline=$((SECONDS + 2)) before after s
  while [ "$SECONDS" -lt "$deadline" ]; do
    before=0; after=0
    for s in "${servers[@]}"; do before=$((before + $(cpu_ticks "${PID[$s]}"))); done
    sleep 0.1
    for s in "${servers[@]}"; do after=$((after + $(cpu_ticks "${PID[$s]}"))); done
    [ "$after" -gt "$before" ] || return 0
  done
}

declare -A DEAD
# One redis-benchmark run; appends a "bench" record to $raw.
run_case() { # id label server round requests args...
  local id="$1" label="$2" server="$3" round="$4" requests="$5"; shift 5
  local pid="${PID[$server]}" port="${PORT[$server]}" t0 t1 output parsed
  if [ -n "${DEAD[$server]:-}" ]; then
    printf 'bench\t%s\t%s\t%s\t%s\t%s\terror\t\t\t\t\n' "$id" "$label" "$server" "$round" "$requests" >>"$raw"
    return
  fi
  settle
  t0=$(cpu_ticks "$pid")
  WATCH="$pid" bounded "$bench_timeout" "$workdir/bench.out" \
    redis-benchmark -h 127.0.0.1 -p "$port" -c "$clients" -n "$requests" --csv "$@" || true
  output=$(<"$workdir/bench.out")
  if ! kill -0 "$pid" 2>/dev/null; then
    DEAD[$server]=1
    log "  $server died during $label; last lines of its log:"
    tail -n 20 "$workdir/$server.log" >&2
    printf 'bench\t%s\t%s\t%s\t%s\t%s\terror\t\t\t\t\n' "$id" "$label" "$server" "$round" "$requests" >>"$raw"
    return
  fi
  t1=$(cpu_ticks "$pid")
  # 7.0 --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  parsed=$(printf '%s\n' "$output" | awk -F, '/^"/ && !/^"test"/ { gsub(/"/, ""); print $(NF-6), $(NF-3), $(NF-1); exit }')
  if [ -z "$parsed" ] || printf '%s\n' "$output" | grep -q -e '^Error' -e 'Error from server'; then
    log "  $server $label failed: $(printf '%s\n' "$output" | grep -v '^"' | head -n 2 | tr '\n' ' ' | cut -c 1-200)"
    printf 'bench\t%s\t%s\t%s\t%s\t%s\terror\t\t\t\t\n' "$id" "$label" "$server" "$round" "$requests" >>"$raw"
    return
  fi
  read -r rps p50 p99 <<<"$parsed"
  printf 'bench\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$label" "$server" "$round" "$requests" \
    "$rps" "$p50" "$p99" "$((t1 - t0))" "$clk_tck" >>"$raw"
  [ "$round" = 0 ] || log "  $(printf '%-18s %-9s %12s req/s  p50 %s ms  p99 %s ms' "$label" "$server" "$rps" "$p50" "$p99")"
}

run_matrix() { # round (0 = warm-up, not recorded)
  local round="$1" entry id label who size argline requests s
  local -a args
  for entry in "${matrix[@]}"; do
    IFS='|' read -r id label who size argline <<<"$entry"
    read -r -a args <<<"$argline"
    if [ "$round" = 0 ]; then
      case "$size" in plain) requests=$warm_plain ;; pipe) requests=$warm_pipe ;; big) requests=$warm_big ;; esac
    else
      case "$size" in plain) requests=$n_plain ;; pipe) requests=$n_pipe ;; big) requests=$n_big ;; esac
    fi
    for s in "${servers[@]}"; do
      [ "$who" = all ] || [ "$s" = FastNode ] || continue
      run_case "$id" "$label" "$s" "$round" "$requests" "${args[@]}"
    done
  done
}

# From here on, CPU used on the machine by anything but this script, its servers and its clients is counted.
times >"$workdir/times.out"; machine0=$(machine_ticks); own0=$(own_ticks); start_seconds=$SECONDS
for s in "${servers[@]}"; do start_server "$s"; done
# Warm-up pass (JIT tiering of the two .NET servers, first allocations of every server): the whole matrix
# with few requests, not recorded.
log "warm-up pass (not recorded)"
raw_measured="$raw"
raw="$workdir/warmup.tsv"
run_matrix 0
raw="$raw_measured"
round_loads=""
for round in $(seq "$rounds"); do
  round_loads+="$(cut -d' ' -f1 /proc/loadavg) "
  log "round $round/$rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  run_matrix "$round"
done
for s in "${servers[@]}"; do stop_server "$s"; done

# ---------------------------------------------------------------- memory per key (fresh servers, one at a time)
log "memory case: $mem_requests SETs of 16-byte values over $mem_requests random keys, -P 64"
for s in "${servers[@]}"; do
  start_server "$s"
  sleep 2
  rss0=$(rss_kb "${PID[$s]}")
  if WATCH="${PID[$s]}" bounded "$bench_timeout" "$workdir/bench.out" redis-benchmark -h 127.0.0.1 -p "${PORT[$s]}" \
      -c "$clients" -t set -n "$mem_requests" -r "$mem_requests" -d 16 -P 64 -q && kill -0 "${PID[$s]}" 2>/dev/null; then
    sleep 2
    rss1=$(rss_kb "${PID[$s]}")
    keys=0
    if bounded 10 "$workdir/dbsize.out" redis-cli -h 127.0.0.1 -p "${PORT[$s]}" dbsize; then keys=$(<"$workdir/dbsize.out"); fi
    printf 'mem\t%s\t%s\t%s\t%s\n' "$s" "$keys" "$rss0" "$rss1" >>"$raw"
    log "  $s: $keys keys, RSS $rss0 -> $rss1 kB"
  else
    log "  $s: the memory load failed"
  fi
  stop_server "$s"
done

# ---------------------------------------------------------------- memory per idle connection
log "connection case: $connections idle connections"
for s in "${servers[@]}"; do
  start_server "$s"
  sleep 2
  if WATCH="${PID[$s]}" bounded 180 "$workdir/conn.out" python3 perf/tools/idle_conns.py --port "${PORT[$s]}" \
      --pid "${PID[$s]}" --count "$connections" --timeout 150; then
    line=$(tail -n 1 "$workdir/conn.out")
    printf 'conn\t%s\t%s\n' "$s" "$line" >>"$raw"
    log "  $s: $line"
  else
    log "  $s: the connection case failed: $(head -c 300 "$workdir/conn.out")"
  fi
  stop_server "$s"
done

[ -z "$garnet_skip" ] || printf 'skip\tGarnet\t%s\n' "$garnet_skip" >>"$raw"

# ---------------------------------------------------------------- report
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
out "load avg:  ${round_loads% } (1 min, at the start of each round); $load_end at the end (both include this run's own client and server)"
times >"$workdir/times.out"
others_pct=$(awk -v m="$(( $(machine_ticks) - machine0 ))" -v o="$(( $(own_ticks) - own0 ))" \
  -v secs="$(( SECONDS - start_seconds ))" -v hz="$clk_tck" -v cores="$(nproc)" \
  'BEGIN { cap = secs * hz * cores; x = cap > 0 ? (m - o) / cap * 100 : 0; if (x < 0) x = 0; printf "%.0f", x }')
out "others:    processes outside this run used ${others_pct}% of the machine's CPU during it"
if [ "$others_pct" -gt 10 ]; then
  out "WARNING:   other processes were busy during the run: the numbers are distorted"
fi
out ""
python3 perf/tools/report.py "$raw" | tee -a "$result_file"
cp "$raw" "perf/results/compare-$stamp.raw.tsv"
completed=1
log ""
log "saved to $result_file (raw records: perf/results/compare-$stamp.raw.tsv)"
