#!/usr/bin/env python3
"""Edge drill: a 1 GB request body is refused at the edge without being read; a large dataset push
still goes through (docs/deployment.md, "Large uploads"; issue #15, "Bad input and faults").

    .venv/bin/python deploy/drills/edge_body.py [--edge 127.0.0.1:8080] [--push-mb 30]

1. ``POST /api/v1/applications`` announcing ``Content-Length: 1 GiB``, then streaming the body:
   the answer (413) should come before the body is sent, and the edge should stop reading it; the
   script counts the bytes it managed to send before the answer or the close.
2. The same body without a length (``Transfer-Encoding: chunked``): nginx can only count, so it
   should answer 413 once the 25 MB limit is crossed, not after 1 GB.
3. A dataset push of ``--push-mb`` MB (over the 25 MB limit elsewhere) by the steward ``ga_steward``
   to ``/api/v1/exchange/resources/LOAD_RK/datasets``: accepted (202, queued), then polled until a
   task worker has loaded it (``done``).

Standard library only; prints Markdown; exit status 1 when an expectation fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import select
import socket
import sys
import time
import uuid
from pathlib import Path

GIB = 1024**3
CHUNK = 256 * 1024


def send_big(host: str, port: int, chunked: bool, limit: int = GIB) -> dict:
    """Stream up to ``limit`` bytes; stop at the first byte of an answer or when the edge closes."""
    s = socket.create_connection((host, port), timeout=10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 256 * 1024)
    head = (f"POST /api/v1/applications HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            "Authorization: Bearer drill-not-a-token\r\n")
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {limit}\r\n\r\n"
    started = time.perf_counter()
    s.sendall(head.encode())
    sent, answer, closed = 0, b"", False
    block = b"x" * CHUNK
    frame = f"{CHUNK:x}\r\n".encode() + block + b"\r\n" if chunked else block
    pending = memoryview(b"")
    s.setblocking(False)
    while sent < limit:
        readable, writable, _ = select.select([s], [s], [], 10)
        if readable:
            try:
                data = s.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                closed = True
                break
            if not data:
                closed = True
                break
            answer += data
            break
        if writable:
            if not pending:
                pending = memoryview(frame)
            try:
                n = s.send(pending)
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            except BlockingIOError:
                continue
            pending = pending[n:]
            sent += n  # body bytes (with chunked framing, a few bytes a chunk more)
        if not readable and not writable:
            break  # neither: the edge stopped reading and said nothing for 10 s
    elapsed = time.perf_counter() - started
    s.setblocking(True)
    s.settimeout(5)
    try:
        while b"\r\n\r\n" not in answer:
            data = s.recv(65536)
            if not data:
                break
            answer += data
    except OSError:
        pass
    s.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else None
    return {"status": status, "sent_bytes": sent, "seconds": round(elapsed, 3), "closed_by_edge": closed,
            "answer_head": answer.split(b"\r\n\r\n", 1)[0].decode(errors="replace")[:300]}


def token(host: str, port: int, username: str, password: str) -> str:
    c = http.client.HTTPConnection(host, port, timeout=30)
    c.request("POST", "/api/v1/auth/token", json.dumps({"username": username, "password": password}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        raise SystemExit(f"token for {username}: HTTP {r.status} {body[:200]!r}")
    return json.loads(body)["token"]


def push_dataset(host: str, port: int, mb: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.exchange_common import people_file

    rows = max(1000, mb * 1024 * 1024 // 94)
    path = people_file(rows)
    size = path.stat().st_size
    tok = token(host, port, "ga_steward", "yiwang2026")
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    c = http.client.HTTPConnection(host, port, timeout=300)
    started = time.perf_counter()
    c.putrequest("POST", "/api/v1/exchange/resources/LOAD_RK/datasets")
    c.putheader("Authorization", f"Bearer {tok}")
    c.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    c.putheader("Content-Length", str(len(head) + size + len(tail)))
    c.endheaders()
    c.send(head)
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            c.send(chunk)
    c.send(tail)
    r = c.getresponse()
    body = json.loads(r.read() or b"{}")
    accepted = time.perf_counter() - started
    result = {"file_bytes": size, "rows": rows, "status": r.status, "accepted_s": round(accepted, 2),
              "push": {k: body.get(k) for k in ("id", "status", "url")}}
    if r.status == 202 and body.get("id"):
        deadline = time.time() + 600
        while time.time() < deadline:
            c = http.client.HTTPConnection(host, port, timeout=30)
            c.request("GET", f"/api/v1/exchange/pushes/{body['id']}", headers={"Authorization": f"Bearer {tok}"})
            poll = json.loads(c.getresponse().read() or b"{}")
            if poll.get("status") in ("done", "failed"):
                result["final"] = {"status": poll.get("status"), "loaded_s": round(time.perf_counter() - started, 1),
                                   "error": poll.get("error"), "dataset_status": (poll.get("dataset") or {}).get("status")}
                break
            time.sleep(3)
        else:
            result["final"] = {"status": "not done within 600 s"}
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edge", default="127.0.0.1:8080")
    ap.add_argument("--push-mb", type=int, default=30, help="size of the legitimate dataset push (0: skip)")
    args = ap.parse_args()
    host, port = args.edge.rsplit(":", 1)
    port_n = int(port)
    ok = True
    print(f"## Edge body drill ({time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load average "
          f"{open('/proc/loadavg').read().split()[0]})\n")
    for label, chunked in (("Content-Length: 1 GiB", False), ("chunked, 1 GiB", True)):
        r = send_big(host, port_n, chunked)
        good = r["status"] == 413 and r["sent_bytes"] < 64 * 1024 * 1024
        ok &= good
        print(f"- {label}: HTTP {r['status']} after {r['sent_bytes'] / 1e6:.1f} MB sent, {r['seconds']} s; "
              f"closed by the edge: {r['closed_by_edge']} — {'as expected' if good else 'NOT as expected'}")
    if args.push_mb:
        r = push_dataset(host, port_n, args.push_mb)
        good = r["status"] == 202 and r.get("final", {}).get("status") == "done"
        ok &= good
        print(f"- dataset push of {r['file_bytes'] / 1e6:.1f} MB ({r['rows']} rows) through the edge: HTTP {r['status']} "
              f"in {r['accepted_s']} s; then {json.dumps(r.get('final'), ensure_ascii=False)} — "
              f"{'as expected' if good else 'NOT as expected'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
