"""bench/run_cases.py's several web nodes behind nginx (issue #14, "what a second web node would
add"): the workers shared between the nodes, the project's own site rendered for the bench's
edge with every node as an upstream and the shedding limits lifted, and the CPU split that counts
the edge's processes as their own group. nginx itself is not needed here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import run_cases


def test_the_workers_are_a_total_shared_by_the_nodes():
    assert run_cases.split_workers(4, 1) == [4]
    assert run_cases.split_workers(4, 2) == [2, 2]
    assert run_cases.split_workers(5, 2) == [3, 2]
    with pytest.raises(ValueError):
        run_cases.split_workers(1, 2)


def test_the_edge_proxies_to_every_node_through_the_projects_site_without_shedding(tmp_path: Path):
    conf = run_cases.write_edge_config(tmp_path, [8101, 8102], 8080, 2).read_text()
    site = (tmp_path / "site.conf").read_text()
    assert f"include {tmp_path}/site.conf;" in conf and f"pid {tmp_path}/nginx.pid;" in conf
    assert "worker_processes 2;" in conf
    for kind in ("client_body", "proxy"):
        assert f"{kind}_temp_path {tmp_path}/tmp/{kind};" in conf
    # deploy/nginx's site, rendered: both nodes upstream, the bench's own port and log
    assert "server 127.0.0.1:8101 max_fails=3" in site and "server 127.0.0.1:8102 max_fails=3" in site
    assert "listen 127.0.0.1:8080;" in site and f"access_log {tmp_path}/access.log yiwang_json;" in site
    assert "proxy_pass http://yiwang;" in site
    # the production limits (120 r/s in total) would answer the bare view 429: lifted
    rates = re.findall(r"rate=(\S+);", site)
    assert rates == ["100000r/s", "100000r/s"]
    assert "limit_conn yiwang_conn_all 10000;" in site


def _burn_then_wait(seconds: float) -> subprocess.Popen[bytes]:
    # burns half as much again as the test counts on: /proc's tick-sampled utime/stime (what the
    # bench reads) can fall a tick or two short of the precise process_time the child burns by,
    # and did on a loaded machine (0.29 for 0.3)
    code = f"import time\nend = time.process_time() + {seconds * 1.5}\nwhile time.process_time() < end: pass\ntime.sleep(60)"
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.time() + 30
    while run_cases._proc_cpu(proc.pid) < seconds and time.time() < deadline:
        time.sleep(0.05)
    return proc


def test_the_edges_processes_are_their_own_group_in_the_cpu_split():
    child = _burn_then_wait(0.3)  # a child of this process, as a worker is of its master
    try:
        as_web = run_cases.cpu_by_group(server_pids=[os.getpid()])
        as_edge = run_cases.cpu_by_group(server_pids=[], edge_pid=child.pid)
        default = run_cases.cpu_by_group()
    finally:
        child.kill()
        child.wait()
    assert as_web["web"] >= 0.3 and "edge" not in as_web
    assert as_edge["edge"] >= 0.3 and as_edge["web"] == 0.0
    assert "edge" not in default  # one node without an edge: the split as before
