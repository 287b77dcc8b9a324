"""Write and read probes for the database-tier drills (deploy/drills/failover.py).

A writer thread commits one row at a time through the read-write entry (PgBouncer, 6432) and
remembers every commit the server acknowledged; a reader thread runs ``SELECT 1`` through the
read-only entry (6433). Both reconnect after any error, as an application server does. From the
timestamps the drill computes what a client saw: the longest gap between two acknowledged writes,
the first acknowledged write after the fault, and which acknowledged writes a node holds afterwards.

A commit whose acknowledgement never arrived (the connection died during COMMIT) has an unknown
outcome: it is counted as ``in_doubt``, never as acknowledged, exactly as a client must treat it.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

import psycopg

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS drill_probe (
    key uuid PRIMARY KEY,
    writer int NOT NULL,
    seq bigint NOT NULL,
    acked_at timestamptz NOT NULL DEFAULT clock_timestamp()
)"""


def connect(url: str, *, timeout: float = 3, statement_timeout_ms: int = 10_000) -> psycopg.Connection:
    conn = psycopg.connect(url, connect_timeout=max(1, int(timeout)), autocommit=True)
    # PgBouncer drops startup options: set the timeout in the session (session pooling keeps it)
    conn.execute(f"SET statement_timeout = {int(statement_timeout_ms)}")
    return conn


def drop(conn: psycopg.Connection | None, *, pause: float = 0.2) -> None:
    """After an error: close the connection (whatever state it is in) and wait ``pause`` seconds
    before the caller reconnects, as an application server does."""
    if conn is not None:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is dropped anyway
            pass
    if pause:
        time.sleep(pause)


def ensure_table(url: str) -> None:
    with connect(url) as conn:
        conn.execute(TABLE_SQL)


@dataclass
class Ack:
    key: str
    writer: int
    seq: int
    t: float  # monotonic seconds, client clock, when the COMMIT was acknowledged
    wall: float  # time.time() at the same moment


@dataclass
class Probe:
    url: str
    writers: int = 4
    read_url: str | None = None
    acks: list[Ack] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)
    in_doubt: int = 0
    reads_ok: list[float] = field(default_factory=list)
    read_errors: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        ensure_table(self.url)
        for n in range(self.writers):
            t = threading.Thread(target=self._write_loop, args=(n,), daemon=True)
            t.start()
            self._threads.append(t)
        if self.read_url:
            t = threading.Thread(target=self._read_loop, daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=30)

    def _write_loop(self, writer: int) -> None:
        conn = None
        seq = 0
        while not self._stop.is_set():
            committing = False
            try:
                if conn is None:
                    conn = connect(self.url)
                seq += 1
                key = str(uuid.uuid4())
                with conn.transaction():
                    conn.execute("INSERT INTO drill_probe (key, writer, seq) VALUES (%s, %s, %s)", (key, writer, seq))
                    committing = True
                ack = Ack(key, writer, seq, time.monotonic(), time.time())
                with self._lock:
                    self.acks.append(ack)
            except Exception as exc:  # noqa: BLE001 - a drill records every failure a client sees
                with self._lock:
                    self.errors.append((time.monotonic(), f"{type(exc).__name__}: {str(exc).strip()[:160]}"))
                    if committing:
                        self.in_doubt += 1
                drop(conn)
                conn = None
        drop(conn, pause=0)

    def _read_loop(self) -> None:
        conn = None
        while not self._stop.is_set():
            try:
                if conn is None:
                    conn = connect(self.read_url or self.url)
                conn.execute("SELECT 1").fetchone()
                with self._lock:
                    self.reads_ok.append(time.monotonic())
                time.sleep(0.05)
            except Exception:  # noqa: BLE001
                with self._lock:
                    self.read_errors.append(time.monotonic())
                drop(conn)
                conn = None
        drop(conn, pause=0)

    # ------------------------------------------------------------------ figures
    def ack_times(self) -> list[float]:
        with self._lock:
            return sorted(a.t for a in self.acks)

    @staticmethod
    def longest_gap(times: list[float], start: float | None = None, end: float | None = None) -> float:
        points = [t for t in times if (start is None or t >= start) and (end is None or t <= end)]
        return max((b - a for a, b in zip(points, points[1:], strict=False)), default=0.0)

    @staticmethod
    def first_after(times: list[float], t0: float) -> float | None:
        return next((t for t in times if t > t0), None)

    @staticmethod
    def recovered_at(times: list[float], t_fault: float, window: float = 5.0) -> float | None:
        """When acknowledgements resumed after a fault at ``t_fault``: the end of the longest gap that
        began within ``window`` seconds of it (commits already in flight when the fault struck may
        be acknowledged just after it). A longest gap under a second is no outage: ``t_fault``."""
        gaps = [(b - a, b) for a, b in zip(times, times[1:], strict=False) if b > t_fault and a <= t_fault + window]
        if not gaps:
            return None
        length, end = max(gaps)
        return end if length >= 1.0 else t_fault

    def outage(self, t_fault: float, until: float | None = None) -> dict[str, float | None]:
        """What a client saw around a fault at ``t_fault`` (monotonic), up to ``until``: how long
        after the fault writes (reads) were acknowledged again (0: no gap of a second or more), and
        the longest silence between two acknowledgements in that window."""
        writes = self.ack_times()
        with self._lock:
            reads = sorted(self.reads_ok)
        back = self.recovered_at(writes, t_fault)
        back_read = self.recovered_at(reads, t_fault)
        return {
            "write_unavailable_s": round(back - t_fault, 2) if back else None,
            "longest_write_gap_s": round(self.longest_gap(writes, t_fault - 1, until), 2),
            "read_unavailable_s": round(back_read - t_fault, 2) if back_read else None,
            "longest_read_gap_s": round(self.longest_gap(reads, t_fault - 1, until), 2) if reads else None,
        }

    def keys_missing(self, url: str, until_wall: float | None = None) -> list[Ack]:
        """The acknowledged writes (up to ``until_wall``) that the database at ``url`` lacks."""
        with self._lock:
            acks = [a for a in self.acks if until_wall is None or a.wall <= until_wall]
        present: set[str] = set()
        with connect(url, statement_timeout_ms=120_000) as conn:
            for i in range(0, len(acks), 5000):
                chunk = [a.key for a in acks[i:i + 5000]]
                rows = conn.execute("SELECT key::text FROM drill_probe WHERE key = ANY(%s::uuid[])", (chunk,)).fetchall()
                present.update(r[0] for r in rows)
        return [a for a in acks if a.key not in present]
