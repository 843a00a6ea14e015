# Shared by the perf/ scripts (sourced, not run).

# Waits (at most 30 s) until a server answers PING on 127.0.0.1:$1; on failure prints $2's last lines and exits.
wait_ready() { # port log-file name
  for _ in $(seq 1 300); do
    [ "$(timeout 2 redis-cli -p "$1" ping 2>/dev/null || true)" = PONG ] && return 0
    sleep 0.1
  done
  echo "$3 did not start on $1" >&2; tail "$2" >&2; exit 1
}

# The median of the numbers on stdin (space or newline separated).
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# The options the benchmark scripts share: --rounds N, --requests N, --pipelined-requests N, --keys N, --port-base P,
# --no-build, -h. A script sets the variables it takes (rounds, requests, pipelined, keys, port_base, build) to their
# defaults first; an option whose variable it did not set is refused. $0's header comment is the help text.
parse_common_options() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --rounds) [ -n "${rounds+x}" ] || unknown_option "$1"; rounds="${2:?--rounds needs a number}"; shift ;;
      --requests) [ -n "${requests+x}" ] || unknown_option "$1"; requests="${2:?--requests needs a number}"; shift ;;
      --pipelined-requests) [ -n "${pipelined+x}" ] || unknown_option "$1"; pipelined="${2:?--pipelined-requests needs a number}"; shift ;;
      --no-build) [ -n "${build+x}" ] || unknown_option "$1"; build=no ;;
      --keys) [ -n "${keys+x}" ] || unknown_option "$1"; keys="${2:?--keys needs a number}"; shift ;;
      --port-base) [ -n "${port_base+x}" ] || unknown_option "$1"; port_base="${2:?--port-base needs a port}"; shift ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
      *) unknown_option "$1" ;;
    esac
    shift
  done
}

unknown_option() { echo "unknown argument: $1 (see --help)" >&2; exit 2; }

# Builds FastNode in Release (unless $build is "no") and copies it to $1/fastnode, so that a rebuild during the run
# cannot change the server under test; the build log goes to $1/build.log.
build_fastnode() { # workdir
  if [ "${build:-yes}" = yes ]; then
    echo "building FastNode (Release)..." >&2
    dotnet build src/FastNode.Server -c Release --nologo -v quiet >"$1/build.log" 2>&1 || { tail -20 "$1/build.log" >&2; exit 1; }
  fi
  cp -r src/FastNode.Server/bin/Release/net10.0 "$1/fastnode"
}

# Makes $workdir (/tmp/fastnode-<name>.XXXXXX) and removes it on exit, after killing by pid the server start_server
# started ($pid) and every pid the script added to the array "pids".
make_workdir() { # name
  workdir=$(mktemp -d "/tmp/fastnode-$1.XXXXXX")
  pid=""
  pids=()
  trap cleanup_workdir EXIT INT TERM
}

cleanup_workdir() {
  [ -z "${pid:-}" ] || kill -9 "$pid" 2>/dev/null || true
  for p in "${pids[@]+"${pids[@]}"}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$workdir"
}

# Starts one server on 127.0.0.1, on the next of the 40 ports from $port_base (a fresh port per start, so a killed
# server's port in TIME_WAIT never matters), with its data and log in <dir>, and waits for PING. <server> is FastNode
# (the copy build_fastnode made in $workdir) or Redis (redis-server), in any case. The arguments after <dir> go to
# either server; the arrays fastnode_extra and redis_extra, if the script sets them, go to that server only. Sets
# $port and $pid; stop_server kills it.
start_server() { # server dir [server-args...]
  local server="$1" dir="$2"
  shift 2
  mkdir -p "$dir"
  port=$((port_base + (${port:-$port_base} - port_base + 1) % 40))
  case "${server,,}" in
    fastnode) dotnet "$workdir/fastnode/FastNode.Server.dll" --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" \
                "$@" "${fastnode_extra[@]+"${fastnode_extra[@]}"}" >"$dir/log" 2>&1 & ;;
    redis) redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
             "$@" "${redis_extra[@]+"${redis_extra[@]}"}" >"$dir/log" 2>&1 & ;;
    *) echo "start_server: unknown server $server" >&2; exit 2 ;;
  esac
  pid=$!
  wait_ready "$port" "$dir/log" "$server"
}

stop_server() { kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }

# Exits with the apt-get hint unless every named tool (redis-server, redis-cli, redis-benchmark...) is installed.
require_tools() { # tool...
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$* are needed (apt-get install redis-server redis-tools)" >&2; exit 1; }
  done
}

# The side-by-side redis-benchmark rounds (bits.sh, lua.sh). The script defines the array "cases" and: rps_of <n>
# <pipeline> <case> (req/s of one redis-benchmark run on $port), label_of <case> (its row name) and prepare_server
# (run after each start: data, scripts). Each round starts FastNode and Redis in turn (the order swapped every round)
# on fresh processes, warms every case up unmeasured (JIT tiering), then runs every case at P1 ($requests requests)
# and -P 16 ($pipelined), recording req/s and the server's CPU time per request (utime + stime from /proc); then
# prints the medians, the throughput ratio and Redis's CPU per request over FastNode's.
benchmark_rounds() {
  local tick_us round order server c p n r before after line f rd fc rc
  tick_us=$(awk -v t="$(getconf CLK_TCK)" 'BEGIN { print 1000000 / t }')
  declare -A results cpu
  for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order="FastNode Redis"; else order="Redis FastNode"; fi
    for server in $order; do
      start_server "$server" "$workdir/$server-$round"
      prepare_server "$server"
      for c in "${cases[@]}"; do rps_of 50000 16 "$c" >/dev/null; done
      line="round $round $server:"
      for c in "${cases[@]}"; do
        for p in 1 16; do
          n=$requests; [ "$p" = 1 ] || n=$pipelined
          before=$(server_cpu_ticks)
          r=$(rps_of "$n" "$p" "$c")
          after=$(server_cpu_ticks)
          results[$server.$c.$p]+="$r "
          cpu[$server.$c.$p]+="$(awk -v a="$after" -v b="$before" -v n="$n" -v u="$tick_us" 'BEGIN { printf "%.2f", (a - b) * u / n }') "
          line+=" $c/P$p=$r"
        done
      done
      echo "$line" >&2
      stop_server
    done
  done

  echo
  echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(dotnet --version), redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), load $(cut -d' ' -f1-3 /proc/loadavg)"
  printf "%-40s %12s %12s %7s %10s %10s %7s\n" "median of $rounds rounds" "FastNode/s" "Redis/s" ratio "FN us/req" "Rd us/req" "ratio"
  for c in "${cases[@]}"; do
    for p in 1 16; do
      f=$(median <<<"${results[FastNode.$c.$p]}"); rd=$(median <<<"${results[Redis.$c.$p]}")
      fc=$(median <<<"${cpu[FastNode.$c.$p]}"); rc=$(median <<<"${cpu[Redis.$c.$p]}")
      printf "%-40s %12s %12s %7s %10s %10s %7s\n" "$(label_of "$c") -P $p" "$f" "$rd" \
        "$(awk -v f="$f" -v r="$rd" 'BEGIN { printf "%.2f", f / r }')" "$fc" "$rc" "$(awk -v f="$fc" -v r="$rc" 'BEGIN { printf "%.2f", r / f }')"
    done
  done
}

# The CPU time of the server start_server started, so far, in clock ticks (utime + stime).
server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
