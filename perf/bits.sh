#!/usr/bin/env bash
# Bitmaps and HyperLogLog, FastNode beside redis-server on this machine (issue 20; results in perf/README.md,
# "Bitmaps and HyperLogLog").
#
#   perf/bits.sh [--rounds N] [--requests N] [--pipelined-requests N] [--port-base P] [--no-build]
#
# Each round starts a fresh FastNode and a fresh redis-server (the order swapped every round), warms each up with a
# short pass of every case, and measures with redis-benchmark -c 50, unpipelined (--requests, default 100,000) and
# at -P 16 (--pipelined-requests, default 500,000):
#   SETBIT bits:<random key of 100,000> 4095 1       (512-byte bitmaps, created by the first SETBIT of each key)
#   BITCOUNT bitmap                                  (a 12.5 KB bitmap of random bytes)
#   PFADD hll <random element of 1,000,000>          (one HLL, dense after the first few thousand)
#   PFCOUNT hll                                      (one key: the cached estimate, recomputed after each PFADD run)
# (redis-benchmark's __rand_int__ is zero-padded to 12 digits, which neither server takes as a bit offset, so the
# random part of SETBIT is its key.)
# Prints medians of requests/s across rounds and FastNode / Redis ratios (target >= 1.0), and the server's CPU time
# per request (user + system, from /proc/PID/stat around each run), which a loaded machine disturbs less.
# Both servers and the load share the machine's cores: on 2 shared cores expect spreads of 20 % or more.
# Servers start on 127.0.0.1 and are stopped by PID on exit; every run is bounded by its request count.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

rounds=3
requests=100000
pipelined=500000
port_base="${PERF_PORT_BASE:-7940}"
build=yes
parse_common_options "$@"

require_tools redis-server redis-benchmark

make_workdir bits

build_fastnode "$workdir"
head -c 12500 /dev/urandom >"$workdir/bitmap"

cases=("setbit" "bitcount" "pfadd" "pfcount")
command_of() { # case
  case "$1" in
    setbit) echo "-r 100000 SETBIT bits:__rand_int__ 4095 1" ;;
    bitcount) echo "BITCOUNT bitmap" ;;
    pfadd) echo "-r 1000000 PFADD hll __rand_int__" ;;
    pfcount) echo "PFCOUNT hll" ;;
  esac
}
rps_of() { # n pipeline case
  # shellcheck disable=SC2046
  redis-benchmark -p "$port" -c 50 -n "$1" -P "$2" -q $(command_of "$3") 2>/dev/null \
    | tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -1
}

prepare_server() { redis-cli -p "$port" -x set bitmap <"$workdir/bitmap" >/dev/null; }
label_of() { command_of "$1" | sed 's/^-r [0-9]* //'; }

benchmark_rounds
