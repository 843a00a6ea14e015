#!/usr/bin/env bash
# The garbage-collection check of issue 5: does a 60-second GET/SET run cause gen2 collections?
#
#   perf/gc-check.sh [--fresh] [--seconds N] [--port P]
#
# Starts FastNode (Release) on 127.0.0.1, by default loads 1,000,000 keys first (redis-benchmark -t set -r 1000000
# -n 3000000 -P 64, so nearly every key of the range exists), then runs SET for half the time and GET for the other
# half (-P 16, -r 1000000, -c 50) while dotnet-counters samples System.Runtime every second. Prints the collections
# per generation, total GC pause and bytes allocated during the run. --fresh skips the load, so the run also inserts
# the keys (the table and the heap grow during it). dotnet-counters is installed into perf/.tools if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
tools_dir="$repo/perf/.tools"
COUNTERS_VERSION=10.0.750501
seconds=60
port=7790
preload=1

while [ $# -gt 0 ]; do
  case "$1" in
    --fresh) preload=0 ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift ;;
    --port) port="${2:?--port needs a port}"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$seconds" in ''|*[!0-9]*|0) echo "--seconds needs a positive number" >&2; exit 2 ;; esac

command -v redis-benchmark >/dev/null || { echo "redis-benchmark is missing (apt-get install -y redis-tools)" >&2; exit 1; }
if [ ! -x "$tools_dir/dotnet-counters" ]; then
  dotnet tool install --tool-path "$tools_dir" dotnet-counters --version "$COUNTERS_VERSION" >/dev/null
fi

dotnet build -c Release src/FastNode.Server -v q -nologo >/dev/null
workdir=$(mktemp -d /tmp/fastnode-gc.XXXXXX)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

dotnet src/FastNode.Server/bin/Release/net10.0/FastNode.Server.dll --port "$port" --bind 127.0.0.1 --save "" --dir "$workdir" >"$workdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
redis-cli -p "$port" ping >/dev/null || { echo "FastNode did not start on $port" >&2; exit 1; }

if [ "$preload" = 1 ]; then
  timeout 300 redis-benchmark -p "$port" -t set -n 3000000 -r 1000000 -P 64 -c 50 -q >/dev/null
fi
keys_before=$(redis-cli -p "$port" dbsize)

# Sample for the whole run plus a little slack on each side.
"$tools_dir/dotnet-counters" collect -p "$server_pid" --refresh-interval 1 --format csv -o "$workdir/counters.csv" \
  --counters System.Runtime --duration "00:00:$(printf '%02d:%02d' $(( (seconds + 3) / 60 )) $(( (seconds + 3) % 60 )))" >/dev/null 2>&1 &
counters_pid=$!
sleep 1
half=$(( (seconds + 1) / 2 ))
for test in set get; do
  timeout "$half" redis-benchmark -p "$port" -t "$test" -P 16 -r 1000000 -n 100000000 -c 50 -q 2>/dev/null \
    | tr '\r' '\n' | grep -E '^(SET|GET):' | tail -1 || true
done
wait "$counters_pid" || true
echo "keys: $keys_before before the run, $(redis-cli -p "$port" dbsize) after"

python3 - "$workdir/counters.csv" <<'PY'
import csv, sys, collections
totals = collections.Counter()
for row in list(csv.reader(open(sys.argv[1])))[1:]:
    try:
        value = float(row[-1])
    except (ValueError, IndexError):
        continue
    name = row[2]
    for key, label in (("generation=gen0", "gen0"), ("generation=gen1", "gen1"), ("generation=gen2", "gen2")):
        if "gc.collections" in name and key in name:
            totals[label] += value
    if "gc.pause.time" in name:
        totals["pause"] += value
    if "gc.heap.total_allocated" in name:
        totals["allocated"] += value
print(f"collections: gen0 {totals['gen0']:.0f}, gen1 {totals['gen1']:.0f}, gen2 {totals['gen2']:.0f}; "
      f"GC pause {totals['pause'] * 1000:.0f} ms; allocated {totals['allocated'] / 1e6:.1f} MB")
PY
