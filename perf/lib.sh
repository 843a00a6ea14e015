# Shared by perf/persistence.sh, perf/bgsave.sh and perf/replication.sh (sourced, not run).

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
