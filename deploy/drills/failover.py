#!/usr/bin/env python3
"""Database-tier drills on the cluster of deploy/cluster/db.sh (which must be up), under load.

    .venv/bin/python deploy/drills/failover.py primary-killed   # kill -9 the primary's Patroni + postmaster
    .venv/bin/python deploy/drills/failover.py site-loss        # kill -9 primary and sync replica; DR runbook
    .venv/bin/python deploy/drills/failover.py etcd-member      # kill -9 one etcd member, then two (quorum lost)
    .venv/bin/python deploy/drills/failover.py pgbouncer        # restart the read-write PgBouncer
    .venv/bin/python deploy/drills/failover.py edge-primary-killed  # the primary killed while submissions
                                                                    # go through the whole topology

The load is deploy/drills/dbprobe.py: writer threads committing one row at a time through
PgBouncer 6432 (every acknowledged commit remembered) and a reader on 6433. ``edge-primary-killed``
needs the application tier too (deploy/cluster/cluster.sh up): deploy/drills/submitter.py submits
applications (uploads, then ``POST /api/v1/applications`` with an Idempotency-Key, retried with the
same key) through nginx on 8080 → the application servers → PgBouncer → HAProxy → the primary, the
probe runs beside it as the database-level baseline, and check_integrity.py holds the database to
the submitter's acknowledgements afterwards. Each drill prints its
figures and appends them as one JSON line to var/cluster/drills/results.jsonl. Run one at a time:
they kill processes of the cluster, and each leaves the cluster healthy again (db.sh up) at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dbprobe import Probe, connect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DB_SH = ROOT / "deploy/cluster/db.sh"
DB = Path(os.environ.get("YIWANG_CLUSTER_DIR", ROOT / "var/cluster")) / "db"
RESULTS = DB.parent / "drills" / "results.jsonl"
PORTS = dict(line.split("#")[0].strip().split("=", 1) for line in (ROOT / "deploy/cluster/ports.env").read_text().splitlines()
             if "=" in line.split("#")[0])
NODES = {"pg1": (int(PORTS["PG1_PORT"]), int(PORTS["PATRONI1_REST_PORT"])),
         "pg2": (int(PORTS["PG2_PORT"]), int(PORTS["PATRONI2_REST_PORT"])),
         "pg3": (int(PORTS["PG3_PORT"]), int(PORTS["PATRONI3_REST_PORT"]))}
PATRONICTL = ["patronictl", "-c", str(DB / "conf/pg1.yml")]


def log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


def password() -> str:
    return (DB / "secrets/yiwang.password").read_text().strip()


def url(port: int | str) -> str:
    return f"postgres://yiwang:{password()}@127.0.0.1:{port}/yiwang"


def su_url(node: str) -> str:
    """The superuser straight to one node (pg_stat_replication shows its figures to superusers only)."""
    su = (DB / "secrets/superuser.password").read_text().strip()
    return f"postgres://postgres:{su}@127.0.0.1:{NODES[node][0]}/yiwang"


def rw() -> str:
    """The read-write entry (PgBouncer); read when a drill needs it, so that importing this module
    needs no cluster (yiwang/tests/test_drills.py runs ``kill_leader`` against fakes)."""
    return url(PORTS["PGBOUNCER_PORT"])


def ro() -> str:
    return url(PORTS["PGBOUNCER_REPLICA_PORT"])


def rest(node: str, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{NODES[node][1]}{path}", timeout=1.5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def rest_json(node: str, path: str = "/patroni") -> dict:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{NODES[node][1]}{path}", timeout=1.5) as r:
            return json.loads(r.read())
    except (OSError, ValueError):
        return {}


def leader(exclude: tuple[str, ...] = ()) -> str | None:
    return next((n for n in NODES if n not in exclude and rest(n, "/primary") == 200), None)


def sync_standby() -> str | None:
    return next((n for n in NODES if rest(n, "/sync") == 200), None)


def pid_of(name: str) -> int | None:
    f = DB / "run" / f"{name}.pid"
    try:
        return int(f.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def postmaster_pid(node: str) -> int | None:
    try:
        return int((DB / "data" / node / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def kill9(pid: int | None, what: str) -> None:
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
            log(f"kill -9 {what} (pid {pid})")
        except ProcessLookupError:
            log(f"{what} (pid {pid}) already gone")


def kill_node(node: str) -> None:
    """The host is gone: Patroni and the postmaster die at once (backends follow the postmaster)."""
    patroni, pm = pid_of(f"patroni-{node}"), postmaster_pid(node)
    kill9(patroni, f"patroni {node}")
    kill9(pm, f"postmaster {node}")


def kill_leader(old: str) -> tuple[str, float, float, float, str]:
    """Kill the leader ``old`` (``kill_node``) and wait up to 120 s for Patroni to promote another.
    Returns the load average just before, the kill's monotonic and wall-clock times, the monotonic
    time a new leader was seen, and its name."""
    load_before = loadavg()
    t_kill = time.monotonic()
    wall_kill = time.time()
    kill_node(old)
    t_leader = wait_until("a new leader", 120, lambda: leader(exclude=(old,)) is not None)
    new = leader(exclude=(old,))
    if not new:
        raise SystemExit(f"drill failed: the new leader key went away again after {old} was killed")
    log(f"{new} is the leader after {t_leader - t_kill:.1f} s")
    return load_before, t_kill, wall_kill, t_leader, new


def wait_until(what: str, seconds: float, check) -> float:
    t0 = time.monotonic()
    while not check():
        if time.monotonic() - t0 > seconds:
            raise SystemExit(f"drill failed: {what} not reached within {seconds}s")
        time.sleep(0.2)
    return time.monotonic()


def db_up() -> float:
    t0 = time.monotonic()
    subprocess.run([str(DB_SH), "up"], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t0


def patronictl(*args: str) -> str:
    return subprocess.run([*PATRONICTL, *args], check=True, capture_output=True, text=True).stdout


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def record(result: dict) -> None:
    result = {"drill": result.pop("drill"), "date": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()), **result}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as f:
        f.write(json.dumps(result, ensure_ascii=False) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))


def lag_sample() -> dict[str, dict]:
    """Replication state as the primary sees it: bytes not yet flushed / replayed per standby."""
    with connect(su_url(leader() or "pg1")) as c:
        rows = c.execute("""SELECT application_name, sync_state,
                                   pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)::bigint,
                                   pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint,
                                   extract(epoch FROM replay_lag)::float
                            FROM pg_stat_replication""").fetchall()
    return {r[0]: {"sync_state": r[1], "flush_lag_bytes": r[2], "replay_lag_bytes": r[3], "replay_lag_s": r[4]} for r in rows}


IFB = "dbtier-ifb0"
DR_MAX_LAG = 1 << 40  # bytes: "promote whatever the DR node has"


class DrLinkDelay:
    """A slow DR link: ``tc netem`` delay and/or a ``tbf`` bandwidth limit on the DR replica's
    replication connection only, in the direction primary -> DR.

    On loopback the connection is told apart by its exact ports (the primary's port and the
    walreceiver's client port, from pg_stat_replication): an ``ingress`` filter on ``lo`` redirects
    just those packets through an ``ifb`` device carrying a ``netem`` delay. Every other packet on
    ``lo`` passes the filter untouched (the ingress hook does not queue). Removed on exit. This
    machine's kernel has no ``sch_netem``, so the drills here use the bandwidth limit.
    """

    def __init__(self, delay_ms: int, primary: str, rate_kbit: int = 0) -> None:
        self.delay_ms, self.primary, self.rate_kbit = delay_ms, primary, rate_kbit
        self.ports: tuple[tuple[int, int], ...] = ()
        self.active = False

    def __enter__(self) -> DrLinkDelay:
        if not self.delay_ms and not self.rate_kbit:
            return self
        with connect(su_url(self.primary)) as c:
            row = c.execute("SELECT client_port FROM pg_stat_replication WHERE application_name = 'pg3'").fetchone()
        assert row and row[0], "pg3 is not streaming from the primary"
        client_port, primary_port = row[0], NODES[self.primary][0]
        run = lambda *a: subprocess.run(list(a), check=True, capture_output=True)  # noqa: E731
        run("ip", "link", "add", IFB, "type", "ifb")
        self.active = True
        run("ip", "link", "set", IFB, "up")
        if self.delay_ms:  # needs the kernel's sch_netem (not loadable in every container)
            netem = ["delay", f"{self.delay_ms}ms"] + (["rate", f"{self.rate_kbit}kbit"] if self.rate_kbit else [])
            run("tc", "qdisc", "add", "dev", IFB, "root", "netem", *netem)
        else:  # a thin link: token bucket, queueing up to 30 s of traffic rather than dropping it (the
            # burst must exceed loopback's 64 KB segments, or every large segment is dropped)
            run("tc", "qdisc", "add", "dev", IFB, "root", "tbf", "rate", f"{self.rate_kbit}kbit", "burst", "128kb", "latency", "30s")
        run("tc", "qdisc", "add", "dev", "lo", "handle", "ffff:", "ingress")
        # only the WAL stream (primary -> DR) is thinned: the DR's flush/replay reports travel back
        # unqueued, so the primary's view of the lag stays true
        self.ports = ((primary_port, client_port),)
        for sport, dport in self.ports:
            run("tc", "filter", "add", "dev", "lo", "parent", "ffff:", "protocol", "ip", "prio", "1", "u32",
                "match", "ip", "sport", str(sport), "0xffff", "match", "ip", "dport", str(dport), "0xffff",
                "action", "mirred", "egress", "redirect", "dev", IFB)
        log(f"DR link: delay {self.delay_ms} ms, rate {self.rate_kbit or 'unlimited'} kbit on {primary_port}<->{client_port} (pg3's replication)")
        return self

    def cut(self) -> None:
        """The main site is gone: what sat in its outbound queue is lost, and nothing more arrives
        (the dead primary's kernel would otherwise retransmit its unacknowledged segments, which a
        lost site cannot)."""
        if not self.active:
            return
        # a redirect to a device that is down drops the packet; taking it down drops its queue too
        subprocess.run(["ip", "link", "set", IFB, "down"], check=True, capture_output=True)
        log("DR link cut (queued WAL dropped)")

    def __exit__(self, *exc: object) -> None:
        if self.active:
            subprocess.run(["tc", "qdisc", "del", "dev", "lo", "handle", "ffff:", "ingress"], capture_output=True)
            subprocess.run(["ip", "link", "del", IFB], capture_output=True)
            self.active = False
            log("DR link delay removed")


def start_load(writers: int) -> Probe:
    probe = Probe(rw(), writers=writers, read_url=ro())
    probe.start()
    return probe


def settle(probe: Probe, seconds: float) -> None:
    n0 = len(probe.acks)
    time.sleep(seconds)
    log(f"load: {len(probe.acks) - n0} acknowledged writes in {seconds:.0f} s")


# ---------------------------------------------------------------------------- drills
def primary_killed(args: argparse.Namespace) -> None:
    old = leader()
    sync = sync_standby()
    assert old and sync, "the cluster needs a leader and a synchronous standby (db.sh up)"
    log(f"leader {old}, synchronous standby {sync}; load of {args.writers} writers")
    probe = start_load(args.writers)
    settle(probe, args.warmup)
    load_before, t_kill, wall_kill, t_leader, new = kill_leader(old)
    wait_until("a write acknowledged after the kill", 120, lambda: probe.first_after(probe.ack_times(), t_leader) is not None)
    settle(probe, args.after)
    probe.stop()
    figures = probe.outage(t_kill)
    missing = probe.keys_missing(rw())
    log(f"acknowledged writes: {len(probe.acks)}, missing on the new primary: {len(missing)}, in doubt: {probe.in_doubt}")
    # the old primary comes back as a replica of the new one (pg_rewind if it had diverged)
    t_rejoin0 = time.monotonic()
    kick = subprocess.Popen([str(DB_SH), "up"], stdout=subprocess.DEVNULL)
    t_rejoin = wait_until(f"{old} streaming again", 300, lambda: rest(old, "/replica") == 200)
    kick.wait(timeout=300)
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(wall_kill))
    rewind_lines = [line for p in (DB / "log" / old).glob("patroni.log*") for line in p.read_text(errors="replace").splitlines()
                    if line[:19] >= since and "pg_rewind exit code" in line]
    rewound = rewind_lines[-1].strip() if rewind_lines else "no pg_rewind (timelines had not diverged)"
    with connect(su_url(new)) as c:
        streaming = c.execute("SELECT application_name, state, sync_state FROM pg_stat_replication ORDER BY 1").fetchall()
    log(f"{old} streaming after {t_rejoin - t_rejoin0:.1f} s; pg_stat_replication on {new}: {streaming}")
    record({"drill": "primary-killed", "killed": old, "promoted": new, "writers": args.writers,
            "loadavg_before_kill": load_before, "loadavg_after": loadavg(),
            "new_leader_after_s": round(t_leader - t_kill, 2), **figures,
            "acknowledged": len(probe.acks), "acknowledged_lost": len(missing), "in_doubt": probe.in_doubt,
            "client_errors": len(probe.errors), "old_primary_streaming_after_s": round(t_rejoin - t_rejoin0, 2),
            "old_primary_rewound": rewound, "replication_after": [list(r) for r in streaming]})


EDGE = f"http://127.0.0.1:{PORTS['EDGE_PORT']}"
APP_SH = ROOT / "deploy/cluster/app.sh"
# the demo's 个体工商户变更登记 (two PDF materials; the demo citizen may apply online), as crash.py uses
EDGE_ITEM = "330999-01-01006-000"
EDGE_MATERIALS = "23,24"
EDGE_FORM = {"registration_number": "92330999MA0000000X", "change_items": "名称", "change_after": "青禾小馆",
             "contact_phone": "13800000000"}


def app_shell(command: str) -> subprocess.CompletedProcess:
    """``command`` in the application tier's environment (its settings, its database, its secrets)."""
    return subprocess.run(["bash", "-c", f'eval "$({APP_SH} env)" && {command}'], cwd=ROOT, capture_output=True,
                          text=True, check=False)


def edge_primary_killed(args: argparse.Namespace) -> None:
    old = leader()
    sync = sync_standby()
    assert old and sync, "the cluster needs a leader and a synchronous standby (cluster.sh up)"
    with urllib.request.urlopen(f"{EDGE}/readyz", timeout=10) as r:
        assert r.status == 200, "the edge must answer /readyz (cluster.sh up)"
    out = DB.parent / "drills" / time.strftime("edge-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    ack_log, summary = out / "acks.jsonl", out / "submitter.json"
    duration = args.warmup + args.edge_seconds
    log(f"leader {old}, synchronous standby {sync}; submitter through {EDGE} for {duration:.0f} s, "
        f"{args.writers} probe writers beside it")
    submitter = subprocess.Popen(
        [sys.executable, str(ROOT / "deploy/drills/submitter.py"), "--base-url", EDGE, "--username", "citizen",
         "--password", "yiwang2026", "--item", EDGE_ITEM, "--material-id", EDGE_MATERIALS,
         "--form", json.dumps(EDGE_FORM, ensure_ascii=False), "--threads", str(args.edge_threads),
         "--duration", str(duration), "--give-up", "180", "--ack-log", str(ack_log), "--summary", str(summary)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(out / "submitter.err").open("w"))
    probe = start_load(args.writers)
    settle(probe, args.warmup)
    load_before, t_kill, wall_kill, t_leader, new = kill_leader(old)
    if submitter.wait(timeout=duration + 300) != 0:
        log(f"submitter exited {submitter.returncode}; see {out / 'submitter.err'}")
    probe.stop()
    acks = [json.loads(line) for line in ack_log.read_text().splitlines() if line.strip()]
    times = sorted(a["t"] for a in acks)
    # the submitter's view: from the kill to the end of the longest silence between two
    # acknowledged submissions that began at most 5 s after it (as the probe's figure)
    back = Probe.recovered_at(times, wall_kill)
    before = [t for t in times if t < wall_kill - 1]
    steady_gap = Probe.longest_gap(before[-60:]) if len(before) > 2 else None
    figures = {
        "edge_unavailable_s": round(back - wall_kill, 2) if back else None,
        "edge_longest_gap_s": round(Probe.longest_gap(times, wall_kill - 1), 2),
        "edge_longest_gap_before_kill_s": round(steady_gap, 2) if steady_gap is not None else None,
        "edge_acknowledged": len(acks), "edge_acknowledged_before_kill": sum(t < wall_kill for t in times),
        "submitter": json.loads(summary.read_text()) if summary.exists() else None,
        "probe": {**probe.outage(t_kill), "acknowledged": len(probe.acks),
                  "acknowledged_lost": len(probe.keys_missing(rw())), "in_doubt": probe.in_doubt},
    }
    check = app_shell(f"{sys.executable} deploy/drills/check_integrity.py --ack-log {ack_log} "
                      f"--json {out / 'integrity.json'}")
    figures["integrity_exit"] = check.returncode
    figures["integrity"] = (check.stdout.strip().splitlines() or [""])[-1][:500]
    log(f"check_integrity exit {check.returncode}: {figures['integrity']}")
    kick = subprocess.Popen([str(DB_SH), "up"], stdout=subprocess.DEVNULL)
    t_rejoin0 = time.monotonic()
    t_rejoin = wait_until(f"{old} streaming again", 300, lambda: rest(old, "/replica") == 200)
    kick.wait(timeout=300)
    record({"drill": "edge-primary-killed", "killed": old, "promoted": new, "edge_threads": args.edge_threads,
            "writers": args.writers, "loadavg_before_kill": load_before, "loadavg_after": loadavg(),
            "new_leader_after_s": round(t_leader - t_kill, 2), **figures,
            "old_primary_streaming_after_s": round(t_rejoin - t_rejoin0, 2), "out": str(out)})


def site_loss(args: argparse.Namespace) -> None:
    main = leader()
    sync = sync_standby()
    assert main and sync, "the cluster needs a leader and a synchronous standby (db.sh up)"
    assert rest("pg3", "/replica") == 200, "the DR replica pg3 must be streaming"
    log(f"main site: leader {main}, sync {sync}; DR: pg3; load of {args.writers} writers")
    probe = start_load(args.writers)
    delay = DrLinkDelay(args.dr_delay_ms, main, args.dr_rate_kbit)
    try:
        delay.__enter__()
        settle(probe, args.warmup)
        samples = []
        for _ in range(10):
            samples.append(lag_sample().get("pg3", {}))
            time.sleep(0.3)
        load_before = loadavg()
        t_kill = time.monotonic()
        wall_kill = time.time()
        kill_node(main)
        kill_node(sync)
        delay.cut()
        site_loss_dr(args, probe, delay, main, sync, samples, load_before, t_kill, wall_kill)
    finally:
        delay.__exit__()


def site_loss_dr(args, probe, delay, main, sync, samples, load_before, t_kill, wall_kill) -> None:  # noqa: ANN001
    # the operator confirms the main site is gone: no leader left (leader key expired) -- runbook step 1
    t_noleader = wait_until("the leader key to expire", 120, lambda: "Leader" not in patronictl("list", "-f", "json"))
    log(f"no leader {t_noleader - t_kill:.1f} s after the loss; DR promotion by the runbook")
    t_runbook = time.monotonic()
    # runbook step 2: no synchronous standby can exist now, so let a lone primary accept writes; and
    # accept promoting a node that lags (what it lacks is the RPO, a loss the county has accepted)
    patronictl("edit-config", "--force", "-s", "synchronous_mode=false", "-s", f"maximum_lag_on_failover={DR_MAX_LAG}")
    # runbook step 3: allow the DR node to be promoted (tag) and promote it
    conf = DB / "conf/pg3.yml"
    conf.write_text(conf.read_text().replace("nofailover: true", "nofailover: false"))
    patronictl("reload", "yiwang", "pg3", "--force")
    t_leader = wait_until("pg3 the leader", 120, lambda: rest("pg3", "/primary") == 200)
    delay.__exit__()  # the old link is gone with the walreceiver; the restored site must stream normally
    wait_until("a write acknowledged through 6432", 120, lambda: probe.first_after(probe.ack_times(), t_leader) is not None)
    settle(probe, args.after)
    t_first = probe.recovered_at(probe.ack_times(), t_kill)
    probe.stop()
    figures = probe.outage(t_kill)
    lost = probe.keys_missing(su_url("pg3"), until_wall=wall_kill)
    acked_before = [a for a in probe.acks if a.wall <= wall_kill]
    rpo_s = round(wall_kill - min(a.wall for a in lost), 3) if lost else 0.0
    log(f"RTO {t_first - t_kill:.1f} s (runbook part {t_first - t_runbook:.1f} s); "
        f"acknowledged before the loss {len(acked_before)}, lost {len(lost)} (RPO {rpo_s} s)")
    result = {"drill": "site-loss", "killed": [main, sync], "promoted": "pg3", "writers": args.writers,
              "dr_link": {"delay_ms_each_way": args.dr_delay_ms, "rate_kbit": args.dr_rate_kbit or None},
              "loadavg_before_kill": load_before, "loadavg_after": loadavg(),
              "dr_lag_before_loss": {"max_flush_lag_bytes": max((s.get("flush_lag_bytes") or 0) for s in samples),
                                     "max_replay_lag_bytes": max((s.get("replay_lag_bytes") or 0) for s in samples),
                                     "max_replay_lag_s": max((s.get("replay_lag_s") or 0) for s in samples)},
              "leader_key_expired_after_s": round(t_noleader - t_kill, 2),
              "runbook_to_first_write_s": round(t_first - t_runbook, 2), "rto_s": round(t_first - t_kill, 2),
              "dr_leader_after_s": round(t_leader - t_kill, 2), **figures,
              "acknowledged_before_loss": len(acked_before), "acknowledged_lost": len(lost), "rpo_s": rpo_s,
              "in_doubt": probe.in_doubt}
    # back to normal: the main site returns as replicas of pg3, then the primary role goes home
    log("restoring the main site")
    patronictl("edit-config", "--force", "-s", "synchronous_mode=true", "-s", "maximum_lag_on_failover=1048576")
    t0 = time.monotonic()
    db_up_proc = subprocess.Popen([str(DB_SH), "up"], stdout=subprocess.DEVNULL)  # re-renders pg3.yml (nofailover)
    wait_until("a main-site synchronous standby", 300, lambda: sync_standby() in ("pg1", "pg2"))
    home = sync_standby()
    patronictl("switchover", "--force", "--leader", "pg3", "--candidate", home)
    wait_until(f"{home} the leader", 120, lambda: rest(home, "/primary") == 200)
    patronictl("reload", "yiwang", "pg3", "--force")
    db_up_proc.wait(timeout=300)
    wait_until("pg3 streaming as the DR replica", 300, lambda: rest("pg3", "/replica") == 200)
    result["main_site_restored_after_s"] = round(time.monotonic() - t0, 2)
    log(patronictl("list"))
    record(result)


def etcd_member(args: argparse.Namespace) -> None:
    probe = start_load(args.writers)
    settle(probe, args.warmup)
    load_before = loadavg()
    t1 = time.monotonic()
    kill9(pid_of("etcd2"), "etcd member e2")
    settle(probe, args.hold)
    one = probe.outage(t1, until=time.monotonic())
    members_after_one = patronictl("list", "-f", "json")
    t2 = time.monotonic()
    kill9(pid_of("etcd3"), "etcd member e3 (quorum lost)")
    settle(probe, args.hold)
    two = probe.outage(t2, until=time.monotonic())
    leader_during_no_quorum = leader()
    t3 = time.monotonic()
    subprocess.run([str(DB_SH), "up"], check=True, stdout=subprocess.DEVNULL)
    restored_after = time.monotonic() - t3
    settle(probe, args.after)
    probe.stop()
    missing = probe.keys_missing(rw())
    record({"drill": "etcd-member", "writers": args.writers, "loadavg_before": load_before, "loadavg_after": loadavg(),
            "one_member_killed": {"hold_s": args.hold, **one,
                                  "patroni_saw_leader": '"Leader"' in members_after_one},
            "two_members_killed": {"hold_s": args.hold, **two, "primary_kept_role": leader_during_no_quorum},
            "restored_after_s": round(restored_after, 2), "acknowledged": len(probe.acks),
            "acknowledged_lost": len(missing), "client_errors": len(probe.errors)})


def pgbouncer(args: argparse.Namespace) -> None:
    probe = start_load(args.writers)
    settle(probe, args.warmup)
    load_before = loadavg()
    pid = pid_of("pgbouncer-rw")
    t0 = time.monotonic()
    os.kill(pid, signal.SIGTERM)  # immediate shutdown, as a crash or an unplanned restart
    log(f"SIGTERM pgbouncer-rw (pid {pid}); starting it again")
    while pid and Path(f"/proc/{pid}").exists():
        time.sleep(0.05)
    subprocess.run(["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--",
                    "pgbouncer", "-d", "-q", str(DB / "conf/pgbouncer-rw.ini")], check=True)
    t_started = time.monotonic()
    wait_until("a write acknowledged after the restart", 60, lambda: probe.first_after(probe.ack_times(), t_started) is not None)
    settle(probe, args.after)
    probe.stop()
    missing = probe.keys_missing(rw())
    record({"drill": "pgbouncer-restart", "writers": args.writers, "loadavg_before": load_before,
            "loadavg_after": loadavg(), "restart_took_s": round(t_started - t0, 2), **probe.outage(t0),
            "acknowledged": len(probe.acks), "acknowledged_lost": len(missing), "in_doubt": probe.in_doubt,
            "client_errors": len(probe.errors)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("drill", choices=["primary-killed", "site-loss", "etcd-member", "pgbouncer",
                                          "edge-primary-killed"])
    parser.add_argument("--edge-threads", type=int, default=4, help="edge-primary-killed: submitter threads")
    parser.add_argument("--edge-seconds", type=float, default=60,
                        help="edge-primary-killed: seconds the submitter goes on after the kill")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--after", type=float, default=10)
    parser.add_argument("--hold", type=float, default=20, help="etcd-member: seconds with members down")
    parser.add_argument("--dr-delay-ms", type=int, default=0,
                        help="site-loss: netem delay (each way) on the DR replica's replication link; 0: none")
    parser.add_argument("--dr-rate-kbit", type=int, default=0, help="site-loss: bandwidth of the DR link (with --dr-delay-ms)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root (it kills and restarts the cluster's processes)")
    {"primary-killed": primary_killed, "site-loss": site_loss, "etcd-member": etcd_member, "pgbouncer": pgbouncer,
     "edge-primary-killed": edge_primary_killed}[args.drill](args)


if __name__ == "__main__":
    main()
