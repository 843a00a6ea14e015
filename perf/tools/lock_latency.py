#!/usr/bin/env python3
"""LOCK.ACQUIRE / LOCK.RELEASE round-trip latency on one connection (perf/locks.sh).

usage: lock_latency.py PORT ITERATIONS PREFIX
Each iteration acquires a fresh key (a grant) and releases it (a release that changes the lock), so in majority mode
both wait for a replica's acknowledgement. Then, as a reference, the same number of SET + WAIT 1 1000 (only the WAIT timed): one replication round trip.
Prints "acquire p50 p99 release p50 p99 wait p50 p99" in microseconds. The times include
this client's own overhead (a few us of Python per call), the same in every mode.
"""
import socket
import sys
import time


def command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def read_line(sock, buf):
    while b"\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buf += chunk
    line, _, rest = buf.partition(b"\r\n")
    return line, rest


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def main():
    port, iterations, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    acquire, release = [], []
    for i in range(iterations):
        key = "%s:%d" % (prefix, i)
        for samples, cmd, expect in ((acquire, command("LOCK.ACQUIRE", key, "owner", 10000), b":"),
                                     (release, command("LOCK.RELEASE", key, "owner"), b":1")):
            started = time.perf_counter_ns()
            sock.sendall(cmd)
            line, buf = read_line(sock, buf)
            samples.append((time.perf_counter_ns() - started) / 1000)
            if not line.startswith(expect):
                sys.exit("unexpected reply: %r" % line)
    waits = []
    for i in range(iterations):
        sock.sendall(command("SET", "%s:w" % prefix, i))
        line, buf = read_line(sock, buf)
        started = time.perf_counter_ns()
        sock.sendall(command("WAIT", 1, 1000))
        line, buf = read_line(sock, buf)
        waits.append((time.perf_counter_ns() - started) / 1000)
    print("%.0f %.0f %.0f %.0f %.0f %.0f" % (percentile(acquire, 50), percentile(acquire, 99), percentile(release, 50),
                                             percentile(release, 99), percentile(waits, 50), percentile(waits, 99)))


main()
