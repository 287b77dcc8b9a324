#!/usr/bin/env python3
"""Load driver for correctness drills: submissions whose every acknowledgement is written down.

    python deploy/drills/submitter.py --base-url http://127.0.0.1:8080 --username citizen \\
        --item 330999-01-01006-000 --material-id 23,24 --form '{"registration_number": "92330999MA0000000X",
        "change_items": "名称", "change_after": "青禾小馆", "contact_phone": "13800000000"}' \\
        --threads 8 --duration 60 --ack-log var/cluster/acks.jsonl

(With the demo data, ``330999-01-01006-000`` 个体工商户变更登记 takes two PDF materials, 23 and 24, and
the demo account ``citizen``, password ``yiwang2026``, may apply for it online.)

N threads each loop: (optionally) upload a small PDF, then ``POST /api/v1/applications`` with a
fresh ``Idempotency-Key``. On a connection error, a timeout, a 5xx, a 429 or a 503 the **same key**
is sent again (``Retry-After`` honoured, capped by ``--max-wait``; otherwise exponential backoff),
until ``--give-up`` seconds have passed for that submission. Every acknowledged submission (2xx) is
appended to ``--ack-log`` as one JSON line ``{"key", "case_number", "status", "t"}`` (flushed and
fsynced before the next request), which is what ``check_integrity.py`` holds the database to.

An upload is not idempotent: a retried upload stages another file, the earlier one stays staged
(unattached, harmless). A 4xx other than 429 is the platform refusing the request (bad input, bad
token): the submission is dropped and counted, never written as acknowledged.

Standard library only, so it runs from any Python 3.11 without the project's venv. At the end it
prints one JSON object of counts on stdout (and to ``--summary`` if given).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


class Client:
    """One keep-alive HTTP connection per thread; reconnects after any error."""

    def __init__(self, base_url: str, timeout: float) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.https = parts.scheme == "https"
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            self.conn = cls(self.host, self.port, timeout=self.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        """Raises OSError / http.client.HTTPException on a connection failure (the caller retries)."""
        conn = self._connect()
        try:
            conn.request(method, self.prefix + path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return Reply(resp.status, data, {k.lower(): v for k, v in resp.getheaders()})


def retry_after(reply: Reply | None, attempt: int, max_wait: float) -> float:
    """Seconds to wait before the next attempt: the server's Retry-After if it sent one (seconds
    form), else exponential backoff with jitter; never more than ``max_wait``."""
    if reply is not None:
        value = reply.headers.get("retry-after", "").strip()
        if value.isdigit():
            return min(float(value), max_wait) + random.uniform(0, 0.2)
    return min(max_wait, 0.1 * 2 ** min(attempt, 8)) * random.uniform(0.5, 1.0)


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    longest_outage: float = 0.0  # longest time one submission spent between first try and its 2xx

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n


class AckLog:
    """Appends one JSON line per acknowledged submission; fsynced so a crash of the driver
    itself never loses an acknowledgement the platform gave."""

    def __init__(self, path: str) -> None:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.lock:
            self.fh.write(line)
            self.fh.flush()
            os.fsync(self.fh.fileno())

    def close(self) -> None:
        self.fh.close()


def obtain_token(base_url: str, username: str, password: str, timeout: float) -> str:
    client = Client(base_url, timeout)
    deadline = time.monotonic() + 60
    attempt = 0
    while True:
        reply = None
        try:
            reply = client.request("POST", "/api/v1/auth/token",
                                   json.dumps({"username": username, "password": password}).encode(),
                                   {"Content-Type": "application/json"})
            if reply.status == 200:
                return reply.json()["token"]
            if reply.status not in RETRY_STATUSES:
                raise SystemExit(f"token refused: HTTP {reply.status} {reply.body[:300]!r}")
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            raise SystemExit("could not obtain a token within 60 s")
        time.sleep(retry_after(reply, attempt, 5))
        attempt += 1


def multipart(name: str, filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Worker(threading.Thread):
    def __init__(self, args: argparse.Namespace, token: str, ack: AckLog, stats: Stats, stop_at: float,
                 remaining: list[int], index: int) -> None:
        super().__init__(name=f"submitter-{index}", daemon=True)
        self.args, self.ack, self.stats, self.stop_at, self.remaining = args, ack, stats, stop_at, remaining
        self.client = Client(args.base_url, args.timeout)
        self.auth = {"Authorization": f"Bearer {token}"}
        self.index = index

    def _take(self) -> bool:
        if time.monotonic() >= self.stop_at:
            return False
        with self.stats.lock:
            if self.remaining[0] == 0:
                return False
            if self.remaining[0] > 0:
                self.remaining[0] -= 1
        return True

    def _send(self, method: str, path: str, body: bytes, headers: dict[str, str],
              what: str) -> Reply | None:
        """One logical request, retried until a final answer (2xx or a 4xx that is not 429) or
        until --give-up seconds pass. Returns None when given up."""
        started = time.monotonic()
        attempt = 0
        while True:
            reply: Reply | None = None
            try:
                reply = self.client.request(method, path, body, {**self.auth, **headers})
            except (OSError, http.client.HTTPException) as exc:
                kind = "timeout" if isinstance(exc, socket.timeout | TimeoutError) else "connection_error"
                self.stats.add(f"{what}_retry_{kind}")
            else:
                if reply.status not in RETRY_STATUSES:
                    waited = time.monotonic() - started
                    with self.stats.lock:
                        self.stats.longest_outage = max(self.stats.longest_outage, waited)
                    return reply
                self.stats.add(f"{what}_retry_{reply.status}")
            if time.monotonic() - started > self.args.give_up:
                self.stats.add(f"{what}_given_up")
                return None
            time.sleep(retry_after(reply, attempt, self.args.max_wait))
            attempt += 1

    def _upload(self) -> int | None:
        body, ctype = multipart("file", "drill.pdf", PDF + uuid.uuid4().hex.encode(), "application/pdf")
        reply = self._send("POST", "/api/v1/uploads", body, {"Content-Type": ctype}, "upload")
        if reply is None:
            return None
        if reply.status != 201:
            self.stats.add(f"upload_refused_{reply.status}")
            print(f"upload refused {reply.status}: {reply.body[:300]!r}", file=sys.stderr)
            return None
        return int(reply.json()["id"])

    def submit_one(self) -> None:
        materials = []
        for material_id in self.args.material_id:
            upload_id = self._upload()
            if upload_id is None:
                return
            materials.append({"material_id": material_id, "upload_id": upload_id})
        key = f"{self.args.key_prefix}-{uuid.uuid4().hex}"
        payload = json.dumps({"item_code": self.args.item, "form": self.args.form, "materials": materials}).encode()
        t0 = time.monotonic()
        reply = self._send("POST", "/api/v1/applications", payload,
                           {"Content-Type": "application/json", "Idempotency-Key": key}, "submit")
        if reply is None:
            # never acknowledged: may or may not exist; the checker does not require it
            self.stats.add("unacknowledged")
            return
        if 200 <= reply.status < 300:
            number = (reply.json() or {}).get("number")
            self.ack.write({"key": key, "case_number": number, "status": reply.status, "t": time.time()})
            with self.stats.lock:
                self.stats.counts[f"ack_{reply.status}"] += 1
                self.stats.latencies.append(time.monotonic() - t0)
        else:
            self.stats.add(f"submit_refused_{reply.status}")
            print(f"submission refused {reply.status}: {reply.body[:300]!r}", file=sys.stderr)

    def run(self) -> None:
        try:
            while self._take():
                self.submit_one()
                if self.args.pause:
                    time.sleep(self.args.pause)
        finally:
            self.client.close()


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base-url", default="http://127.0.0.1:8080")
    p.add_argument("--token", default=os.environ.get("DRILL_TOKEN", ""), help="bearer token (or --username/--password)")
    p.add_argument("--username", default="citizen")
    p.add_argument("--password", default=os.environ.get("DRILL_PASSWORD", "yiwang2026"))
    p.add_argument("--item", required=True, help="service item code to apply for")
    p.add_argument("--form", type=json.loads, default={}, help="form fields as JSON")
    p.add_argument("--material-id", type=lambda v: [int(x) for x in v.split(",") if x], default=[],
                   help="comma-separated material ids: before each submission, upload a small PDF for each")
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--duration", type=float, default=60.0, help="seconds to keep starting submissions")
    p.add_argument("--count", type=int, default=-1, help="stop after this many submissions (-1: no limit)")
    p.add_argument("--pause", type=float, default=0.0, help="seconds each thread waits between submissions")
    p.add_argument("--timeout", type=float, default=30.0, help="socket timeout per request")
    p.add_argument("--max-wait", type=float, default=10.0, help="cap on one wait before a retry (Retry-After)")
    p.add_argument("--give-up", type=float, default=120.0, help="seconds after which one submission is abandoned")
    p.add_argument("--key-prefix", default=f"drill-{uuid.uuid4().hex[:8]}")
    p.add_argument("--ack-log", required=True)
    p.add_argument("--summary", default="", help="also write the summary JSON to this file")
    args = p.parse_args(argv)

    token = args.token or obtain_token(args.base_url, args.username, args.password, args.timeout)
    ack = AckLog(args.ack_log)
    stats = Stats()
    started = time.monotonic()
    remaining = [args.count]
    workers = [Worker(args, token, ack, stats, started + args.duration, remaining, i) for i in range(args.threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    ack.close()
    elapsed = time.monotonic() - started
    acks = sum(v for k, v in stats.counts.items() if k.startswith("ack_"))
    summary = {
        "base_url": args.base_url, "threads": args.threads, "elapsed_s": round(elapsed, 2),
        "acknowledged": acks, "per_s": round(acks / elapsed, 2) if elapsed else None,
        "p50_s": percentile(stats.latencies, 0.5), "p99_s": percentile(stats.latencies, 0.99),
        "longest_retry_span_s": round(stats.longest_outage, 2), "key_prefix": args.key_prefix,
        "counts": dict(sorted(stats.counts.items())),
    }
    text = json.dumps(summary, ensure_ascii=False)
    print(text)
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    refused = sum(v for k, v in stats.counts.items() if "_refused_" in k)
    return 1 if refused and not acks else 0


if __name__ == "__main__":
    sys.exit(main())
