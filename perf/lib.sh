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

# The options of persistence.sh and replication.sh: --rounds N, --requests N, --port-base P, -h. Set rounds, requests
# and port_base to their defaults first; $0's header comment is the help text.
parse_rounds_requests_port() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --rounds) rounds="${2:?--rounds needs a number}"; shift ;;
      --requests) requests="${2:?--requests needs a number}"; shift ;;
      --port-base) port_base="${2:?--port-base needs a port}"; shift ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
      *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
  done
}
