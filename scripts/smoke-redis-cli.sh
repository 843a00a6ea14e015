#!/usr/bin/env bash
# Runs a fixed list of redis-cli commands against a server and prints each command and its reply.
#
#   scripts/smoke-redis-cli.sh PORT                 run the list against 127.0.0.1:PORT and print the transcript
#   scripts/smoke-redis-cli.sh --compare [--no-build]
#                                                   start redis-server on $REDIS_PORT (7390) and FastNode (Release)
#                                                   on $FASTNODE_PORT (7391), run the list against both, print the
#                                                   diff; exit 0 only when the two transcripts are identical
#
# Only commands whose replies are deterministic are listed (no TTLs, no timestamps, no server info). Key names
# get a per-run prefix and never appear in a reply, so the transcript does not depend on what the server holds.
# Extend the list in commands() as command families land; keep each line in redis-cli's own quoting (each line
# goes to `redis-cli --no-raw` on stdin). Installs redis-tools/redis-server first when missing and root.
# --no-build skips `dotnet build` (the integration test runs right after building the server itself).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,15p' "$0"; }

commands() {
  local p="$1"
  cat <<CMDS
PING
PING "hello world"
ECHO hello
ECHO ""
ECHO "multi word \\x41\\x42 \\"quoted\\""
GET ${p}missing
SET ${p}k v
GET ${p}k
SET ${p}k v2 NX
SET ${p}k v3 XX
GET ${p}k
SET ${p}k v4 XX GET
SET ${p}absent v XX GET
SET ${p}k v NX XX
SET ${p}k v EX 0
SET ${p}k v EX -5
SET ${p}k v EX abc
SET ${p}k v PX 9223372036854775807
SET ${p}k v KEEPTTL EX 10
SET ${p}k v BOGUS
SETNX ${p}k other
SETNX ${p}new first
GET ${p}new
SETEX ${p}ex 0 v
SETEX ${p}ex notanumber v
PSETEX ${p}ex -1 v
GETSET ${p}k swapped
GETSET ${p}k2 first
GET ${p}k
INCR ${p}n
INCR ${p}n
INCRBY ${p}n 10
INCRBY ${p}n -3
DECR ${p}n
DECRBY ${p}n 5
DECRBY ${p}n -5
GET ${p}n
INCR ${p}k
INCRBY ${p}n notanumber
INCRBY ${p}n 1.5
SET ${p}max 9223372036854775807
INCR ${p}max
SET ${p}min -9223372036854775808
DECR ${p}min
DECRBY ${p}n -9223372036854775808
SET ${p}spaces " 1"
INCR ${p}spaces
SET ${p}lead "01"
INCR ${p}lead
INCRBYFLOAT ${p}f 1.5
INCRBYFLOAT ${p}f 0.1
INCRBYFLOAT ${p}f -1.6
INCRBYFLOAT ${p}f abc
INCRBYFLOAT ${p}k 1
APPEND ${p}app hello
APPEND ${p}app " world"
GET ${p}app
STRLEN ${p}app
STRLEN ${p}missing
GETRANGE ${p}app 0 4
GETRANGE ${p}app -5 -1
GETRANGE ${p}app 100 200
SETRANGE ${p}app 6 WORLD
GET ${p}app
MSET ${p}m1 a ${p}m2 b
MGET ${p}m1 ${p}m2 ${p}missing
MSET ${p}m1
GETDEL ${p}m1
GETDEL ${p}m1
GET ${p}m1
FOO
FOO a b
foo "with space" x
GET
GET a b
SET ${p}k
INCR
ECHO a b
CMDS
}

run_list() {
  local port="$1" prefix="$2" line
  while IFS= read -r line; do
    printf '> %s\n' "${line//$prefix/}"
    printf '%s\n' "$line" | timeout 10 redis-cli -h 127.0.0.1 -p "$port" --no-raw 2>&1 || echo "(redis-cli failed: $?)"
  done < <(commands "$prefix")
}

ensure_tools() {
  local need=("$@") missing=0 tool
  for tool in "${need[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing=1; done
  [ "$missing" = 0 ] && return 0
  if [ "$(id -u)" = 0 ]; then
    echo "installing redis-server and redis-tools..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools) >/dev/null 2>&1 || true
  fi
  for tool in "${need[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing (and could not be installed)" >&2; exit 3; }
  done
}

wait_for_ping() {
  local port="$1" i
  for i in $(seq 1 100); do
    [ "$(redis-cli -h 127.0.0.1 -p "$port" PING 2>/dev/null)" = "PONG" ] && return 0
    sleep 0.1
  done
  echo "no server answered PING on port $port within 10 s" >&2
  return 1
}

prefix="smoke:$$:$RANDOM:"

if [ $# -ge 1 ] && [ "$1" != "--compare" ]; then
  case "$1" in -h|--help) usage; exit 0 ;; esac
  [[ "$1" =~ ^[0-9]+$ ]] || { usage >&2; exit 2; }
  ensure_tools redis-cli
  run_list "$1" "$prefix"
  exit 0
fi
[ $# -ge 1 ] || { usage >&2; exit 2; }
shift
build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

ensure_tools redis-cli redis-server
redis_port="${REDIS_PORT:-7390}"
fastnode_port="${FASTNODE_PORT:-7391}"
work="$(mktemp -d)"
redis_pid=""
fastnode_pid=""
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  [ -n "$fastnode_pid" ] && kill "$fastnode_pid" 2>/dev/null && wait "$fastnode_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Two comparisons at once (e.g. two test runs) would fight over the fixed ports: take turns.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/fastnode-smoke-$redis_port-$fastnode_port.lock"
  flock -w 180 9 || { echo "another smoke comparison kept ports $redis_port/$fastnode_port for 180 s" >&2; exit 3; }
fi

for port in "$redis_port" "$fastnode_port"; do
  if redis-cli -h 127.0.0.1 -p "$port" PING >/dev/null 2>&1; then
    echo "something already listens on port $port" >&2
    exit 3
  fi
done

if [ "$build" = 1 ]; then
  dotnet build src/FastNode.Server -c Release --nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 3; }
fi
dll="src/FastNode.Server/bin/Release/net10.0/FastNode.Server.dll"
[ -f "$dll" ] || { echo "$dll not found (build it, or drop --no-build)" >&2; exit 3; }

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --daemonize no \
  >"$work/redis.log" 2>&1 &
redis_pid=$!
dotnet "$dll" --port "$fastnode_port" --bind 127.0.0.1 --save "" --dir "$work" >"$work/fastnode.log" 2>&1 &
fastnode_pid=$!
wait_for_ping "$redis_port" || { cat "$work/redis.log" >&2; exit 3; }
wait_for_ping "$fastnode_port" || { cat "$work/fastnode.log" >&2; exit 3; }

run_list "$redis_port" "$prefix" >"$work/redis.txt"
run_list "$fastnode_port" "$prefix" >"$work/fastnode.txt"

if diff -u --label "redis-server 7.0 (port $redis_port)" --label "FastNode (port $fastnode_port)" \
    "$work/redis.txt" "$work/fastnode.txt"; then
  echo "identical: $(grep -c '^> ' "$work/redis.txt") commands"
  exit 0
fi
exit 1
