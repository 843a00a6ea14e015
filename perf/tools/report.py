#!/usr/bin/env python3
"""Turns the raw measurements of perf/compare.sh into its tables.

    report.py RAW_TSV

RAW_TSV has one tab-separated record per line (written by compare.sh):

    bench  CASE_ID  LABEL  SERVER  ROUND  REQUESTS  RPS  P50_MS  P99_MS  CPU_TICKS  CLK_TCK   (RPS "error" when the run failed)
    mem    SERVER   KEYS   RSS_START_KB  RSS_LOADED_KB
    conn   SERVER   OPENED RSS_BEFORE_KB RSS_WITH_KB RSS_AFTER_CLOSE_KB
    skip   SERVER   REASON

Every figure in the throughput table is the median across rounds (each column on its own).
"""
import statistics
import sys

SERVERS = ["FastNode", "Redis", "Garnet"]
# FastNode-only cases are compared with FastNode's own INCR figure.
BASELINE_CASE = "incr"


def fmt_int(v):
    return f"{v:,.0f}"


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}"


def median(values):
    return statistics.median(values) if values else None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RAW_TSV")
    bench = {}        # (case, server) -> list of (rps, p50, p99, cpu_us_per_req)
    errors = {}       # (case, server) -> count
    cases = []        # (case_id, label) in first-seen order
    mem, conn, skipped = {}, {}, {}
    with open(sys.argv[1]) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            kind = parts[0]
            if kind == "bench":
                _, case, label, server, _round, requests, rps, p50, p99, ticks, clk = parts
                if (case, label) not in cases:
                    cases.append((case, label))
                if rps == "error":
                    errors[(case, server)] = errors.get((case, server), 0) + 1
                    continue
                cpu_us = int(ticks) * 1e6 / int(clk) / int(requests)
                bench.setdefault((case, server), []).append((float(rps), float(p50), float(p99), cpu_us))
            elif kind == "mem":
                _, server, keys, rss0, rss1 = parts
                mem[server] = (int(keys), int(rss0), int(rss1))
            elif kind == "conn":
                _, server, opened, rss0, rss1, rss2 = parts
                conn[server] = (int(opened), int(rss0), int(rss1), int(rss2))
            elif kind == "skip":
                skipped[parts[1]] = parts[2]

    servers = [s for s in SERVERS if s not in skipped]
    rounds = max((len(v) for v in bench.values()), default=0)

    def med(case, server, i):
        runs = bench.get((case, server))
        return median([r[i] for r in runs]) if runs else None

    print(f"Throughput (redis-benchmark -c 50; medians of {rounds} round(s); latency in ms; "
          f"CPU = server user+system CPU time per request; spread = (max-min)/median of req/s across rounds)")
    head = f"{'case':<22} {'server':<9} {'req/s':>11} {'spread':>7} {'p50':>7} {'p99':>7} {'CPU µs/req':>11} {'FN/Redis':>9} {'FN/Garnet':>10}"
    print(head)
    print("-" * len(head))
    for case, label in cases:
        first = True
        for server in SERVERS:
            runs = bench.get((case, server))
            if not runs and (case, server) not in errors:
                continue
            name = label if first else ""
            first = False
            if not runs:
                print(f"{name:<22} {server:<9} {'error':>11}")
                continue
            rps = median([r[0] for r in runs])
            rps_all = [r[0] for r in runs]
            spread = f"{(max(rps_all) - min(rps_all)) / rps * 100:.0f}%" if len(runs) > 1 else "-"
            ratios = ""
            if server == "FastNode":
                if any((case, s) in bench for s in ("Redis", "Garnet")):
                    r1 = fmt_ratio(rps, med(case, "Redis", 0)) if "Redis" in servers else "skipped"
                    r2 = fmt_ratio(rps, med(case, "Garnet", 0)) if "Garnet" in servers else "skipped"
                    ratios = f" {r1:>9} {r2:>10}"
                else:
                    base = med(BASELINE_CASE, "FastNode", 0)
                    if base:
                        ratios = f"   vs FastNode INCR {fmt_int(base)} req/s: {rps / base:.2f}"
            print(f"{name:<22} {server:<9} {fmt_int(rps):>11} {spread:>7} {med(case, server, 1):>7.3f} "
                  f"{med(case, server, 2):>7.3f} {med(case, server, 3):>11.1f}{ratios}")
            if (case, server) in errors:
                print(f"{'':<22} {'':<9} ({errors[(case, server)]} failed run(s) left out)")

    if mem:
        print()
        print("Memory: RSS per key after loading keys with 16-byte values (RSS loaded - RSS right after start) / DBSIZE")
        head = f"{'server':<9} {'keys':>10} {'RSS start MB':>13} {'RSS loaded MB':>14} {'bytes/key':>10} {'FastNode/x':>11}"
        print(head)
        print("-" * len(head))
        per_key = {s: (v[2] - v[1]) * 1024 / v[0] if v[0] else None for s, v in mem.items()}
        for server in SERVERS:
            if server not in mem:
                continue
            keys, rss0, rss1 = mem[server]
            pk = per_key[server]
            ratio = fmt_ratio(per_key.get("FastNode"), pk) if server != "FastNode" else ""
            print(f"{server:<9} {keys:>10,} {rss0 / 1024:>13.1f} {rss1 / 1024:>14.1f} "
                  f"{(f'{pk:.0f}' if pk is not None else '-'):>10} {ratio:>11}")

    if conn:
        print()
        print("Connections: RSS per idle connection (each sent one PING), (RSS with them - RSS before) / count")
        head = f"{'server':<9} {'conns':>6} {'RSS before MB':>14} {'RSS with MB':>12} {'after close MB':>15} {'bytes/conn':>11} {'FastNode/x':>11}"
        print(head)
        print("-" * len(head))
        per_conn = {s: (v[2] - v[1]) * 1024 / v[0] if v[0] else None for s, v in conn.items()}
        for server in SERVERS:
            if server not in conn:
                continue
            opened, rss0, rss1, rss2 = conn[server]
            pc = per_conn[server]
            ratio = fmt_ratio(per_conn.get("FastNode"), pc) if server != "FastNode" else ""
            print(f"{server:<9} {opened:>6,} {rss0 / 1024:>14.1f} {rss1 / 1024:>12.1f} {rss2 / 1024:>15.1f} "
                  f"{(f'{pc:,.0f}' if pc is not None else '-'):>11} {ratio:>11}")

    for server, reason in skipped.items():
        print()
        print(f"{server} skipped: {reason}")


if __name__ == "__main__":
    main()
