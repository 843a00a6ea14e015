#!/usr/bin/env python3
"""Resident memory a server spends on idle client connections.

    idle_conns.py --port P --pid PID [--count 5000] [--host 127.0.0.1] [--timeout 60] [--subscribe CHANNEL]

Reads the server's VmRSS, opens COUNT TCP connections to it, sends one PING on each and
waits for every +PONG (so each connection has been accepted and has served a command);
with --subscribe, one SUBSCRIBE CHANNEL instead, waiting for every confirmation (idle subscribers),
lets the server settle for a second, reads VmRSS again, then closes every connection.
Prints one line of tab-separated numbers:

    opened  rss_before_kb  rss_with_kb  rss_after_close_kb

Loopback only; the whole run is bounded by --timeout seconds (exit 1 when it runs out).
Raises the soft open-file limit to what it needs (up to the hard limit) first.
"""
import argparse
import resource
import selectors
import socket
import sys
import time


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--subscribe", help="subscribe every connection to this channel instead of sending PING")
    args = ap.parse_args()
    if not (args.host.startswith("127.") or args.host in ("localhost", "::1")):
        sys.exit("idle_conns.py: loopback addresses only")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.count + 64
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new_soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
        soft = new_soft
    count = min(args.count, soft - 64) if soft != resource.RLIM_INFINITY else args.count

    deadline = time.monotonic() + args.timeout
    before = rss_kb(args.pid)
    socks = []
    try:
        for _ in range(count):
            left = deadline - time.monotonic()
            if left <= 0:
                sys.exit("idle_conns.py: timed out while connecting")
            s = socket.create_connection((args.host, args.port), timeout=min(left, 10.0))
            s.setblocking(False)
            socks.append(s)

        # One PING (or SUBSCRIBE) per connection; wait for all the replies with a selector (bounded by the deadline).
        if args.subscribe:
            channel = args.subscribe.encode()
            request = b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(channel), channel)
            expected, complete = b"*3\r\n$9\r\nsubscribe\r\n", b":1\r\n"
        else:
            request, expected, complete = b"*1\r\n$4\r\nPING\r\n", b"+PONG", b"\r\n"
        sel = selectors.DefaultSelector()
        for s in socks:
            s.send(request)
            sel.register(s, selectors.EVENT_READ, bytearray())
        pending = len(socks)
        while pending:
            left = deadline - time.monotonic()
            if left <= 0:
                sys.exit(f"idle_conns.py: timed out waiting for PONG ({pending} of {len(socks)} missing)")
            for key, _ in sel.select(timeout=min(left, 1.0)):
                data = key.fileobj.recv(64)
                if not data:
                    sys.exit("idle_conns.py: the server closed a connection (connection limit?)")
                buf = key.data
                buf += data
                if buf.endswith(complete):
                    if not buf.startswith(expected):
                        sys.exit(f"idle_conns.py: unexpected reply {bytes(buf)[:80]!r}")
                    sel.unregister(key.fileobj)
                    pending -= 1
        sel.close()
        time.sleep(1.0)
        with_conns = rss_kb(args.pid)
    finally:
        for s in socks:
            s.close()
    time.sleep(1.0)
    after = rss_kb(args.pid)
    print(f"{len(socks)}\t{before}\t{with_conns}\t{after}")


if __name__ == "__main__":
    main()
