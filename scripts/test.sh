#!/usr/bin/env bash
# Runs every test project and prints one closing line "N passed, N failed" (skipped tests are counted on the line before).
# Installs redis-server/redis-tools/redis-sentinel first when missing (tests use redis-cli, compare against a real
# redis-server, and run FastNode under redis-sentinel), and liblua5.1-0/lua-cjson/lua-bitop (scripting).
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1 || ! command -v redis-benchmark >/dev/null 2>&1 \
   || ! command -v redis-sentinel >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools redis-sentinel) >/dev/null 2>&1 \
      || echo "warning: could not install redis-server/redis-tools/redis-sentinel; tests that need them are skipped"
  else
    echo "warning: redis-server/redis-tools/redis-sentinel missing and not root; tests that need them are skipped"
  fi
fi

# Scripting (EVAL, FUNCTION) runs on Debian's Lua 5.1 with lua-cjson and lua-bitop; without them those tests fail.
if ! dpkg -s liblua5.1-0 lua-cjson lua-bitop >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq liblua5.1-0 lua-cjson lua-bitop) >/dev/null 2>&1 \
      || echo "warning: could not install liblua5.1-0/lua-cjson/lua-bitop; scripting tests will fail"
  else
    echo "warning: liblua5.1-0/lua-cjson/lua-bitop missing and not root; scripting tests will fail"
  fi
fi

# The Node.js client tests (ioredis) use the packages pinned in tests/clients/*/package-lock.json.
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm) >/dev/null 2>&1 \
    || echo "warning: could not install nodejs/npm; the ioredis tests will fail"
fi
for client in tests/clients/*/; do
  if [ -f "$client/package-lock.json" ] && [ ! -d "$client/node_modules" ]; then
    if command -v npm >/dev/null 2>&1; then
      npm ci --prefix "$client" --no-audit --no-fund >/dev/null 2>&1 || echo "warning: npm ci failed in $client; its tests will fail"
    else
      echo "warning: npm missing; the tests under $client will fail"
    fi
  fi
done

log=$(mktemp)
# The tests run in a process group of their own, so whatever a test host killed at the hang timeout left running
# (servers its tests started) can be stopped by the group's id afterwards; tests kill their own processes by pid, this
# is the net under that.
group_file=$(mktemp)
# A hung test is killed after 10 minutes and named in the output instead of stalling CI.
setsid --wait bash -c 'echo $$ >"$0"; exec "$@"' "$group_file" \
  dotnet test FastNode.sln -c Release --nologo --blame-hang-timeout 600s --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum dotnet's per-project summaries: "Passed!  - Failed: 0, Passed: 36, Skipped: 0, Total: 36, ..."
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
projects=$(grep -cE '^(Passed|Failed)!' "$log")
group=$(cat "$group_file")
rm -f "$group_file"
leftovers=$(pgrep -g "$group" || true)
if [ -n "$leftovers" ]; then
  echo "killing processes left running by the tests: $(echo $leftovers)"
  kill -9 -- "-$group" 2>/dev/null || true
fi
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed without a per-test failure: count it as one.
  failed=1
fi
echo "test projects run: $projects, skipped: $skipped"
# The closing line CI reads: exactly "N passed, N failed".
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
