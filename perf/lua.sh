#!/usr/bin/env bash
# Lua scripting throughput, FastNode beside redis-server on this machine (issue 17; results in perf/README.md, "Lua").
#
#   perf/lua.sh [--rounds N] [--requests N] [--pipelined-requests N] [--port-base P] [--no-build]
#
# Each round starts a fresh FastNode and a fresh redis-server (the order swapped every round), loads the same script
# and library into both (SCRIPT LOAD, FUNCTION LOAD), warms each up with a short pass of every case, and measures with
# redis-benchmark -c 50, unpipelined (--requests, default 100,000) and at -P 16 (--pipelined-requests, default 500,000):
#   EVALSHA <sha of "return redis.call('INCR', KEYS[1])"> 1 counter:<random of 100,000>
#   EVALSHA <sha of a loop making 10 redis.call('INCR', KEYS[1])> 1 counter:<random of 100,000>
#   FCALL incr 1 counter:<random of 100,000>       (the same one-call INCR, as a function)
#   INCR counter:<random of 100,000>               (the command alone, for the script's own cost)
# Prints medians of requests/s across rounds, FastNode / Redis ratios (targets: EVALSHA >= 1.0 at P1 and -P 16, the
# 10-call script >= 0.8), and the server's CPU time per request (user + system from /proc/PID/stat around each run),
# which a loaded machine disturbs less. Both servers and the load share the machine's cores: on 2 shared cores expect
# spreads of 20 % or more. Servers start on 127.0.0.1 and are stopped by PID on exit; every run is bounded by its
# request count. FastNode needs liblua5.1-0 (docs/scripting.md).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=3
requests=100000
pipelined=500000
port_base="${PERF_PORT_BASE:-7900}"
build=yes
parse_common_options "$@"

require_tools redis-server redis-benchmark

make_workdir lua

build_fastnode "$workdir"

incr_script="return redis.call('INCR', KEYS[1])"
ten_script="local n = 0 for i = 1, 10 do n = redis.call('INCR', KEYS[1]) end return n"
library=$'#!lua name=bench\nredis.register_function(\'incr\', function(keys) return redis.call(\'INCR\', keys[1]) end)'

cases=("evalsha" "evalsha10" "fcall" "incr")
incr_sha="" ten_sha=""
command_of() { # case
  case "$1" in
    evalsha) echo "EVALSHA $incr_sha 1 counter:__rand_int__" ;;
    evalsha10) echo "EVALSHA $ten_sha 1 counter:__rand_int__" ;;
    fcall) echo "FCALL incr 1 counter:__rand_int__" ;;
    incr) echo "INCR counter:__rand_int__" ;;
  esac
}
label_of() { # case
  case "$1" in
    evalsha) echo "EVALSHA (1 call)" ;;
    evalsha10) echo "EVALSHA (10 calls)" ;;
    fcall) echo "FCALL (1 call)" ;;
    incr) echo "INCR" ;;
  esac
}
rps_of() { # n pipeline case
  # shellcheck disable=SC2046
  redis-benchmark -p "$port" -c 50 -n "$1" -P "$2" -r 100000 -q $(command_of "$3") 2>/dev/null \
    | tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -1
}

prepare_server() { # server
  incr_sha=$(redis-cli -p "$port" script load "$incr_script")
  ten_sha=$(redis-cli -p "$port" script load "$ten_script")
  [ "$(redis-cli -p "$port" function load "$library")" = bench ] || { echo "$1: FUNCTION LOAD failed" >&2; exit 1; }
  [ "$(redis-cli -p "$port" evalsha "$incr_sha" 1 check)" = 1 ] || { echo "$1: EVALSHA does not answer 1" >&2; exit 1; }
}

benchmark_rounds
