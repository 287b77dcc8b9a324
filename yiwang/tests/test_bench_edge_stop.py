"""bench/run_cases.py's edge (nginx in front of the nodes) must not outlive a bench whose edge
warm-up fails: the same refusal that left a gunicorn running (--server production's admission
control answers the warm-up's concurrent requests 503) reaches the nodes through the edge too, and
then ``NginxEdge.__init__`` raises before the caller holds the object its ``finally`` would stop.
nginx itself is not needed: its process is stood in for by a sleeping one in its own session."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run_cases


class _RefusedWarmUp:
    """``mp.Pool`` whose ``map`` fails as ``_bare_client``'s ``assert status == 201`` does on a 503."""

    def __init__(self, processes: int) -> None:
        pass

    def __enter__(self) -> _RefusedWarmUp:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: object, jobs: object) -> list[object]:
        raise AssertionError(503)


def test_an_edge_whose_warm_up_is_refused_is_stopped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def nginx_stand_in(argv: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        proc = real_popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)
        started.append(proc)
        return proc

    monkeypatch.setattr(run_cases.shutil, "which", lambda name: "/usr/sbin/nginx")
    monkeypatch.setattr(run_cases, "VAR_BENCH", tmp_path)
    monkeypatch.setattr(run_cases, "free_port", lambda: port)
    monkeypatch.setattr(run_cases, "write_edge_config", lambda *args, **kwargs: tmp_path / "nginx.conf")
    monkeypatch.setattr(run_cases.subprocess, "run", lambda *args, **kwargs: None)  # nginx -t
    monkeypatch.setattr(run_cases.subprocess, "Popen", nginx_stand_in)
    monkeypatch.setattr(run_cases.mp, "Pool", _RefusedWarmUp)
    try:
        with pytest.raises(AssertionError):
            run_cases.NginxEdge([8101])
        assert len(started) == 1
        try:
            started[0].wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        assert started[0].poll() is not None, "the edge outlived its refused warm-up"
    finally:
        listener.close()
        for proc in started:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
