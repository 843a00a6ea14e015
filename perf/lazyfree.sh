#!/usr/bin/env bash
# What freeing a large value costs the command that frees it, FastNode beside redis-server (issue 18 "Freeing large
# values"; results in perf/README.md, "Freeing large values").
#
#   perf/lazyfree.sh [--keys N] [--rounds N] [--port-base P] [--no-build]
#
# For each round, on a fresh FastNode and a fresh redis-server: a hash of --keys fields (built by one EVAL), then
# DEL of it; the same hash again, then UNLINK; --keys string keys, then FLUSHALL SYNC; again, then FLUSHALL ASYNC.
# The time each of the four commands took inside the server is read from SLOWLOG (slowlog-log-slower-than 0), so
# client round trips do not count. Each command runs once on a small value first (FastNode's first call of a
# command includes compiling it). Prints medians in microseconds per command and server.
# Servers start on 127.0.0.1 and are stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/lib.sh
source perf/lib.sh

keys=1000000
rounds=3
port_base="${PERF_PORT_BASE:-7980}"
build=yes
parse_common_options "$@"

make_workdir lazyfree
build_fastnode "$workdir"

cli() { redis-cli -p "$port" "$@" | tr -d '\r'; }
# Runs a command with the slowlog reset around it; prints the microseconds the server logged for it.
timed() {
  cli config set slowlog-log-slower-than 0 >/dev/null
  cli slowlog reset >/dev/null
  cli "$@" >/dev/null
  cli config set slowlog-log-slower-than 10000 >/dev/null
  # redis-cli prints each entry as id, time, microseconds, then the arguments: the duration is the line before the name.
  cli slowlog get 10 | awk -v cmd="$(tr '[:upper:]' '[:lower:]' <<<"$1")" '{ lines[NR] = $0 } END {
    for (i = 2; i <= NR; i++) if (tolower(lines[i]) == cmd) { print lines[i - 1]; exit } }'
}
fill_hash="for i = 1, tonumber(ARGV[1]) do redis.call('HSET', KEYS[1], 'field:' .. i, i) end return 1"
fill_keys="for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'key:' .. i, i) end return 1"

declare -A us
for round in $(seq 1 "$rounds"); do
  for server in fastnode redis; do
    start_server "$server" "$workdir/$server-$round"
    # Each command once on a small value first, so FastNode's first call does not include compiling it.
    for c in DEL UNLINK; do cli eval "$fill_hash" 1 w 100 >/dev/null; cli $c w >/dev/null; done
    cli flushall sync >/dev/null; cli flushall async >/dev/null
    cli eval "$fill_hash" 1 h "$keys" >/dev/null
    us[$server-del]+="$(timed DEL h) "
    cli eval "$fill_hash" 1 h "$keys" >/dev/null
    us[$server-unlink]+="$(timed UNLINK h) "
    cli eval "$fill_keys" 0 "$keys" >/dev/null
    us[$server-flushsync]+="$(timed FLUSHALL SYNC) "
    cli eval "$fill_keys" 0 "$keys" >/dev/null
    us[$server-flushasync]+="$(timed FLUSHALL ASYNC) "
    stop_server
    echo "round $round $server: del/unlink/flush sync/flush async: ${us[$server-del]% } / ${us[$server-unlink]% } / ${us[$server-flushsync]% } / ${us[$server-flushasync]% } (all rounds so far)" >&2
  done
done
printf '%-26s %12s %12s\n' "command ($keys)" "FastNode us" "Redis us"
for c in del unlink flushsync flushasync; do
  printf '%-26s %12s %12s\n' "$c" "$(median <<<"${us[fastnode-$c]}")" "$(median <<<"${us[redis-$c]}")"
done
