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

# The options the benchmark scripts share: --rounds N, --requests N, --keys N, --port-base P, -h. A script sets the
# variables it takes (rounds, requests, keys, port_base) to their defaults first; an option whose variable it did not
# set is refused. $0's header comment is the help text.
parse_common_options() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --rounds) [ -n "${rounds+x}" ] || unknown_option "$1"; rounds="${2:?--rounds needs a number}"; shift ;;
      --requests) [ -n "${requests+x}" ] || unknown_option "$1"; requests="${2:?--requests needs a number}"; shift ;;
      --keys) [ -n "${keys+x}" ] || unknown_option "$1"; keys="${2:?--keys needs a number}"; shift ;;
      --port-base) [ -n "${port_base+x}" ] || unknown_option "$1"; port_base="${2:?--port-base needs a port}"; shift ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
      *) unknown_option "$1" ;;
    esac
    shift
  done
}

unknown_option() { echo "unknown argument: $1 (see --help)" >&2; exit 2; }
