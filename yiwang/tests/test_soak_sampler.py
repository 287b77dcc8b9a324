"""bench/load/soak.py's sampler: a process the topology's pid files name must show in the report even
when it is gone. The 6-minute soak of docs/benchmarks.md ("Production mode") had no row for task
worker 2 and said nothing about why: its process had exited (db_worker ends on a lost database
connection) and the sampler skipped a pid file whose process was not running."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.load import soak


def test_a_pid_file_whose_process_is_gone_is_reported_not_left_out(tmp_path: Path):
    run = tmp_path / "run"
    run.mkdir()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    try:
        (run / "worker1.pid").write_text(f"{alive.pid}\n")
        (run / "worker2.pid").write_text(f"{gone.pid}\n")
        samples: list[dict[str, Any]] = [{"t": t, "load": 1.0, "processes": soak.snapshot([run]), "dead": soak.dead_roots([run]), "pg": {}}
                   for t in (0.0, 30.0, 60.0)]
    finally:
        alive.kill()
        alive.wait()

    assert {p["group"] for p in samples[0]["processes"].values()} == {"worker1"}
    assert samples[0]["dead"] == ["worker2"]
    text = soak.report(samples, label="t", minutes=1, scale=1, every=30, warmup=0, runner_out="")
    assert "Pid files whose process was not running** (in how many of the samples): worker2 (3 of 3)" in text
