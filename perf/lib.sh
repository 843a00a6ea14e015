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
